"""The games' deadlines run on the process's one scheduler: one job, whatever the games."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.daily.scheduler import DailyScheduler
from bot.games.views import RevealView, RoundView
from tests.fakes import FakeClock
from tests.games.conftest import ALICE, VENUE, Table


@pytest.fixture
async def table(db_url: str) -> AsyncIterator[Table]:
    # The scheduler runs on real time: the games start two minutes ago by the fake clock.
    t = await Table(db_url, FakeClock(datetime.now(UTC) - timedelta(minutes=2))).open()
    yield t
    await t.close()


async def test_one_job_ticks_every_game(table: Table) -> None:
    for k in range(3):
        await table.games.start_quiz(VENUE.__class__("telegram", str(k), str(k)), ALICE, 1)
    table.clock.now = datetime.now(UTC)  # every round is due
    ticked = asyncio.Event()

    async def tick(now: datetime) -> int:
        moved = await table.games.tick(now)
        if len(table.publisher.posted(RevealView)) == 3:
            ticked.set()
        return moved

    scheduler = DailyScheduler(None, clock=table.clock)  # this process does not sweep
    scheduler.add_tick("games-tick", tick, 1.0)
    scheduler.start()
    try:
        (job,) = scheduler.scheduler.get_jobs()
        assert job.id == "games-tick" and job.coalesce and job.max_instances == 1
        await asyncio.wait_for(ticked.wait(), 30)  # the first run is at once
    finally:
        scheduler.shutdown()
    assert len(table.publisher.posted(RoundView)) == 3


async def test_a_failing_tick_does_not_stop_the_job() -> None:
    calls: list[datetime] = []
    ran_twice = asyncio.Event()

    async def broken(now: datetime) -> None:
        calls.append(now)
        if len(calls) == 2:
            ran_twice.set()
        raise RuntimeError("database went away for a moment")

    scheduler = DailyScheduler(None, clock=lambda: datetime.now(UTC))
    scheduler.add_tick("games-tick", broken, 0.05)
    scheduler.start()
    try:
        await asyncio.wait_for(ran_twice.wait(), 30)
    finally:
        scheduler.shutdown()
