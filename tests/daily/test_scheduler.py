"""The sweep job and the send-rate limiter."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.daily.lock import SweepLock, SweepLockHeld
from bot.daily.ratelimit import RateLimiter
from bot.daily.scheduler import DailyScheduler
from tests.daily.conftest import add_user, make_sweeper, utc
from tests.daily.fakes import FakeNotifier, FakeTime


async def test_one_interval_job_that_sweeps(core: App) -> None:
    await add_user(core, "u", "09:00", "UTC", utc(2026, 3, 1, 8, 0))
    notifier = FakeNotifier()
    scheduler = DailyScheduler(make_sweeper(core, notifier), clock=lambda: utc(2026, 3, 1, 9, 0))
    scheduler.start()
    try:
        jobs = scheduler.scheduler.get_jobs()
        assert len(jobs) == 1
        (job,) = jobs
        assert job.coalesce is True and job.max_instances == 1
        await asyncio.wait_for(notifier.delivered.wait(), 30)  # the first run is at once
        assert notifier.received() == {"u": 1}
    finally:
        scheduler.shutdown()


async def test_a_failing_sweep_does_not_stop_the_job(core: App) -> None:
    class Broken:
        calls = 0

        async def sweep(self, now: object, budget_s: float | None = None) -> None:
            Broken.calls += 1
            raise RuntimeError("database went away for a moment")

    scheduler = DailyScheduler(Broken(), clock=lambda: utc(2026, 3, 1, 9, 0))  # type: ignore[arg-type]
    await scheduler.sweep_now()
    await scheduler.sweep_now()
    assert Broken.calls == 2


async def test_rate_limiter_spaces_sends_and_pauses_on_request() -> None:
    time = FakeTime()
    limiter = RateLimiter(10, burst=2, clock=time, sleep=time.sleep)
    for _ in range(6):
        await limiter.acquire()
    assert time.now == 0.4  # two at once, then one every 1/10 s
    limiter.pause(5)
    await limiter.acquire()
    assert time.now >= 5.4


def test_sqlite_sweep_lock_is_exclusive(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/t.db"
    first, second = SweepLock.for_database(url), SweepLock.for_database(url)
    first.acquire()
    try:
        try:
            second.acquire()
            raise AssertionError("a second sweeper got the lock")
        except SweepLockHeld as held:
            assert "already run by process" in str(held)
    finally:
        first.release()
    second.acquire()  # free again once the first lets go
    second.release()
    assert SweepLock.for_database("postgresql+asyncpg://x@h/db").path is None
