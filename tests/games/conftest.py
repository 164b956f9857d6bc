"""A game table: the real core and game store on the `db_url` database (SQLite, and
PostgreSQL when configured), a fake clock, and a fake publisher standing in for a channel."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.app import App, start
from bot.bank import Bank
from bot.games.service import Games
from bot.games.views import RoundView, Venue
from bot.store.games import SqlGameStore
from bot.tutor import Tutor
from bot.views import UserRef
from tests.conftest import settings_for
from tests.fakes import FakeClock
from tests.games.fakes import FakePublisher, right_letters, wrong_letters

VENUE = Venue("telegram", "-4004", "-4004")
ALICE = UserRef("telegram", "2002", "Alice")
BOB = UserRef("telegram", "3003", "Bob")
CAROL = UserRef("telegram", "5005", "Carol")


@dataclass
class Table:
    db_url: str
    clock: FakeClock
    publisher: FakePublisher = field(default_factory=FakePublisher)
    app: App | None = None
    games: Games = field(init=False)

    async def open(self, seed: int = 1) -> Table:
        """Start the core (again) on the same database: a process (re)starting."""
        self.app = await start(settings_for(self.db_url))
        tutor = Tutor(self.app.store, clock=self.clock, rng=random.Random(seed))
        self.games = Games(
            tutor, SqlGameStore(self.app.store), clock=self.clock, rng=random.Random(seed)
        )
        self.games.attach(self.publisher)
        return self

    async def close(self) -> None:
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def bank(self) -> Bank:
        return await self.games.tutor.bank()

    async def right(self, view: RoundView) -> str:
        return right_letters(await self.bank(), view)

    async def wrong(self, view: RoundView) -> str:
        return wrong_letters(await self.bank(), view)

    async def pass_time(self, seconds: float) -> int:
        """Let time pass, then the scheduler's tick runs once."""
        self.clock.advance(seconds=seconds)
        return await self.games.tick()


@pytest.fixture
async def table(db_url: str) -> AsyncIterator[Table]:
    t = await Table(db_url, FakeClock()).open()
    yield t
    await t.close()
