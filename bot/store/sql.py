"""The TutorStore port on SQLAlchemy Core: short transactions, few round trips."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bank import Bank, ConceptData, DomainData, QuestionData
from bot.content.model import OptionSpec
from bot.ports import AnswerRecord, AskRow, ReviewState, UserRow
from bot.store.models import (
    Ask,
    Attempt,
    Concept,
    Domain,
    Identity,
    Meta,
    Question,
    Review,
    User,
)
from bot.store.upsert import insert_for
from bot.views import GroupAnswer

CONTENT_REVISION = "content_revision"

REVIEWS = Review.__table__

_USER_COLUMNS = (
    User.id,
    User.display_name,
    User.active,
    User.timezone,
    User.daily_time,
    User.daily_enabled,
)


def _user(row: Any) -> UserRow:
    return UserRow(
        row.id, row.display_name, row.active, row.timezone, row.daily_time, row.daily_enabled
    )


def _ask(row: Any) -> AskRow:
    return AskRow(
        id=row.id,
        user_id=row.user_id,
        group_key=row.group_key,
        question_key=row.question_id,
        option_order=tuple(int(i) for i in row.option_order.split(",")),
        purpose=row.purpose,
        created_at=row.created_at,
        closed_at=row.closed_at,
    )


def _review(row: Any) -> ReviewState:
    return ReviewState(row.question_id, row.card, row.due, row.last_correct, row.last_seen_at)


class SqlStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    # -- content -----------------------------------------------------------------
    async def content_revision(self) -> int:
        async with self.engine.connect() as conn:
            value = await conn.scalar(select(Meta.value).where(Meta.key == CONTENT_REVISION))
        return int(value or 0)

    async def load_bank(self) -> Bank:
        bank = Bank()
        async with self.engine.connect() as conn:
            bank.revision = int(
                await conn.scalar(select(Meta.value).where(Meta.key == CONTENT_REVISION)) or 0
            )
            for d in await conn.execute(select(Domain).order_by(Domain.pack_id, Domain.position)):
                bank.domains[(d.pack_id, d.id)] = DomainData(d.pack_id, d.id, d.title, d.weight)
            for c in await conn.execute(select(Concept).where(Concept.retired.is_(False))):
                bank.concepts[(c.pack_id, c.slug)] = ConceptData(
                    c.pack_id,
                    c.slug,
                    c.name,
                    c.title,
                    c.category,
                    c.summary,
                    c.explanation,
                    tuple(c.aliases),
                    tuple(c.related),
                )
            for q in await conn.execute(select(Question)):
                bank.questions[q.id] = QuestionData(
                    key=q.id,
                    pack=q.pack_id,
                    id=q.slug,
                    domain=q.domain_id,
                    concepts=tuple(q.concepts),
                    difficulty=q.difficulty,
                    scenario=q.scenario,
                    options=tuple(OptionSpec(**o) for o in q.options),
                    select=q.select_count,
                    explanation=q.explanation,
                    retired=q.retired,
                )
        return bank

    # -- users -------------------------------------------------------------------
    async def user_for(
        self, platform: str, external_id: str, display_name: str, now: datetime, timezone: str
    ) -> UserRow:
        query = (
            select(*_USER_COLUMNS)
            .join(Identity, Identity.user_id == User.id)
            .where(Identity.platform == platform, Identity.external_id == external_id)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is not None:
            if display_name and row.display_name != display_name:
                async with self.engine.begin() as conn:
                    await conn.execute(
                        update(User).where(User.id == row.id).values(display_name=display_name)
                    )
            return _user(row)
        try:
            async with self.engine.begin() as conn:
                user_id = await conn.scalar(
                    insert(User)
                    .values(
                        display_name=display_name,
                        created_at=now,
                        active=True,
                        timezone=timezone,
                        daily_time="09:00",
                        daily_enabled=True,
                    )
                    .returning(User.id)
                )
                await conn.execute(
                    insert(Identity).values(
                        user_id=user_id, platform=platform, external_id=external_id
                    )
                )
        except IntegrityError:  # created by a concurrent request a moment ago
            pass
        async with self.engine.connect() as conn:
            return _user((await conn.execute(query)).one())

    # -- asks and answers ----------------------------------------------------------
    async def create_ask(
        self,
        user_id: int | None,
        group_key: str | None,
        question_key: int,
        option_order: tuple[int, ...],
        purpose: str,
        now: datetime,
    ) -> int:
        async with self.engine.begin() as conn:
            ask_id = await conn.scalar(
                insert(Ask)
                .values(
                    user_id=user_id,
                    group_key=group_key,
                    question_id=question_key,
                    option_order=",".join(map(str, option_order)),
                    purpose=purpose,
                    created_at=now,
                )
                .returning(Ask.id)
            )
        assert ask_id is not None
        return int(ask_id)

    async def get_ask(self, ask_id: int) -> AskRow | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(Ask).where(Ask.id == ask_id))).first()
        return _ask(row) if row else None

    async def latest_open_ask(self, user_id: int) -> AskRow | None:
        query = (
            select(Ask)
            .where(Ask.user_id == user_id, Ask.closed_at.is_(None))
            .order_by(Ask.created_at.desc(), Ask.id.desc())
            .limit(1)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _ask(row) if row else None

    async def has_answered(self, ask_id: int, user_id: int) -> bool:
        query = select(Attempt.id).where(Attempt.ask_id == ask_id, Attempt.user_id == user_id)
        async with self.engine.connect() as conn:
            return (await conn.scalar(query)) is not None

    async def review_of(self, user_id: int, question_key: int) -> ReviewState | None:
        query = select(Review).where(Review.user_id == user_id, Review.question_id == question_key)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _review(row) if row else None

    async def reviews_of(self, user_id: int) -> list[ReviewState]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(Review).where(Review.user_id == user_id))
            return [_review(r) for r in rows]

    async def recent_question_keys(self, user_id: int, limit: int) -> list[int]:
        query = (
            select(Ask.question_id)
            .where(Ask.user_id == user_id)
            .order_by(Ask.created_at.desc(), Ask.id.desc())
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return list((await conn.scalars(query)).all())

    async def record_answer(self, record: AnswerRecord) -> bool:
        async with self.engine.begin() as conn:
            inserted = await conn.execute(
                insert_for(conn, Attempt)
                .values(
                    ask_id=record.ask_id,
                    user_id=record.user_id,
                    question_id=record.question_key,
                    domain_id=record.domain,
                    chosen=",".join(map(str, record.chosen)),
                    correct=record.correct,
                    answered_at=record.answered_at,
                )
                .on_conflict_do_nothing(index_elements=["ask_id", "user_id"])
            )
            if inserted.rowcount == 0:
                return False
            if record.close_ask:
                await conn.execute(
                    update(Ask)
                    .where(Ask.id == record.ask_id, Ask.closed_at.is_(None))
                    .values(closed_at=record.answered_at)
                )
            wrong = 0 if record.correct else 1
            upsert = insert_for(conn, Review).values(
                user_id=record.user_id,
                question_id=record.question_key,
                card=record.card,
                due=record.due,
                last_correct=record.correct,
                last_seen_at=record.answered_at,
                answers=1,
                wrong=wrong,
            )
            await conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=["user_id", "question_id"],
                    set_={
                        "card": upsert.excluded.card,
                        "due": upsert.excluded.due,
                        "last_correct": upsert.excluded.last_correct,
                        "last_seen_at": upsert.excluded.last_seen_at,
                        "answers": REVIEWS.c.answers + 1,
                        "wrong": REVIEWS.c.wrong + wrong,
                    },
                )
            )
        return True

    async def answer_counts(self, user_id: int) -> list[tuple[str, str, int, int]]:
        correct = func.sum(func.cast(Attempt.correct, Question.difficulty.type))
        query = (
            select(Question.pack_id, Attempt.domain_id, func.count(), correct)
            .join(Question, Question.id == Attempt.question_id)
            .where(Attempt.user_id == user_id)
            .group_by(Question.pack_id, Attempt.domain_id)
        )
        async with self.engine.connect() as conn:
            return [(p, d, int(n), int(c or 0)) for p, d, n, c in await conn.execute(query)]

    async def group_answers(self, ask_id: int) -> list[GroupAnswer]:
        query = (
            select(User.display_name, Attempt.correct)
            .join(User, User.id == Attempt.user_id)
            .where(Attempt.ask_id == ask_id)
            .order_by(Attempt.answered_at, Attempt.id)
        )
        async with self.engine.connect() as conn:
            return [GroupAnswer(name or "someone", ok) for name, ok in await conn.execute(query)]

    async def set_message_ref(self, ask_id: int, ref: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(Ask).where(Ask.id == ask_id).values(message_ref=ref))

    async def update_user(self, user_id: int, **values: object) -> None:
        allowed = {"timezone", "daily_time", "daily_enabled", "active", "display_name"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot update user fields {sorted(unknown)}")
        async with self.engine.begin() as conn:
            await conn.execute(update(User).where(User.id == user_id).values(**values))
