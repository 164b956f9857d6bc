"""What start-up builds is kept out of the cycle collector's way while the app runs."""

from __future__ import annotations

import gc
from pathlib import Path

from bot.app import start
from bot.config import Settings


async def test_start_freezes_the_long_lived_objects_and_close_releases_them(
    tmp_path: Path,
) -> None:
    gc.unfreeze()
    app = await start(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 't.db'}"))
    try:
        assert gc.get_freeze_count() > 0
        bank = await app.tutor.bank()
        assert bank.active_questions  # the shipped bank, loaded during start
    finally:
        await app.close()
    assert gc.get_freeze_count() == 0
