"""A fake Notifier for the daily push: records what it sent, fails as scripted."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from bot.daily.errors import DeliveryBlocked, DeliveryRetryAfter, DeliveryUnknown
from bot.views import QuestionView

Script = Callable[[str, int], Exception | None]  # (external id, nth try for it) -> failure


class FakeNotifier:
    platform = "telegram"

    def __init__(self, script: Script | None = None) -> None:
        self.script = script
        self.sent: list[tuple[str, QuestionView]] = []
        self.tries: Counter[str] = Counter()
        self.delivered = asyncio.Event()  # set at each message sent

    async def send_question(self, external_id: str, view: QuestionView) -> str:
        self.tries[external_id] += 1
        failure = self.script(external_id, self.tries[external_id]) if self.script else None
        if failure is not None:
            raise failure
        self.sent.append((external_id, view))
        self.delivered.set()
        return f"{external_id}:{len(self.sent)}"

    def received(self) -> Counter[str]:
        return Counter(external_id for external_id, _view in self.sent)


def blocked(*ids: str) -> Script:
    return lambda external_id, _n: DeliveryBlocked("403") if external_id in ids else None


def retry_after_first(seconds: float) -> Script:
    return lambda _id, n: DeliveryRetryAfter(seconds) if n == 1 else None


def unknown_first(times: int) -> Script:
    return lambda _id, n: DeliveryUnknown("timed out") if n <= times else None


class FakeTime:
    """Monotonic time for rate limiters that moves only when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
