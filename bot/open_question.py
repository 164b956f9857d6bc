"""/quiz while a question is open: say so and offer to skip it. A skipped question is kept
(asks.skipped_at), not silently dropped; it may still be answered from its message."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.tutor import Tutor
from bot.views import QuestionView, UserRef

OPEN_NOTICE = "You still have a question open. Answer it first, or skip it for a new one."


class SkipStore(Protocol):
    async def open_ask(self, user_id: int) -> int | None: ...

    async def skip(self, ask_id: int, user_id: int, now: datetime) -> bool: ...


class OpenQuestions:
    def __init__(self, tutor: Tutor, store: SkipStore) -> None:
        self.tutor = tutor
        self.store = store

    async def open_ask(self, ref: UserRef) -> int | None:
        """The ask id of the user's open question, if any."""
        return await self.store.open_ask(await self.tutor.user_id(ref))

    async def skip_and_ask(self, ref: UserRef, ask_id: int | None = None) -> QuestionView:
        """Skip the open question (the given one, or the latest) and ask a new one."""
        user_id = await self.tutor.user_id(ref)
        target = ask_id if ask_id is not None else await self.store.open_ask(user_id)
        if target is not None:
            await self.store.skip(target, user_id, self.tutor.clock())
        return await self.tutor.next_question(ref)
