"""An exam room: the real core and exam store on the `db_url` database (SQLite, and
PostgreSQL when configured) with a fake clock; `reopen` is a process restarting."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App, start
from bot.bank import Bank
from bot.exams.service import Exams
from bot.store.exams import SqlExamStore
from bot.tutor import Tutor
from bot.views import QuestionView, UserRef
from tests.conftest import settings_for
from tests.fakes import FakeClock

ANN = UserRef("telegram", "7007", "Ann")


@dataclass
class Room:
    db_url: str
    clock: FakeClock
    app: App | None = None

    async def open(self, seed: int = 1) -> Room:
        self.app = await start(settings_for(self.db_url))
        tutor = Tutor(self.app.store, clock=self.clock, rng=random.Random(seed))
        self.exams = Exams(tutor, SqlExamStore(self.app.store), rng=random.Random(seed))
        return self

    async def close(self) -> None:
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def reopen(self) -> None:
        await self.close()
        await self.open(seed=2)

    async def bank(self) -> Bank:
        return await self.exams.tutor.bank()

    async def right(self, view: QuestionView) -> str:
        bank = await self.bank()
        question = next(q for q in bank.questions.values() if q.id == view.question_id)
        right = {o.text for o in question.options if o.correct}
        return "".join(o.letter for o in view.options if o.text in right)

    async def wrong(self, view: QuestionView) -> str:
        right = await self.right(view)
        wrong = [o.letter for o in view.options if o.letter not in right]
        return "".join(wrong[: len(right)])


@pytest.fixture
async def room(db_url: str) -> AsyncIterator[Room]:
    r = await Room(db_url, FakeClock()).open()
    yield r
    await r.close()
