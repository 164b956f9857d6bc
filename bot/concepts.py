"""Concept cards as a place to go from: the catalogue by category, and a question on a card.

`/explain` alone shows the catalogue; a card offers "Quiz me on this" (a question that
tests that concept, preferring one the student has not just seen) and its related cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import metrics
from bot.errors import TutorError
from bot.tutor import RECENT_WINDOW, Tutor
from bot.views import QuestionView, UserRef


@dataclass(frozen=True)
class CardEntry:
    id: str
    name: str


@dataclass(frozen=True)
class Category:
    name: str
    cards: tuple[CardEntry, ...]


class NoQuestionOnConcept(TutorError):
    def __init__(self, name: str) -> None:
        super().__init__(f"No question tests {name} yet. Send /quiz for any question.")


class Concepts:
    def __init__(self, tutor: Tutor) -> None:
        self.tutor = tutor

    async def catalogue(self) -> tuple[Category, ...]:
        """Every card, grouped by category; categories and cards in name order."""
        bank = await self.tutor.bank()
        grouped: dict[str, dict[str, CardEntry]] = {}
        for concept in bank.concepts.values():
            cards = grouped.setdefault(concept.category or "Other", {})
            cards.setdefault(concept.id, CardEntry(concept.id, concept.name))
        return tuple(
            Category(name, tuple(sorted(cards.values(), key=lambda c: c.name.lower())))
            for name, cards in sorted(grouped.items(), key=lambda item: item[0].lower())
        )

    async def quiz_on(self, ref: UserRef, concept_id: str) -> QuestionView:
        """A question on the concept, one not among the last few asked when there is one."""
        bank = await self.tutor.bank()
        card = await self.tutor.explain(concept_id)  # UnknownConcept for a stale button
        questions = [q for q in bank.active_questions if concept_id in q.concepts]
        if not questions:
            raise NoQuestionOnConcept(card.name)
        user_id = await self.tutor.user_id(ref)
        recent = set((await self.tutor.store.practice_state(user_id, RECENT_WINDOW)).recent)
        fresh = [q for q in questions if q.key not in recent] or questions
        metrics.record_ask(ref.platform, "practice")
        blueprint = (await self.tutor.track_of(ref)).blueprint  # cached with the user id
        return await self.tutor.ask(
            self.tutor.rng.choice(fresh), "practice", user_id=user_id, blueprint=blueprint
        )
