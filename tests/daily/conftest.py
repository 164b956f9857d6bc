"""Fixtures for the daily push: the core on a real database, users with daily settings,
and a sweeper wired to a fake notifier."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from bot.app import App, start
from bot.daily.ratelimit import RateLimiter
from bot.daily.store import DailyStore
from bot.daily.sweeper import Channel, DailySweeper
from bot.store.models import Delivery, User
from bot.views import UserRef
from tests.conftest import settings_for
from tests.daily.fakes import FakeNotifier, FakeTime


@pytest.fixture
async def core(db_url: str) -> AsyncIterator[App]:
    application = await start(settings_for(db_url))
    yield application
    await application.close()


def make_sweeper(core: App, notifier: FakeNotifier, rate: float = 10_000) -> DailySweeper:
    """A sweeper whose rate limiter waits on fake time, so a 429's pause takes no real time."""
    time = FakeTime()
    channel = Channel(notifier, RateLimiter(rate, burst=int(rate), clock=time, sleep=time.sleep))
    return DailySweeper(DailyStore(core.store.db), core.tutor, {"telegram": channel})


async def add_user(core: App, external_id: str, at: str, zone: str, now: datetime) -> UserRef:
    """A Telegram user whose daily question is set to `at` in `zone`, as of `now`."""
    ref = UserRef("telegram", external_id, f"user {external_id}")
    core.tutor.clock = lambda: now
    await core.tutor.set_daily(ref, at, zone)
    return ref


async def deliveries(core: App) -> list[Delivery]:
    async with core.engine.connect() as conn:
        return list((await conn.execute(select(Delivery).order_by(Delivery.id))).all())  # type: ignore[arg-type]


async def user_active(core: App, external_id: str) -> bool:
    user = await core.tutor.user(UserRef("telegram", external_id))
    return user.active


async def force_due(core: App, when: datetime) -> None:
    async with core.engine.begin() as conn:
        await conn.execute(update(User).values(next_due_at=when))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


SweepAt = Callable[[datetime], Awaitable[object]]
