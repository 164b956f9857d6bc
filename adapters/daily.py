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
from bot.daily.scheduler import SWEEP_EVERY_S, DailyScheduler, Tick
from bot.daily.store import DailyStore
from bot.daily.sweeper import Channel, DailySweeper
from bot.ports import Notifier
from bot.tutor import utcnow

log = logging.getLogger(__name__)

# Game rounds last 20-90 s: their deadlines are checked every second (one indexed query).
EXAMS_TICK_S = 30.0  # expire exams past their deadline (answers check it too)
GAMES_TICK_S = 1.0


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
    return ChannelDailies(
        ChannelDailyStore(core.store.db), core.tutor, posters, chat_tracks=core.chat_tracks
    )


@asynccontextmanager
async def daily_running(
    core: App,
    channels: Mapping[str, Channel],
    posters: Mapping[str, ChannelPoster] | None = None,
    ticks: Mapping[str, tuple[Tick, float]] | None = None,
) -> AsyncIterator[None]:
    """The process's scheduler while the bots run: the sweep job every ~30 s (on SQLite in
    one process only), and the games' deadline tick every GAMES_TICK_S in every process
    (each due game is claimed by one process; see bot/store/games.py). With `posters`, the
    sweep job also posts the group channels' own daily questions."""
    lock = SweepLock.for_database(core.settings.database_url)
    try:
        lock.acquire()
        sweeping = True
    except SweepLockHeld as held:
        log.warning("daily questions are not sent from this process: %s", held)
        sweeping = False
    work: DailySweeper | WithChannels | None = None
    if sweeping:
        work = sweeper(core, channels)
        if posters:
            work = WithChannels(work, channel_dailies(core, posters))
    scheduler = DailyScheduler(work, clock=utcnow)
    scheduler.add_tick("games-tick", core.games.tick, GAMES_TICK_S)
    scheduler.add_tick("exams-tick", core.exams.tick, EXAMS_TICK_S)
    for job_id, (tick, every_s) in (ticks or {}).items():  # e.g. the admins' report digest
        scheduler.add_tick(job_id, tick, every_s)
    scheduler.start()
    if sweeping:
        log.info(
            "daily push: sweeping every %ss through %s", scheduler.interval_s, ", ".join(channels)
        )
    try:
        yield
    finally:
        scheduler.shutdown()
        if sweeping:
            lock.release()
