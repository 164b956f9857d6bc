"""Every Bot API request goes through here: PTB's AIORateLimiter (throttling, and waiting out
RetryAfter), plus retries of network failures with exponential backoff."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries requests that failed on the network.

    - RetryAfter (429): AIORateLimiter sleeps `retry_after` and retries, `max_retries` times.
    - A connection error: retried up to `network_retries` times, waiting `backoff`,
      2×`backoff`, … (capped at `max_backoff`) in between.
    - A timeout may mean the request reached Telegram, so it is resent once only: a message
      can then arrive twice, but never fail silently.
    - getUpdates is left to the Updater's own retry loop.
    - A caller that passes `rate_limit_args` (the daily push) gets throttling and that many
      429 retries only; it handles network failures itself.
    """

    def __init__(
        self,
        *,
        max_retries: int = 3,
        network_retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        **limits: float,
    ) -> None:
        super().__init__(max_retries=max_retries, **limits)
        self.network_retries = network_retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        if rate_limit_args is not None:
            # The caller chose its own retries (the daily push): throttle, and wait out at
            # most that many 429s, but leave network failures to the caller.
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        delay = self.backoff
        attempt = 0
        timeouts = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:  # a NetworkError subclass, but retrying cannot help
                raise
            except NetworkError as error:
                attempt += 1
                if isinstance(error, TimedOut):
                    timeouts += 1
                if endpoint == "getUpdates" or attempt > self.network_retries or timeouts > 1:
                    raise
                log.warning(
                    "%s failed (%s); retry %d of %d in %.1fs",
                    endpoint,
                    error,
                    attempt,
                    self.network_retries,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
