"""Waiting in tests on what the bot does, never on a fixed time: shared by the fakes of
Telegram's Bot API and of Discord, and by tests that watch the database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")
WITHIN_S = 30.0  # a generous bound: a test that waits this long has failed


class Watched:
    """A fake that announces every change it records (`_notify`, or `_changed` held while
    changing), so a test can wait until a predicate over its records holds."""

    def __init__(self) -> None:
        self._changed = asyncio.Condition()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], within: float = WITHIN_S) -> Any:
        """Wait until predicate() is truthy (re-checked after every change); its value."""
        async with asyncio.timeout(within), self._changed:
            while not (value := predicate()):
                await self._changed.wait()
            return value


async def eventually(check: Callable[[], Awaitable[T]], within: float = WITHIN_S) -> T:
    """Wait until the async check returns something truthy: for state in the database,
    which no call to a fake announces, so it is polled (never a fixed sleep)."""
    async with asyncio.timeout(within):
        while not (value := await check()):  # noqa: ASYNC110 - polling a database, no event
            await asyncio.sleep(0.02)
        return value
