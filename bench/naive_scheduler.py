"""Start-up cost of the two ways to schedule the daily push, measured in a fresh process.

- naive: one APScheduler 3 job per user, an `AsyncIOScheduler` with a
  `CronTrigger(hour, minute, timezone=the user's zone)` each -- what python-telegram-bot's
  `JobQueue.run_daily` per user amounts to (it adds one such cron job per call);
- ours: `bot.daily.scheduler.DailyScheduler`, one interval job per process, over a
  `DailySweeper` whose planner state lives in the database (`users.next_due_at`).

Each measurement runs in a process of its own (see bench/daily.py), so nothing else that
process did blurs its memory figures. Measured: the wall time of adding the job(s) and
`scheduler.start()` (which moves the pending jobs into the job store and computes each
one's next fire time), the growth of the resident set (RSS) over it, and, in a separate
process so the tracing does not slow the timed one, the Python heap it keeps and peaks at
(tracemalloc). Inputs (the users' times and zones, the App) are made before the baseline.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

ZONES = (
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/St_Johns", "America/Sao_Paulo", "Atlantic/Azores", "UTC", "Europe/London",
    "Europe/Berlin", "Europe/Kyiv", "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai",
    "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Bangkok", "Asia/Shanghai",
    "Asia/Tokyo", "Australia/Adelaide", "Australia/Sydney", "Australia/Lord_Howe",
    "Pacific/Auckland", "Pacific/Honolulu", "Pacific/Kiritimati",
)  # fmt: skip

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """The current resident set of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def peak_rss_bytes() -> int:
    """The peak resident set of this process image so far (VmHWM).

    Not ru_maxrss: Linux carries ru_maxrss across exec, so a child started by a big parent
    reports the parent's peak as its own. VmHWM belongs to the address space, new at exec.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


async def send_daily(user_id: int) -> None:
    """What each naive job would call: send one user their question (never runs here)."""


def naive_specs(users: int, seed: int) -> list[tuple[int, int, int, ZoneInfo]]:
    rng = random.Random(seed)
    zones = [ZoneInfo(name) for name in ZONES]
    return [(i, rng.randrange(24), rng.randrange(60), rng.choice(zones)) for i in range(users)]


async def _naive(users: int, seed: int, trace: bool) -> dict[str, Any]:
    specs = naive_specs(users, seed)
    scheduler: AsyncIOScheduler | None = None

    def build() -> AsyncIOScheduler:
        s = AsyncIOScheduler(timezone="UTC")
        for user_id, hour, minute, zone in specs:
            s.add_job(
                send_daily,
                CronTrigger(hour=hour, minute=minute, timezone=zone),
                args=(user_id,),
                id=str(user_id),
                coalesce=True,
                max_instances=1,
            )
        s.start()
        return s

    result = _measure(build, trace)
    scheduler = result.pop("made")
    result["jobs"] = len(scheduler.get_jobs())
    scheduler.shutdown(wait=False)
    return result


async def _ours(trace: bool) -> dict[str, Any]:
    from datetime import UTC, datetime

    from bench.daily import CONTENT, NullNotifier
    from bot.app import start
    from bot.config import Settings
    from bot.daily.ratelimit import RateLimiter
    from bot.daily.scheduler import DailyScheduler
    from bot.daily.store import DailyStore
    from bot.daily.sweeper import Channel, DailySweeper

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'ours.db'}"
        app = await start(Settings(DATABASE_URL=url, TUTOR_CONTENT_DIR=CONTENT))  # type: ignore[call-arg]
        notifier = NullNotifier(1)

        def build() -> DailyScheduler:
            channel = Channel(notifier, RateLimiter(25.0, burst=25))  # as adapters/daily.py
            sweeper = DailySweeper(DailyStore(app.store.db), app.tutor, {"telegram": channel})
            s = DailyScheduler(sweeper, clock=lambda: datetime.now(UTC))
            s.start()  # the sweep job is due at once, but the loop does not turn here
            return s

        result = _measure(build, trace)
        scheduler = result.pop("made")
        result["jobs"] = len(scheduler.scheduler.get_jobs())
        scheduler.shutdown()
        await app.close()
    return result


def _measure(build: Any, trace: bool) -> dict[str, Any]:
    gc.collect()
    rss0, peak0 = rss_bytes(), peak_rss_bytes()
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    made = build()
    elapsed = time.perf_counter() - t0
    result: dict[str, Any] = {"made": made, "startup_s": elapsed}
    if trace:
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result.update(traced_bytes=current, traced_peak_bytes=peak)
    else:
        gc.collect()
        result.update(
            rss_growth_bytes=rss_bytes() - rss0, peak_rss_growth_bytes=peak_rss_bytes() - peak0
        )
    return result


def measure(kind: str, users: int, seed: int, trace: bool) -> dict[str, Any]:
    """Run in a fresh process (bench/daily.py does): the start-up of `kind`."""
    if kind == "naive":
        return asyncio.run(_naive(users, seed, trace))
    return asyncio.run(_ours(trace))
