"""Every Bot API request goes through here: one send budget per bot token, shared by
everything that sends, with interactive replies served before the daily push.

- Requests that write to a chat (they carry a `chat_id`) draw a token from one bucket of
  `rate` per second, Telegram's ~30 messages/s per bot. Waiting requests are served by
  priority, then in arrival order: replies to students first; the daily push (a caller that
  passes `BULK`) only gets tokens no reply is waiting for, so it can never starve them.
- Group chats also get Telegram's ~20 messages/minute each.
- A 429 holds every sender back for `retry_after` (one 429 must not become a storm), then
  the request is retried: `max_retries` times, or as often as its `SendClass` says.
- A connection error: retried up to `network_retries` times, waiting `backoff`, 2×`backoff`,
  … (capped at `max_backoff`). A timeout may mean the request reached Telegram, so it is
  resent once only. The daily push handles network failures itself (no retries here).
- Answering a callback query (the toast of a button press) and getUpdates take no token.
- `drain()` (shutdown): no more waiting and no more retries; each request is tried once
  more at most, and what is abandoned is counted.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot import metrics

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]

INTERACTIVE = 0
BULK_PRIORITY = 1
# Telegram allows about 30 messages/s per bot. A little below it, the budget Telegram keeps
# refills, so a clump of requests delayed on their way (a busy event loop, the network)
# still fits in it instead of drawing a 429.
TELEGRAM_RATE = 29.0
# Tokens saved up while nobody sends: a timer that fires late (a busy event loop) then
# sends what it owes instead of losing it. Telegram tolerates short bursts within ~30/s.
BURST = 5
GROUP_RATE = 20 / 60  # messages per second per group chat
GROUP_BURST = 20


@dataclass(frozen=True)
class SendClass:
    """What a caller passes as `rate_limit_args`: its priority and how many 429s it waits out
    here (None: the limiter's default). A bulk sender also gets no network retries."""

    priority: int = INTERACTIVE
    retries_429: int | None = None
    # A bulk request that has waited this long for a token gives up with RetryAfter, so that
    # the daily push backs off (and its claimed rows go back to pending) while replies are busy.
    max_wait_s: float | None = None


BULK = SendClass(priority=BULK_PRIORITY, retries_429=1, max_wait_s=20.0)


class PriorityBucket:
    """A token bucket whose waiters are served by (priority, arrival), never by whoever
    polls first. `pause(seconds)` gives out no token until then."""

    def __init__(
        self, rate: float, burst: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self._tokens = float(self.burst)
        self._updated = clock()
        self._paused_until = 0.0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    def waiting(self, priority: int | None = None) -> int:
        return sum(
            1 for p, _, f in self._waiters if not f.done() and (priority is None or p == priority)
        )

    async def acquire(self, priority: int = INTERACTIVE) -> None:
        if not self._waiters and self._take():
            return
        metrics.record_rate_limit_wait("telegram")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        self._schedule()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # granted, then cancelled: give back
                self._tokens = min(self.burst, self._tokens + 1)
                self._release()
            raise

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self.clock() + seconds)
        self._tokens = 0.0
        self._reschedule()

    def _refill(self) -> float:
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        return now

    def _take(self) -> bool:
        now = self._refill()
        if now < self._paused_until or self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def _wait_s(self) -> float:
        now = self._refill()
        return max(self._paused_until - now, (1 - self._tokens) / self.rate, 0.0)

    def _schedule(self) -> None:
        if self._timer is None and self._waiters:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self._wait_s(), self._release)

    def _reschedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiters:
            self._schedule()

    def _release(self) -> None:
        self._timer = None
        while self._waiters:
            priority, order, future = self._waiters[0]
            if future.done():  # cancelled while waiting
                heapq.heappop(self._waiters)
                continue
            if not self._take():
                break
            heapq.heappop(self._waiters)
            future.set_result(None)
        self._schedule()


@dataclass
class DrainReport:
    """What shutdown gave up on."""

    retries_abandoned: int = 0


class RetryingRateLimiter(BaseRateLimiter[SendClass]):
    """The bot's one rate limiter (see the module docstring)."""

    def __init__(
        self,
        *,
        rate: float = TELEGRAM_RATE,
        burst: int = BURST,
        max_retries: int = 3,
        network_retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        group_rate: float = GROUP_RATE,
        group_burst: int = GROUP_BURST,
    ) -> None:
        self.bucket = PriorityBucket(rate, burst)
        self.max_retries = max_retries
        self.network_retries = network_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.group_rate = group_rate
        self.group_burst = group_burst
        self._groups: dict[int, PriorityBucket] = {}
        self._draining = asyncio.Event()
        self.drained = DrainReport()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def draining(self) -> bool:
        return self._draining.is_set()

    def drain(self) -> None:
        """Shutdown has begun: stop waiting out backoffs and 429s; try nothing twice."""
        self._draining.set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: SendClass | None,
    ) -> Result:
        send = rate_limit_args or SendClass()
        chat_id = _chat_id(data)
        throttled = chat_id is not None and endpoint != "answerCallbackQuery"
        retries_429 = self.max_retries if send.retries_429 is None else send.retries_429
        network_retries = 0 if send.priority != INTERACTIVE else self.network_retries
        delay = self.backoff
        failures = timeouts = seen_429 = 0
        while True:
            if chat_id is not None and throttled:
                await self._throttle(chat_id, send)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = _seconds(error.retry_after)
                self.bucket.pause(seconds)  # everyone waits, not just this request
                seen_429 += 1
                if seen_429 > retries_429 or self.draining:
                    if self.draining:
                        self.drained.retries_abandoned += 1
                    raise
                log.info("%s: flood control, retrying in %.1fs", endpoint, seconds)
                await self._sleep(seconds + 0.1)
            except BadRequest:  # a NetworkError subclass, but retrying cannot help
                raise
            except NetworkError as error:
                failures += 1
                timeouts += isinstance(error, TimedOut)
                if endpoint == "getUpdates" or failures > network_retries or timeouts > 1:
                    raise
                if self.draining:
                    self.drained.retries_abandoned += 1
                    raise
                log.warning(
                    "%s failed (%s); retry %d of %d in %.1fs",
                    endpoint,
                    error,
                    failures,
                    network_retries,
                    delay,
                )
                await self._sleep(delay)
                delay = min(delay * 2, self.max_backoff)

    async def _throttle(self, chat_id: int, send: SendClass) -> None:
        if chat_id < 0:  # a group: ~20 messages a minute each
            group = self._groups.get(chat_id)
            if group is None:
                if len(self._groups) > 1024:
                    self._groups = {k: g for k, g in self._groups.items() if g.waiting()}
                group = self._groups[chat_id] = PriorityBucket(self.group_rate, self.group_burst)
            await group.acquire(send.priority)
        if send.max_wait_s is None:
            await self.bucket.acquire(send.priority)
            return
        try:
            async with asyncio.timeout(send.max_wait_s):
                await self.bucket.acquire(send.priority)
        except TimeoutError:
            # Replies have taken the whole budget for a while: ask the caller to come back.
            raise RetryAfter(timedelta(seconds=send.max_wait_s)) from None

    async def _sleep(self, seconds: float) -> None:
        """Sleep, unless shutdown begins first (then raise: the caller gives up)."""
        try:
            async with asyncio.timeout(seconds):
                await self._draining.wait()
        except TimeoutError:
            return
        self.drained.retries_abandoned += 1
        raise NetworkError("shutting down: retry abandoned")


def _chat_id(data: dict[str, Any]) -> int | None:
    value = data.get("chat_id")
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # "@channelname": limited like a group


def _seconds(value: timedelta | float | int) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
