"""How updates are processed: concurrently, each chat's in the order they came, each once.

PTB hands every update to `do_process_update` in a task of its own, in the order the
updates arrived. Before its first `await`, each task links itself behind the previous
update of the same chat, so one chat's updates run one after another while different chats
run side by side: a student waiting for a rate-limited reply holds up nobody else, and the
toast of a button press (which takes no send token) is answered at once.

Telegram may deliver an update twice (a retried webhook call, a poller that restarts before
it confirmed its offset). Recent update ids are remembered in memory; in webhook mode, where
several replicas share the work, they are also claimed in the database (`SeenEvents`).

`drain()` is the shutdown: updates still running get until the deadline to finish (the rate
limiter stops retrying meanwhile), updates that have not started by then are dropped, and
what was dropped is counted for the log.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot import metrics
from bot.logs import log_context

log = logging.getLogger(__name__)

# PTB's semaphore would queue updates before we order them; the real limit is the send
# budget, so it is set out of reach.
UNBOUNDED = 1_000_000
REMEMBERED_IDS = 10_000


class SeenStore(Protocol):
    async def first_time(self, update_id: int) -> bool: ...


@dataclass
class DrainReport:
    updates_dropped: int = 0  # not started before the deadline
    updates_cut: int = 0  # still running at the deadline, cancelled
    apologies_dropped: int = 0  # error messages shutdown did not wait to deliver


class RecentIds:
    """The last `size` update ids seen by this process."""

    def __init__(self, size: int = REMEMBERED_IDS) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, seen: SeenStore | None = None) -> None:
        super().__init__(UNBOUNDED)
        self.recent = RecentIds()
        self.seen = seen
        self.repeats = 0
        self.report = DrainReport()
        self._tails: dict[int, asyncio.Future[None]] = {}
        self._active: set[asyncio.Task[Any]] = set()
        self._deadline: float | None = None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def draining(self) -> bool:
        return self._deadline is not None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Everything up to the first await runs in arrival order.
        if isinstance(update, Update) and not self.recent.first_time(update.update_id):
            self._skip(coroutine, "repeated update %s skipped", update.update_id)
            self.repeats += 1
            return
        if self._past_deadline():
            self._skip(coroutine, "update dropped: shutting down")
            self.report.updates_dropped += 1
            return
        key = _chat_key(update)
        previous = self._tails.get(key) if key is not None else None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._tails[key] = done
        task = asyncio.current_task()
        if task is not None:
            self._active.add(task)
        try:
            if previous is not None:
                await asyncio.shield(previous)
            shared = isinstance(update, Update) and self.seen is not None
            if shared and not await self._first_everywhere(update):
                self._skip(coroutine, "update %s already handled elsewhere", _id(update))
                self.repeats += 1
                return
            if self._past_deadline():
                self._skip(coroutine, "update dropped: shutting down")
                self.report.updates_dropped += 1
                return
            started = time.monotonic()
            try:
                with log_context("telegram", _id(update), _user_id(update)):
                    await coroutine
            finally:
                metrics.record_update("telegram", time.monotonic() - started)
        finally:
            done.set_result(None)
            if key is not None and self._tails.get(key) is done:
                del self._tails[key]
            if task is not None:
                self._active.discard(task)

    async def _first_everywhere(self, update: object) -> bool:
        assert isinstance(update, Update) and self.seen is not None
        try:
            return await self.seen.first_time(update.update_id)
        except Exception as error:  # better a possible repeat than no answer at all
            log.warning("could not check update %s for a repeat: %s", update.update_id, error)
            return True

    def _past_deadline(self) -> bool:
        return self._deadline is not None and asyncio.get_running_loop().time() >= self._deadline

    @staticmethod
    def _skip(coroutine: Awaitable[Any], message: str, *args: object) -> None:
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # never awaited: close it, so no warning
        log.info(message, *args)

    def begin_drain(self, seconds: float) -> None:
        """Shutdown has begun: updates get `seconds` from now to finish."""
        self._deadline = asyncio.get_running_loop().time() + seconds

    async def drain(self) -> DrainReport:
        """Let running updates finish until the deadline; cancel what is left then."""
        loop = asyncio.get_running_loop()
        if self._deadline is None:
            self.begin_drain(0)
        assert self._deadline is not None
        while self._active:
            left = self._deadline - loop.time()
            if left <= 0:
                break
            await asyncio.wait(set(self._active), timeout=left)
        cut = [t for t in self._active if not t.done()]
        for task in cut:
            task.cancel()
        if cut:
            await asyncio.gather(*cut, return_exceptions=True)
        self.report.updates_cut += len(cut)
        return self.report


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


def _id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None


def _user_id(update: object) -> int | None:
    """The Telegram user who sent the update, for log lines."""
    user = update.effective_user if isinstance(update, Update) else None
    return user.id if user is not None else None
