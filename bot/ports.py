"""The interfaces the core needs from the outside world. Tests use fakes of these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.bank import Bank
from bot.views import GroupAnswer, QuestionView

# A user's answer counters: (pack, blueprint, domain) -> (answered, correct).
DomainCounts = dict[tuple[str, str, str], tuple[int, int]]


@dataclass(frozen=True)
class UserRow:
    id: int
    display_name: str
    active: bool
    timezone: str
    daily_time: str
    daily_enabled: bool
    streak: int = 0
    best_streak: int = 0
    streak_date: date | None = None  # local date of the last daily question answered
    track: str | None = None  # "pack/blueprint" chosen with /track; None: the default
    review_cap: int = 30  # reviews a day at most (bot.learning)


@dataclass(frozen=True)
class AskRow:
    id: int
    user_id: int | None
    group_key: str | None
    question_key: int
    option_order: tuple[int, ...]
    purpose: str
    created_at: datetime


@dataclass(frozen=True)
class ReviewState:
    """How one user's answers to one question went (the cards are per concept)."""

    question_key: int
    last_correct: bool
    last_seen_at: datetime


@dataclass(frozen=True)
class ConceptDue:
    """When one of a user's concept cards is due, and the question that last reviewed it
    (the card itself is not read to choose a question)."""

    pack: str
    concept: str
    due: datetime
    last_question: int


@dataclass(frozen=True)
class CardReview:
    """A concept card after an answer: `card` (py-fsrs, as a dict) and its due time, and
    `prev_card`, the card before (None: the concept's first review)."""

    pack: str
    concept: str
    card: dict[str, Any]
    due: datetime
    prev_card: dict[str, Any] | None


@dataclass(frozen=True)
class Streak:
    """Daily questions answered on consecutive local days, ending on `last`."""

    current: int
    best: int
    last: date | None

    def after_answer(self, day: date) -> Streak:
        if self.last is not None and day <= self.last:  # that day (or a later one) counted
            return self
        current = self.current + 1 if self.last == day - timedelta(days=1) else 1
        return Streak(current, max(self.best, current), day)

    def shown_on(self, today: date) -> int:
        """The streak as it stands today: broken once a whole day went unanswered."""
        alive = self.last is not None and self.last >= today - timedelta(days=1)
        return self.current if alive else 0


@dataclass(frozen=True)
class AnswerContext:
    """All an answer needs to know, read in one round trip."""

    ask: AskRow | None
    answered: bool  # this user already answered this ask
    # this user's cards of the concepts of the ask's question, by concept slug
    cards: dict[str, dict[str, Any]]
    daily_date: date | None = None  # for a daily question: the local date it was for
    streak: Streak | None = None  # the user's streak before this answer


@dataclass(frozen=True)
class PracticeState:
    """All choosing a question needs to know about a user, read in one round trip: what
    happened to each question answered (no cards) and only the concept cards due now."""

    reviews: list[ReviewState]
    recent: list[int]  # question keys of the latest asks, newest first
    review_cap: int = 30
    reviews_since: int = 0  # review asks since the `since` given
    asks_since: int = 0  # practice and review asks since then
    due: list[ConceptDue] = field(default_factory=list)  # concept cards due at `now`
    next_due: dict[str, datetime] = field(default_factory=dict)  # per pack: earliest card


@dataclass(frozen=True)
class AnswerRecord:
    ask_id: int
    user_id: int
    question_key: int
    domain: str
    chosen: tuple[int, ...]
    correct: bool
    answered_at: datetime
    cards: tuple[CardReview, ...]  # each concept of the question, reviewed
    streak: Streak | None = None  # set when this answer extends the daily streak


class Notifier(Protocol):
    """Sends a question to a user on one platform (the daily push).

    Returns the platform's reference to the message. Raises bot.daily.errors.DeliveryBlocked,
    DeliveryRetryAfter or DeliveryUnknown for those outcomes; anything else is transient.
    """

    platform: str

    async def send_question(self, external_id: str, view: QuestionView) -> str: ...


class TutorStore(Protocol):
    """Persistence for the tutor engine. Each method is one short transaction."""

    async def content_revision(self) -> int: ...

    async def load_bank(self) -> Bank: ...

    async def user_for(
        self,
        platform: str,
        external_id: str,
        display_name: str,
        now: datetime,
        timezone: str,
        daily_enabled: bool = True,
    ) -> UserRow:
        """The user with this identity; created (daily question on or off as given) if new."""
        ...

    async def create_ask(
        self,
        user_id: int | None,
        group_key: str | None,
        question_key: int,
        option_order: tuple[int, ...],
        purpose: str,
        now: datetime,
    ) -> int: ...

    async def answer(
        self, ask_id: int | None, user_id: int, decide: Callable[[AnswerContext], AnswerRecord]
    ) -> bool:
        """In one transaction: read the ask (for None, the user's latest open personal ask)
        and the user's state, let `decide` score it, and store the answer. `decide` may raise
        to store nothing. False (and nothing stored) if the user already answered the ask."""
        ...

    async def practice_state(
        self,
        user_id: int,
        recent: int,
        since: datetime | None = None,
        now: datetime | None = None,
    ) -> PracticeState:
        """With `since`: also the review cap and the review and practice asks since then;
        with `now`: also the concept cards due at `now` and each pack's earliest due."""
        ...

    async def reviews_of(self, user_id: int) -> list[ReviewState]: ...

    async def due_count(self, user_id: int, now: datetime) -> int:
        """How many of the user's concept cards are due at `now`."""
        ...

    async def answer_counts(self, user_id: int) -> list[tuple[str, str, str, int, int]]:
        """(pack, blueprint, domain, answered, correct) per blueprint domain answered in."""
        ...

    async def group_answers(self, ask_id: int) -> list[GroupAnswer]: ...

    async def set_message_ref(self, ask_id: int, ref: str) -> None: ...

    async def update_user(self, user_id: int, **values: object) -> None:
        """Change daily settings or the active flag (keys: timezone, daily_time, ...)."""
        ...
