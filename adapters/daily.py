"""Wiring the daily push to the platforms that are configured (composition, not logic)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from bot.app import App
from bot.daily.channel_daily import ChannelDailies, ChannelPoster, WithChannels
from bot.daily.channel_store import ChannelDailyStore
from bot.daily.lock import SweepLock, SweepLockHeld
from bot.daily.ratelimit import RateLimiter
from bot.daily.scheduler import SWEEP_EVERY_S, DailyScheduler
from bot.daily.store import DailyStore
from bot.daily.sweeper import Channel, DailySweeper
from bot.ports import Notifier
from bot.tutor import utcnow

log = logging.getLogger(__name__)


def channel(notifier: Notifier, rate_per_s: float) -> Channel:
    return Channel(notifier, RateLimiter(rate_per_s, burst=max(1, int(rate_per_s))))


def sweeper(core: App, channels: Mapping[str, Channel]) -> DailySweeper:
    # Claim about what the slowest platform sends between two sweeps, so that claimed rows
    # do not wait long in "sending" (the claim lease) while the rate limit spaces them.
    slowest = min((c.limiter.rate for c in channels.values()), default=1000.0)
    batch = min(1000, max(25, int(slowest * SWEEP_EVERY_S)))
    return DailySweeper(DailyStore(core.store.db), core.tutor, channels, batch=batch)


def channel_dailies(
    core: App, posters: Mapping[str, ChannelPoster] | None = None
) -> ChannelDailies:
    return ChannelDailies(ChannelDailyStore(core.store.db), core.tutor, posters)


@asynccontextmanager
async def daily_running(
    core: App,
    channels: Mapping[str, Channel],
    posters: Mapping[str, ChannelPoster] | None = None,
) -> AsyncIterator[None]:
    """The sweep job, every ~30 s, while the bots run. On SQLite only one process sweeps.
    With `posters`, the same job posts the group channels' daily questions."""
    lock = SweepLock.for_database(core.settings.database_url)
    try:
        lock.acquire()
    except SweepLockHeld as held:
        log.warning("daily questions are not sent from this process: %s", held)
        yield
        return
    work: DailySweeper | WithChannels = sweeper(core, channels)
    if posters:
        work = WithChannels(work, channel_dailies(core, posters))
    scheduler = DailyScheduler(work, clock=utcnow)
    scheduler.start()
    log.info("daily push: sweeping every %ss through %s", scheduler.interval_s, ", ".join(channels))
    try:
        yield
    finally:
        scheduler.shutdown()
        lock.release()
