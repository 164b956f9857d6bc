"""In-memory fakes of the core's ports, for unit tests of the engine (no database)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.bank import Bank, BlueprintData, ConceptData, DomainData, QuestionData
from bot.content.model import OptionSpec
from bot.ports import (
    AnswerContext,
    AnswerRecord,
    AskRow,
    CardReview,
    ConceptDue,
    PracticeState,
    ReviewState,
    UserRow,
)
from bot.views import GroupAnswer


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class FakeStore:
    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.users: dict[int, UserRow] = {}
        self.identities: dict[tuple[str, str], int] = {}
        self.asks: dict[int, AskRow] = {}
        self.attempts: list[AnswerRecord] = []
        self.reviews: dict[tuple[int, int], ReviewState] = {}
        # (user, pack, concept) -> the card's review (with the ask that made it)
        self.cards: dict[tuple[int, str, str], tuple[CardReview, int, int]] = {}
        self.confidence: dict[tuple[int, int], str] = {}
        self.message_refs: dict[int, str] = {}
        self.next_due: dict[int, datetime] = {}

    async def content_revision(self) -> int:
        return self.bank.revision

    async def load_bank(self) -> Bank:
        return self.bank

    async def user_for(
        self,
        platform: str,
        external_id: str,
        display_name: str,
        now: datetime,
        timezone: str,
        daily_enabled: bool = True,
    ) -> UserRow:
        key = (platform, external_id)
        if key not in self.identities:
            user_id = len(self.users) + 1
            self.users[user_id] = UserRow(
                user_id, display_name, True, timezone, "09:00", daily_enabled
            )
            self.identities[key] = user_id
        return self.users[self.identities[key]]

    async def create_ask(
        self,
        user_id: int | None,
        group_key: str | None,
        question_key: int,
        option_order: tuple[int, ...],
        purpose: str,
        now: datetime,
    ) -> int:
        ask_id = len(self.asks) + 1
        self.asks[ask_id] = AskRow(
            ask_id, user_id, group_key, question_key, option_order, purpose, now
        )
        return ask_id

    async def answer(
        self, ask_id: int | None, user_id: int, decide: Callable[[AnswerContext], AnswerRecord]
    ) -> bool:
        return self.record_answer(decide(self.answer_context(ask_id, user_id)))

    def answer_context(self, ask_id: int | None, user_id: int) -> AnswerContext:
        if ask_id is None:
            mine = [a for a in self.asks.values() if a.user_id == user_id]
            ask = max(mine, key=lambda a: a.id, default=None)
        else:
            ask = self.asks.get(ask_id)
        if ask is None:
            return AnswerContext(None, False, {})
        question = self.bank.questions[ask.question_key]
        cards = {
            concept: held[0].card
            for concept in question.concepts
            if (held := self.cards.get((user_id, question.pack, concept))) is not None
        }
        return AnswerContext(ask, self.has_answered(ask.id, user_id), cards)

    async def practice_state(
        self,
        user_id: int,
        recent: int,
        since: datetime | None = None,
        now: datetime | None = None,
    ) -> PracticeState:
        mine = sorted((a for a in self.asks.values() if a.user_id == user_id), key=lambda a: -a.id)
        today = [a for a in mine if since is not None and a.created_at >= since]
        cards = [(c, q) for (u, _p, _c), (c, q, _a) in self.cards.items() if u == user_id]
        next_due: dict[str, datetime] = {}
        for card, _q in cards:
            next_due[card.pack] = min(card.due, next_due.get(card.pack, card.due))
        return PracticeState(
            await self.reviews_of(user_id),
            [a.question_key for a in mine[:recent]],
            self.users[user_id].review_cap,
            sum(1 for a in today if a.purpose == "review"),
            sum(1 for a in today if a.purpose in ("review", "practice")),
            [
                ConceptDue(c.pack, c.concept, c.due, q)
                for c, q in cards
                if now is not None and c.due <= now
            ],
            next_due,
        )

    async def reviews_of(self, user_id: int) -> list[ReviewState]:
        return [r for (u, _q), r in self.reviews.items() if u == user_id]

    async def due_count(self, user_id: int, now: datetime) -> int:
        return sum(
            1 for (u, _p, _c), (c, _q, _a) in self.cards.items() if u == user_id and c.due <= now
        )

    def has_answered(self, ask_id: int, user_id: int) -> bool:
        return any(a.ask_id == ask_id and a.user_id == user_id for a in self.attempts)

    def record_answer(self, record: AnswerRecord) -> bool:
        if self.has_answered(record.ask_id, record.user_id):
            return False
        self.attempts.append(record)
        self.reviews[(record.user_id, record.question_key)] = ReviewState(
            record.question_key, record.correct, record.answered_at
        )
        for card in record.cards:
            self.cards[(record.user_id, card.pack, card.concept)] = (
                card,
                record.question_key,
                record.ask_id,
            )
        return True

    async def answer_counts(self, user_id: int) -> list[tuple[str, str, str, int, int]]:
        counts: dict[tuple[str, str, str], list[int]] = {}
        for a in self.attempts:
            if a.user_id == user_id:
                question = self.bank.questions[a.question_key]
                # as the SQL store: in every blueprint, by the question's domains now
                for blueprint, domain in question.domains.items():
                    n = counts.setdefault((question.pack, blueprint, domain), [0, 0])
                    n[0] += 1
                    n[1] += a.correct
        return [(p, b, d, n, c) for (p, b, d), (n, c) in counts.items()]

    async def group_answers(self, ask_id: int) -> list[GroupAnswer]:
        return [
            GroupAnswer(self.users[a.user_id].display_name, a.correct)
            for a in self.attempts
            if a.ask_id == ask_id
        ]

    async def set_message_ref(self, ask_id: int, ref: str) -> None:
        self.message_refs[ask_id] = ref

    async def update_user(self, user_id: int, **values: object) -> None:
        if "next_due_at" in values:
            self.next_due[user_id] = values.pop("next_due_at")  # type: ignore[assignment]
        self.users[user_id] = dataclasses.replace(self.users[user_id], **values)  # type: ignore[arg-type]


def _options(correct: set[int], count: int = 4) -> tuple[OptionSpec, ...]:
    return tuple(
        OptionSpec(text=f"option {i}", why=f"why {i}", correct=i in correct) for i in range(count)
    )


def make_bank(questions: int = 4) -> Bank:
    """A small bank: questions 1..n in domain 'design' (odd) or 'security' (even); the last
    one is a Select-TWO question."""
    bank = Bank(revision=1)
    domains = (
        DomainData("p", "design", "Design", 70),
        DomainData("p", "security", "Security", 30, short="Sec"),
    )
    note = "The real exam's score is scaled; ours approximates it."
    bank.add_blueprints("p", [BlueprintData("p", "exam", "The exam", 10, 20, 65, domains, note)])
    bank.concepts[("p", "s3")] = ConceptData(
        "p",
        "s3",
        "S3",
        "Amazon S3",
        "Storage",
        "Objects.",
        "Buckets.",
        ("Amazon S3",),
        ("glacier",),
    )
    bank.concepts[("p", "glacier")] = ConceptData(
        "p",
        "glacier",
        "Glacier",
        "Amazon S3 Glacier",
        "Storage",
        "Archive.",
        "Vaults.",
        (),
        ("s3",),
    )
    for key in range(1, questions + 1):
        multi = key == questions
        bank.questions[key] = QuestionData(
            key=key,
            pack="p",
            id=f"q{key}",
            domain="design" if key % 2 else "security",
            concepts=("s3",) if key % 2 else ("s3", "glacier"),
            difficulty=1 + key % 3,
            scenario=f"Scenario {key}?",
            options=_options({0, 2} if multi else {1}),
            select=2 if multi else 1,
            explanation=f"Explanation {key}.",
            domains={"exam": "design" if key % 2 else "security"},
        )
    return bank
