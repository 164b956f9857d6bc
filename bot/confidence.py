""" "Sure / unsure" after a right answer: Unsure turns that answer's reviews of its concepts
from Good into Hard, so they come back sooner; Sure keeps Good. Said once per answer.

The answer path stores, on each concept card it reviews, the card before the review and the
ask it answered (bot.store.models.ConceptCard), so the review is redone exactly: the card
before, reviewed as Hard at the time of the answer. A card reviewed again by a later answer
is left as it is (the later review already built on the Good one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from fsrs import Rating

from bot import learning
from bot.errors import TutorError
from bot.tutor import Tutor
from bot.views import UserRef

SURE, UNSURE = "sure", "unsure"
# What the terminal says under a right answer (Telegram shows buttons instead).
HINT = "Not sure you knew it? Type /unsure and its concepts come back sooner (or /sure)."


@dataclass(frozen=True)
class AnswerCards:
    """One user's answer to one ask, as a sure / unsure tap needs it."""

    question_key: int
    correct: bool
    said: str | None  # SURE or UNSURE once said
    answered_at: datetime
    # (pack, concept) -> the card before this answer reviewed it (None: a new card), for
    # each concept card whose latest review was this answer
    before: dict[tuple[str, str], dict[str, Any] | None]


@dataclass(frozen=True)
class CardRedo:
    pack: str
    concept: str
    card: dict[str, Any]
    due: datetime


class ConfidenceStore(Protocol):
    async def mark(
        self,
        ask_id: int,
        user_id: int,
        said: str,
        redo: Callable[[AnswerCards | None], list[CardRedo]],
    ) -> bool:
        """In one transaction: read the user's answer to the ask (None if there is none),
        let `redo` check it and give the cards to rewrite (it may raise: nothing stored),
        then record `said` unless something was said before (then False, nothing changed)."""
        ...


class NoSuchAnswer(TutorError):
    def __init__(self) -> None:
        super().__init__(
            "That button is not for an answer of yours (or it is gone); nothing changed."
        )


class NotRight(TutorError):
    def __init__(self) -> None:
        super().__init__("Sure / unsure is for right answers: a wrong one comes back soon anyway.")


class NothingAnswered(TutorError):
    def __init__(self) -> None:
        super().__init__("Answer a question first; after a right answer, /unsure or /sure.")


@dataclass(frozen=True)
class Marked:
    said: str
    first: bool  # False: something was said about this answer before; nothing changed

    def text(self) -> str:
        """The toast (Telegram) or line (terminal) after the tap."""
        if not self.first:
            return "Already noted for this answer (once per answer)."
        if self.said == UNSURE:
            return "Noted: unsure. Its concepts come back sooner."
        return "Noted: sure."


class Confidence:
    def __init__(self, tutor: Tutor, store: ConfidenceStore) -> None:
        self.tutor = tutor
        self.store = store

    async def mark(self, ref: UserRef, ask_id: int | None, sure: bool) -> Marked:
        """Say how sure the student was of their answer to `ask_id`."""
        if ask_id is None:
            raise NothingAnswered()
        if not 0 < ask_id <= 2**31 - 1:  # forged: no such row can exist
            raise NoSuchAnswer()
        said = SURE if sure else UNSURE
        user_id = await self.tutor.user_id(ref)
        first = await self.store.mark(ask_id, user_id, said, lambda a: redo(a, said))
        return Marked(said, first)


def redo(answer: AnswerCards | None, said: str) -> list[CardRedo]:
    """The cards to rewrite: for Unsure, each concept card this answer last reviewed,
    reviewed again from the card before it, as Hard at the answer's time."""
    if answer is None:
        raise NoSuchAnswer()
    if not answer.correct:
        raise NotRight()
    if said != UNSURE or answer.said is not None:
        return []
    redone = []
    for (pack, concept), before in answer.before.items():
        card = learning.review(before, answer.question_key, Rating.Hard, answer.answered_at)
        redone.append(CardRedo(pack, concept, dict(card.to_dict()), card.due))
    return redone
