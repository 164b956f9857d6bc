"""`tutor daily status` shows the push's window: when it began, when it last sent, the pace,
and how long what is left needs at the configured rate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from adapters.cli import print_window
from bot.app import App
from bot.daily.progress import Progress, progress
from tests.conftest import settings_for
from tests.daily.conftest import add_user, make_sweeper, utc
from tests.daily.fakes import FakeNotifier


async def test_the_window_of_two_sweeps(core: App) -> None:
    signed_up = utc(2026, 3, 10, 12, 0)
    for k, at in enumerate(("09:00", "09:00", "09:30")):
        await add_user(core, str(100 + k), at, "UTC", signed_up)
    sweeper = make_sweeper(core, FakeNotifier())
    day = date(2026, 3, 11)
    assert await progress(core.store.db, day) == Progress(0, None, None)
    await sweeper.sweep(utc(2026, 3, 11, 9, 0))
    await sweeper.sweep(utc(2026, 3, 11, 9, 30))
    sent = await progress(core.store.db, day)
    assert sent == Progress(3, utc(2026, 3, 11, 9, 0), utc(2026, 3, 11, 9, 30))
    assert sent.rate() == 3 / 1800


def test_status_lines(capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_for("sqlite+aiosqlite:///unused.db", TELEGRAM_DAILY_RATE=20)
    start = utc(2026, 3, 11, 9, 0)
    print_window(Progress(6000, start, start + timedelta(minutes=5)), 12_000, settings)
    out = capsys.readouterr().out
    assert "window     first sent 09:00:00, last 09:05:00 UTC (5.0 min, 20.0/s)" in out
    assert "to go      12000: at least 0:10:00 more at TELEGRAM_DAILY_RATE=20/s" in out
