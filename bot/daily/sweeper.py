"""One sweep: plan who is due, claim their deliveries in batches, send, record outcomes.

The same code runs from the scheduler every ~30 s and from `tutor daily sweep --at`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot import learning, metrics, tracks
from bot.bank import Bank
from bot.daily.errors import DeliveryBlocked, DeliveryRetryAfter, DeliveryUnknown
from bot.daily.ratelimit import RateLimiter
from bot.daily.store import (
    BLOCKED,
    FAILED,
    PENDING,
    SENT,
    UNKNOWN,
    Claim,
    DailyStore,
    NewAsk,
    Outcome,
    UserState,
)
from bot.errors import NoQuestions
from bot.ports import Notifier
from bot.tutor import Tutor

log = logging.getLogger(__name__)

# A claimed send not finished within this long is presumed dead and sent again.
CLAIM_LEASE = timedelta(minutes=2)
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


@dataclass
class Channel:
    """A platform to deliver through, with its shared rate limit."""

    notifier: Notifier
    limiter: RateLimiter
    in_flight: int = 32


@dataclass
class SweepReport:
    planned: int = 0
    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    expired: int = 0
    reclaimed: int = 0

    def add(self, status: str) -> None:
        self.outcomes[status] = self.outcomes.get(status, 0) + 1

    def line(self) -> str:
        done = ", ".join(f"{n} {status}" for status, n in sorted(self.outcomes.items()))
        return (
            f"planned {self.planned}, claimed {self.claimed}"
            + (f" ({done})" if done else "")
            + (f", {self.expired} expired" if self.expired else "")
            + (f", {self.reclaimed} reclaimed after a crash" if self.reclaimed else "")
        )


class DailySweeper:
    def __init__(
        self,
        store: DailyStore,
        tutor: Tutor,
        channels: Mapping[str, Channel],
        *,
        batch: int = 1000,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.tutor = tutor
        self.channels = dict(channels)
        self.batch = batch
        self.rng = rng or random.Random()
        self.monotonic = monotonic

    async def sweep(self, now: datetime, budget_s: float | None = None) -> SweepReport:
        """Plan and send everything due at `now`. With a budget, stop claiming new batches
        once it is spent (the next sweep carries on); without one, run until done."""
        report = SweepReport()
        if not self.channels:
            return report
        platforms = sorted(self.channels)
        started = self.monotonic()
        await self.store.schedule_unscheduled(now)
        report.expired = await self.store.expire(now)
        report.reclaimed = await self.store.reclaim_stale(now, CLAIM_LEASE)
        bank = await self.tutor.bank()
        choose = self._chooser(bank, now)

        pending_left = [True]  # retries this sweep makes wait past `now`: none appear

        async def next_batch() -> list[Claim] | None:
            """Pending deliveries (retries) first, then newly due users, planned and
            claimed at once. None when nobody is left."""
            claims: list[Claim] = []
            if pending_left[0]:
                claims = await self.store.claim(now, platforms, self.batch, choose)
                if len(claims) == self.batch:
                    return claims
                pending_left[0] = False
            planned = await self.store.plan_and_claim(
                now, platforms, self.batch - len(claims), choose
            )
            report.planned += planned.added
            if not claims and not planned.seen:
                return None
            return claims + planned.claims

        def claim_next() -> asyncio.Future[list[Claim] | None] | None:
            if budget_s is not None and self.monotonic() - started >= budget_s:
                return None
            return asyncio.ensure_future(next_batch())

        # The next batch is claimed while this one is sent, so sending never waits on the
        # database between batches.
        upcoming = claim_next()
        while upcoming is not None:
            claims = await upcoming
            if claims is None:
                break
            report.claimed += len(claims)
            upcoming = claim_next()
            outcomes = await self._send(claims, bank, now)
            for outcome in outcomes:
                report.add(outcome.status)
                if outcome.status == PENDING and outcome.not_before is None:
                    pending_left[0] = True  # a resend, claimable at once
            await self.store.finish(outcomes, now)
        if report.planned or report.claimed:
            log.info("daily sweep at %s: %s", now.isoformat(timespec="seconds"), report.line())
        return report

    def _chooser(self, bank: Bank, now: datetime) -> Callable[[int, UserState], NewAsk | None]:
        # One picker per track (built when first needed): each user gets their track's questions.
        pickers: dict[tracks.Track, learning.DailyPicker] = {}

        def choose(_user_id: int, state: UserState) -> NewAsk | None:
            try:
                track = tracks.resolve(bank, state.track, self.tutor.default_pack)
            except NoQuestions:
                return None
            picker = pickers.get(track)
            if picker is None:
                picker = learning.DailyPicker(
                    tracks.questions(bank, track),
                    tracks.domains(bank, track),
                    self.rng,
                    track.blueprint,
                )
                pickers[track] = picker
            counts = tracks.counts_in(state.domain_counts, track)
            question = picker.choose(state.reviews, state.due, counts, now)
            if question is None:
                return None
            order = list(range(len(question.options)))
            self.rng.shuffle(order)
            return NewAsk(question.key, tuple(order))

        return choose

    async def _send(self, claims: list[Claim], bank: Bank, now: datetime) -> list[Outcome]:
        """Send a batch: per platform, `in_flight` senders take claims off one queue (no
        task per delivery)."""
        queues: dict[str, deque[Claim]] = {}
        for claim in claims:
            queues.setdefault(claim.platform, deque()).append(claim)
        outcomes: list[Outcome] = []

        async def sender(queue: deque[Claim]) -> None:
            while queue:
                outcomes.append(await self._deliver(queue.popleft(), bank, now))

        await asyncio.gather(
            *(
                sender(queue)
                for platform, queue in queues.items()
                for _ in range(min(self.channels[platform].in_flight, len(queue)))
            )
        )
        return outcomes

    async def _deliver(self, claim: Claim, bank: Bank, now: datetime) -> Outcome:
        channel = self.channels[claim.platform]
        view = self.tutor.view(
            bank, claim.ask_id, claim.question_key, claim.option_order, "daily",
            tracks.blueprint_in_force(bank, claim.track, self.tutor.default_pack),
        )  # fmt: skip
        outcome = Outcome(
            delivery_id=claim.delivery_id, user_id=claim.user_id, status=SENT,
            ask_id=claim.ask_id, maybe_duplicates=claim.maybe_duplicates,
        )  # fmt: skip
        try:
            await channel.limiter.acquire()
            started = time.monotonic()
            ref = await channel.notifier.send_question(claim.external_id, view)
            metrics.record_delivery(claim.platform, SENT, time.monotonic() - started)
        except DeliveryBlocked:
            metrics.record_delivery(claim.platform, BLOCKED)
            return replace(outcome, status=BLOCKED)
        except DeliveryRetryAfter as wait:
            metrics.record_delivery(claim.platform, "retry_after")
            channel.limiter.pause(wait.seconds)
            retry_at = now + timedelta(seconds=wait.seconds)
            return replace(outcome, status=PENDING, not_before=retry_at, error=str(wait))
        except DeliveryUnknown as unknown:
            metrics.record_delivery(claim.platform, UNKNOWN)
            # It may have arrived: resend once, and count it; a second time, give up.
            if claim.maybe_duplicates == 0:
                return replace(outcome, status=PENDING, maybe_duplicates=1, error=str(unknown))
            return replace(outcome, status=UNKNOWN, error=str(unknown))
        except Exception as error:  # anything else: back off, until the local day ends
            metrics.record_delivery(claim.platform, "error")
            log.warning("daily send to %s failed: %r", claim.platform, error)
            retry_at = now + min(FIRST_BACKOFF * 2 ** (claim.attempts - 1), MAX_BACKOFF)
            status = PENDING if retry_at < claim.expires_at else FAILED
            return replace(outcome, status=status, not_before=retry_at, error=repr(error))
        return Outcome(
            claim.delivery_id, claim.user_id, SENT, claim.ask_id,
            message_ref=ref, maybe_duplicates=claim.maybe_duplicates,
        )  # fmt: skip
