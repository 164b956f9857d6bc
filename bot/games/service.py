"""The Games service: duels, group quizzes and single group questions (API first).

The implementation follows in the next commits; the signatures are the stable API that
adapters build against (see bot/games/__init__.py).
"""

from __future__ import annotations

from datetime import datetime

from bot.games.ports import GamePublisher
from bot.games.views import LeaderboardView, Notice, Venue
from bot.views import UserRef


class Games:
    def attach(self, publisher: GamePublisher) -> None:
        """Publish this platform's games through `publisher`; the tick serves only games
        of platforms attached in this process."""
        raise NotImplementedError

    async def challenge(
        self,
        venue: Venue,
        challenger: UserRef,
        opponent: UserRef,
        rounds: int | None = None,
        opponent_is_bot: bool = False,
    ) -> Notice:
        raise NotImplementedError

    async def accept(self, game_id: int, ref: UserRef) -> Notice:
        raise NotImplementedError

    async def decline(self, game_id: int, ref: UserRef) -> Notice:
        raise NotImplementedError

    async def start_quiz(self, venue: Venue, starter: UserRef, rounds: int | None = None) -> Notice:
        raise NotImplementedError

    async def ask_group(self, venue: Venue, starter: UserRef) -> Notice:
        raise NotImplementedError

    async def answer(self, ref: UserRef, ask_id: int, letters: str) -> Notice:
        raise NotImplementedError

    async def reveal(self, game_id: int, ref: UserRef) -> Notice:
        raise NotImplementedError

    async def stop(self, venue: Venue, ref: UserRef) -> Notice:
        raise NotImplementedError

    async def leaderboard(self, venue: Venue, ref: UserRef) -> LeaderboardView:
        raise NotImplementedError

    async def tick(self, now: datetime | None = None) -> int:
        raise NotImplementedError
