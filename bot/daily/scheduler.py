"""One APScheduler interval job per process runs the sweep: never one job per user."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.daily.sweeper import DailySweeper

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 30


class DailyScheduler:
    def __init__(
        self,
        sweeper: DailySweeper,
        clock: Callable[[], datetime],
        interval_s: float = SWEEP_EVERY_S,
    ) -> None:
        self.sweeper = sweeper
        self.clock = clock
        self.interval_s = interval_s
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        """Sweep now and every `interval_s`; a late or overlapping run is merged, not queued."""
        self.scheduler.add_job(
            self.sweep_now,
            IntervalTrigger(seconds=self.interval_s),
            id="daily-sweep",
            coalesce=True,
            max_instances=1,
            next_run_time=self.clock(),
            misfire_grace_time=None,
        )
        self.scheduler.start()

    async def sweep_now(self) -> None:
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
