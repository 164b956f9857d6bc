"""What the games need from a platform: a way to post and edit views in a channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.games.machine import Answer, Game
from bot.games.rules import RULES
from bot.games.views import GameView, Venue
from bot.ports import AnswerContext, AnswerRecord, AskRow


class ChannelGone(Exception):
    """Raised by a publisher when the bot can no longer write to the channel (removed from
    the group, channel deleted): the service then stops the channel's open games."""


class GamePublisher(Protocol):
    """Posts game views in a platform's channels (one publisher per platform).

    Raising is allowed (the service logs it and the game goes on; ChannelGone ends the
    channel's games), but a publisher should wait out its platform's rate limits itself.
    """

    platform: str

    async def post(self, venue: Venue, view: GameView) -> str:
        """Send `view` to the venue's channel; the message's reference (for `edit`)."""
        ...

    async def edit(self, venue: Venue, message_ref: str, view: GameView) -> None:
        """Replace the message `message_ref` (from `post`) with `view`."""
        ...


# -- persistence -------------------------------------------------------------------------
@dataclass(frozen=True)
class Standing:
    """A member's record in one community: duel rating and results, quiz points."""

    user_id: int
    name: str = ""
    rating: int = RULES.start_rating
    duels: int = 0
    wins: int = 0
    losses: int = 0
    draws: int = 0
    quiz_points: int = 0
    quizzes: int = 0


@dataclass(frozen=True)
class Snapshot:
    """A game as one transaction reads it, with what its next transition needs."""

    game: Game
    ask: AskRow | None  # the current (or last) round's ask
    answers: tuple[Answer, ...]  # the answers to that ask, in the order they came
    used_questions: frozenset[int]  # questions already asked in this game
    standings: dict[int, Standing]  # the players' records in the game's community
    round_ref: str | None = None  # the message of the current round's question
    # The channel's stored track (bot.chat_tracks), read while a round may open or is open
    # (a round's header names its domain in the track's blueprint), else None.
    track: str | None = None


@dataclass(frozen=True)
class NewAsk:
    question_key: int
    option_order: tuple[int, ...]


@dataclass(frozen=True)
class Change:
    """What a transition writes: the game (and its seats); a new round's ask, whose id
    becomes the game's ask_id; players' community records."""

    game: Game
    new_ask: NewAsk | None = None
    standings: tuple[Standing, ...] = ()


@dataclass(frozen=True)
class Crowd:
    """Who and what is already playing, read where a new game is created."""

    busy: frozenset[int]  # of the users asked about, those in an open duel
    channel_kinds: tuple[str, ...]  # kinds of the open games in the venue's channel


@dataclass(frozen=True)
class Board:
    duels: tuple[Standing, ...]
    quizzes: tuple[Standing, ...]
    me: Standing | None
    my_duel_rank: int | None
    my_quiz_rank: int | None


Decide = Callable[[Snapshot], Change | None]


class GameStore(Protocol):
    """Game state in the database. Each method is one transaction; `decide` callbacks run
    inside it on the locked row and may raise (a GameError) to write nothing."""

    async def create(
        self, game: Game, users: tuple[int, ...], check: Callable[[Crowd], None]
    ) -> Game: ...

    async def change(
        self, game_id: int, decide: Decide, *, due_by: datetime | None = None
    ) -> Game | None:
        """Apply `decide`'s change; None if it returned None or the game is gone. With
        `due_by`, only a game due by then and not locked by another process is read."""
        ...

    async def answer(
        self,
        ask_id: int,
        user_id: int,
        check: Callable[[Game | None], None],
        score: Callable[[AnswerContext], AnswerRecord],
        after: Decide,
    ) -> tuple[bool, Game | None]:
        """Check the game whose current round is this ask (None: no game), store the answer
        through the tutor's answer path, then apply `after` to the game; one transaction."""
        ...

    async def open_games(self, venue: Venue) -> list[Game]: ...

    async def open_count(self) -> int: ...

    async def due(self, now: datetime, platforms: tuple[str, ...], limit: int) -> list[int]: ...

    async def set_message_ref(self, game_id: int, ref: str) -> None: ...

    async def board(self, community: str, user_id: int, limit: int) -> Board: ...
