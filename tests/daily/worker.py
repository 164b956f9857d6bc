"""A sweeping process for the multi-process tests: one sweep at a given instant, sending
through a notifier that appends one line per message to a shared file.

    python -m tests.daily.worker DATABASE_URL ISO_INSTANT OUT_FILE [DELAY_S [GO_FILE]]

With GO_FILE, the worker starts up, writes GO_FILE.ready-<pid>, and waits for GO_FILE to
exist before it sweeps, so that several workers sweep at the same moment.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path

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


async def main(url: str, at: datetime, out: str, delay: float, go: str | None) -> None:
    core = await start(Settings(DATABASE_URL=url, TUTOR_CONTENT_DIR=MINIPACK))  # type: ignore[call-arg]
    try:
        if go:
            Path(f"{go}.ready-{os.getpid()}").touch()
            while not Path(go).exists():  # noqa: ASYNC110 - another process creates it
                await asyncio.sleep(0.01)
        channel = Channel(FileNotifier(out, delay), RateLimiter(100_000, burst=100_000))
        sweeper = DailySweeper(
            DailyStore(core.store.db), core.tutor, {"telegram": channel}, batch=25
        )
        report = await sweeper.sweep(at)
        print(report.line(), flush=True)
    finally:
        await core.close()


if __name__ == "__main__":
    url, at, out, *rest = sys.argv[1:]
    delay = float(rest[0]) if rest else 0.0
    go = rest[1] if len(rest) > 1 else None
    asyncio.run(main(url, datetime.fromisoformat(at), out, delay, go))
