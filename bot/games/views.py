"""What the games show: plain frozen dataclasses the adapters render for their platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.views import ConceptView, QuestionView


@dataclass(frozen=True)
class Venue:
    """Where a game is played: a platform, its community (guild/group) and channel (chat)."""

    platform: str
    community: str
    channel: str

    @property
    def group_key(self) -> str:
        """The asks' group key: answers are open to the members of this channel."""
        return f"{self.platform}:{self.channel}"

    @property
    def community_key(self) -> str:
        """Ratings and leaderboards are kept per community."""
        return f"{self.platform}:{self.community}"


@dataclass(frozen=True)
class Notice:
    """A short private note for whoever called (a toast, an ephemeral reply)."""

    text: str
    game_id: int | None = None


@dataclass(frozen=True)
class PlayerScore:
    name: str
    score: int
    correct: int
    rating: int | None = None  # duels: the rating after the game
    rating_change: int | None = None  # duels: + or - points of Elo


INVITE_OPEN, INVITE_ACCEPTED, INVITE_DECLINED = "open", "accepted", "declined"
INVITE_EXPIRED, INVITE_CANCELLED = "expired", "cancelled"


@dataclass(frozen=True)
class InviteView:
    game_id: int
    challenger: str
    opponent: str
    rounds: int
    status: str  # INVITE_*: only "open" has Accept/Decline buttons
    expires_at: datetime


DUEL, GROUP_QUIZ, SINGLE = "duel", "quiz", "single"


@dataclass(frozen=True)
class RoundView:
    game_id: int
    kind: str  # DUEL, GROUP_QUIZ or SINGLE
    round_no: int  # 1-based
    rounds: int
    question: QuestionView  # question.ask_id is what answer buttons carry
    seconds: int  # how long the round is open
    closes_at: datetime
    players: tuple[str, ...] = ()  # a duel's two names
    closed: bool = False  # the round as it reads once closed: no buttons
    revealable: bool = False  # a single question: offer a Reveal button


@dataclass(frozen=True)
class RoundAnswer:
    name: str
    letters: str  # what they picked, e.g. "B" or "AC"
    correct: bool
    points: int
    first: bool = False  # the first correct answer (group quiz bonus)


@dataclass(frozen=True)
class RevealView:
    game_id: int
    kind: str
    round_no: int
    rounds: int
    question_id: str
    right: tuple[str, ...]  # the right letters
    right_text: tuple[str, ...]  # the right options' texts
    explanation: str
    answers: tuple[RoundAnswer, ...]  # in the order they came
    scores: tuple[PlayerScore, ...]  # running totals, best first
    concepts: tuple[ConceptView, ...] = ()  # a single question: Explain buttons
    next_button: bool = False  # a single question: a Next question button
    timed_out: bool = False  # closed by its timer (not by everyone answering / Reveal)
    last: bool = False  # no round follows


OVER_FINISHED, OVER_STOPPED, OVER_STALE = "finished", "stopped", "stale"


@dataclass(frozen=True)
class GameOverView:
    game_id: int
    kind: str
    rounds_played: int
    rounds: int
    standings: tuple[PlayerScore, ...]  # best first
    winner: str | None = None  # a duel's winner; None for a draw (or a quiz)
    reason: str = OVER_FINISHED  # OVER_STOPPED: /stop; OVER_STALE: the bot was away too long


GameView = InviteView | RoundView | RevealView | GameOverView


@dataclass(frozen=True)
class RankRow:
    rank: int
    name: str
    value: int  # duels: rating; quizzes: points
    played: int  # duels or quiz games
    wins: int = 0
    losses: int = 0
    draws: int = 0


@dataclass(frozen=True)
class LeaderboardView:
    community: str
    duels: tuple[RankRow, ...]  # top 10 by rating
    quizzes: tuple[RankRow, ...]  # top 10 by points
    my_duel: RankRow | None = None  # the caller's own rank (also when outside the top 10)
    my_quiz: RankRow | None = None
