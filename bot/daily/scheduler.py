"""The process's one APScheduler: the daily sweep job (never one job per user), and the
other periodic ticks that share it, e.g. the games' deadlines (never one job per game)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)


class Sweeps(Protocol):
    """What the job runs: a DailySweeper, or one with channel dailies beside it."""

    async def sweep(self, now: datetime, budget_s: float | None = None) -> object: ...


SWEEP_EVERY_S = 30

Tick = Callable[[datetime], Awaitable[object]]


class DailyScheduler:
    def __init__(
        self,
        sweeper: Sweeps | None,
        clock: Callable[[], datetime],
        interval_s: float = SWEEP_EVERY_S,
    ) -> None:
        """`sweeper` None: this process does not sweep (another one does), but its other
        ticks still run here."""
        self.sweeper = sweeper
        self.clock = clock
        self.interval_s = interval_s
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        """Sweep now and every `interval_s`; a late or overlapping run is merged, not queued."""
        if self.sweeper is not None:
            self._every("daily-sweep", self.sweep_now, self.interval_s)
        self.scheduler.start()

    def add_tick(self, job_id: str, tick: Tick, every_s: float) -> None:
        """Run `tick(now)` every `every_s` seconds in this scheduler (one job, whatever it
        serves); a failing tick is logged and tried again on the next run."""

        async def run() -> None:
            try:
                await tick(self.clock())
            except Exception:
                log.exception("%s failed; the next run will try again", job_id)

        self._every(job_id, run, every_s)

    def _every(self, job_id: str, func: Callable[[], Awaitable[None]], seconds: float) -> None:
        self.scheduler.add_job(
            func,
            IntervalTrigger(seconds=seconds),
            id=job_id,
            coalesce=True,
            max_instances=1,
            next_run_time=self.clock(),
            misfire_grace_time=None,
        )

    async def sweep_now(self) -> None:
        if self.sweeper is None:
            return
        try:
            # Leave room before the next run, so sweeps do not pile up behind each other.
            await self.sweeper.sweep(self.clock(), budget_s=self.interval_s * 0.8)
        except asyncio.CancelledError:
            # Shutdown cancels a running sweep; what it had claimed is sent by a later sweep
            # once the claim lease runs out. Ending quietly keeps a traceback out of the log.
            log.info("daily sweep stopped by shutdown")
        except Exception:
            log.exception("daily sweep failed; the next one will try again")

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
