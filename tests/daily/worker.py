"""A sweeping process for the multi-process tests: one sweep at a given instant, sending
through a notifier that appends one line per message to a shared file.

    python -m tests.daily.worker DATABASE_URL ISO_INSTANT OUT_FILE [DELAY_S]
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime

from bot.app import start
from bot.config import Settings
from bot.daily.ratelimit import RateLimiter
from bot.daily.store import DailyStore
from bot.daily.sweeper import Channel, DailySweeper
from bot.views import QuestionView
from tests.conftest import MINIPACK


class FileNotifier:
    platform = "telegram"

    def __init__(self, path: str, delay: float) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.delay = delay
        self.pid = os.getpid()

    async def send_question(self, external_id: str, view: QuestionView) -> str:
        await asyncio.sleep(self.delay)
        os.write(self.fd, f"{external_id} {view.ask_id} {self.pid}\n".encode())
        return f"{external_id}:{view.ask_id}"


async def main(url: str, at: datetime, out: str, delay: float) -> None:
    core = await start(Settings(DATABASE_URL=url, TUTOR_CONTENT_DIR=MINIPACK))  # type: ignore[call-arg]
    try:
        channel = Channel(FileNotifier(out, delay), RateLimiter(100_000, burst=100_000))
        sweeper = DailySweeper(
            DailyStore(core.store.db), core.tutor, {"telegram": channel}, batch=25
        )
        report = await sweeper.sweep(at)
        print(report.line(), flush=True)
    finally:
        await core.close()


if __name__ == "__main__":
    asyncio.run(
        main(
            sys.argv[1],
            datetime.fromisoformat(sys.argv[2]),
            sys.argv[3],
            float(sys.argv[4] if len(sys.argv) > 4 else 0),
        )
    )
