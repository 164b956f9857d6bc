"""The TutorStore port on SQLAlchemy Core: each method is one short unit of work."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bank import Bank, BlueprintData, ConceptData, DomainData, QuestionData
from bot.content.model import OptionSpec
from bot.ports import (
    AnswerContext,
    AnswerRecord,
    AskRow,
    ConceptDue,
    DomainCounts,
    PracticeState,
    ReviewState,
    Streak,
    UserRow,
)
from bot.store.database import Database
from bot.store.models import (
    Attempt,
    Blueprint,
    Concept,
    Domain,
    DomainCount,
    Identity,
    Question,
    User,
)
from bot.store.statements import RawQuery, Statements, in_ids, utc
from bot.text import flow
from bot.views import GroupAnswer

SQLITE_INSTANT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite
USER_FIELDS = {
    "timezone", "daily_time", "daily_enabled", "active", "display_name", "next_due_at", "track",
    "review_cap",
}  # fmt: skip


def _user(row: Any) -> UserRow:
    return UserRow(
        row.id, row.display_name, row.active, row.timezone, row.daily_time, row.daily_enabled,
        row.streak, row.best_streak, row.streak_date, row.track, row.review_cap,
    )  # fmt: skip


def _ask(row: Any) -> AskRow:
    return AskRow(
        id=row.id,
        user_id=row.user_id,
        group_key=row.group_key,
        question_key=row.question_id,
        option_order=tuple(int(i) for i in row.option_order.split(",")),
        purpose=row.purpose,
        created_at=row.created_at,
    )


def _json(value: Any) -> Any:
    """A JSON column as read: text from asyncpg itself, decoded through SQLAlchemy."""
    return json.loads(value) if isinstance(value, str) else value


def review_state(row: Any) -> ReviewState:
    return ReviewState(row.question_id, row.last_correct, row.last_seen_at)


def domain_counts(conn: Connection, user_ids: list[int]) -> dict[int, DomainCounts]:
    """Per user: (pack, blueprint, domain) -> (answers, right answers), from the counters."""
    query = select(
        DomainCount.user_id,
        DomainCount.pack_id,
        DomainCount.blueprint_id,
        DomainCount.domain_id,
        DomainCount.answered,
        DomainCount.correct,
    ).where(in_ids(conn, DomainCount.user_id, user_ids))
    counts: dict[int, DomainCounts] = {u: {} for u in user_ids}
    for user_id, pack, blueprint, domain, n, c in conn.execute(query):
        counts[user_id][(pack, blueprint, domain)] = (int(n), int(c))
    return counts


def _flowed(option: OptionSpec) -> OptionSpec:
    """An option as students read it: its text and reason re-flowed (bot.text.flow), so
    every adapter gets paragraphs rather than the YAML's hard line breaks."""
    return replace(option, text=flow(option.text), why=flow(option.why))


class SqlStore:
    def __init__(self, engine: AsyncEngine, db: Database | None = None) -> None:
        self.engine = engine
        self.db = db or Database(engine)
        self.sql = Statements(engine.dialect.name)
        self._practice_rows = RawQuery(self.sql.practice_state, engine.dialect)
        # PostgreSQL: an answer's two statements go to asyncpg directly (RawQuery.driver_rows)
        self._by_driver = self.sql.dialect == "postgresql"
        if self._by_driver:
            self._context_rows = RawQuery(self.sql.answer_context, engine.dialect)
            self._open_context_rows = RawQuery(self.sql.open_answer_context, engine.dialect)
            self._store_answer = RawQuery(self.sql.store_answer, engine.dialect)
            self._store_answer_streak = RawQuery(self.sql.store_answer_streak, engine.dialect)

    # -- content -----------------------------------------------------------------
    async def content_revision(self) -> int:
        return await self.db.read(self._content_revision)

    def _content_revision(self, conn: Connection) -> int:
        return int(conn.scalar(self.sql.content_revision) or 0)

    async def load_bank(self) -> Bank:
        return await self.db.read(self._load_bank)

    def _load_bank(self, conn: Connection) -> Bank:
        bank = Bank(revision=self._content_revision(conn))
        domains: dict[tuple[str, str], list[DomainData]] = {}
        for d in conn.execute(select(Domain).order_by(Domain.pack_id, Domain.position)):
            domains.setdefault((d.pack_id, d.blueprint_id), []).append(
                DomainData(d.pack_id, d.id, d.title, d.weight, d.short)
            )
        blueprints: dict[str, list[BlueprintData]] = {}
        for b in conn.execute(select(Blueprint).order_by(Blueprint.pack_id, Blueprint.position)):
            blueprints.setdefault(b.pack_id, []).append(
                BlueprintData(
                    b.pack_id,
                    b.id,
                    b.title,
                    b.exam_questions,
                    b.exam_minutes,
                    b.pass_percent,
                    tuple(domains.get((b.pack_id, b.id), ())),
                    b.note,
                )  # fmt: skip
            )
        for pack, found in blueprints.items():
            bank.add_blueprints(pack, found)
        for c in conn.execute(select(Concept).where(Concept.retired.is_(False))):
            bank.concepts[(c.pack_id, c.slug)] = ConceptData(
                c.pack_id, c.slug, c.name, c.title, c.category, flow(c.summary),
                flow(c.explanation), tuple(c.aliases), tuple(c.related),
            )  # fmt: skip
        for q in conn.execute(select(Question)):
            bank.questions[q.id] = QuestionData(
                key=q.id, pack=q.pack_id, id=q.slug, domain=q.domain_id,
                concepts=tuple(q.concepts), difficulty=q.difficulty, scenario=flow(q.scenario),
                options=tuple(_flowed(OptionSpec(**o)) for o in q.options),
                select=q.select_count, explanation=flow(q.explanation), retired=q.retired,
                domains=dict(q.domains or {}),
            )  # fmt: skip
        return bank

    # -- users -------------------------------------------------------------------
    def _find_user(self, conn: Connection, platform: str, external_id: str) -> Any:
        params = {"platform": platform, "external_id": external_id}
        return conn.execute(self.sql.find_user, params).first()

    async def user_for(
        self,
        platform: str,
        external_id: str,
        display_name: str,
        now: datetime,
        timezone: str,
        daily_enabled: bool = True,
    ) -> UserRow:
        row = await self.db.read(self._find_user, platform, external_id)
        if row is not None and (not display_name or row.display_name == display_name):
            return _user(row)
        try:
            return await self.db.write(
                self._create_or_rename,
                platform,
                external_id,
                display_name,
                now,
                timezone,
                daily_enabled,
            )
        except IntegrityError:  # created by a concurrent request a moment ago
            row = await self.db.read(self._find_user, platform, external_id)
            return _user(row)

    def _create_or_rename(
        self,
        conn: Connection,
        platform: str,
        external_id: str,
        display_name: str,
        now: datetime,
        timezone: str,
        daily_enabled: bool,
    ) -> UserRow:
        row = self._find_user(conn, platform, external_id)
        if row is not None:
            conn.execute(update(User).where(User.id == row.id).values(display_name=display_name))
            return _user(self._find_user(conn, platform, external_id))
        user_id = conn.scalar(
            insert(User)
            .values(
                display_name=display_name, created_at=now, active=True, timezone=timezone,
                daily_time="09:00", daily_enabled=daily_enabled,
            )
            .returning(User.id)
        )  # fmt: skip
        conn.execute(
            insert(Identity).values(user_id=user_id, platform=platform, external_id=external_id)
        )
        return _user(self._find_user(conn, platform, external_id))

    async def update_user(self, user_id: int, **values: object) -> None:
        unknown = set(values) - USER_FIELDS
        if unknown:
            raise ValueError(f"cannot update user fields {sorted(unknown)}")
        await self.db.write(self._update_user, user_id, values)

    @staticmethod
    def _update_user(conn: Connection, user_id: int, values: dict[str, object]) -> None:
        conn.execute(update(User).where(User.id == user_id).values(**values))

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
        values = {
            "user_id": user_id,
            "group_key": group_key,
            "question_id": question_key,
            "option_order": ",".join(map(str, option_order)),
            "purpose": purpose,
            "created_at": now,
            "message_ref": None,
        }
        return await self.db.autocommit(self._create_ask, values)

    def _create_ask(self, conn: Connection, values: dict[str, Any]) -> int:
        ask_id = conn.scalar(self.sql.create_ask, values)
        assert ask_id is not None
        return int(ask_id)

    async def answer(
        self, ask_id: int | None, user_id: int, decide: Callable[[AnswerContext], AnswerRecord]
    ) -> bool:
        return await self.db.autocommit(self._answer, ask_id, user_id, decide)

    def _answer(
        self,
        conn: Connection,
        ask_id: int | None,
        user_id: int,
        decide: Callable[[AnswerContext], AnswerRecord],
    ) -> bool:
        return self._record_answer(conn, decide(self._answer_context(conn, ask_id, user_id)))

    def _answer_context(self, conn: Connection, ask_id: int | None, user_id: int) -> AnswerContext:
        params = {"user_id": user_id, "ask_id": ask_id}
        rows: Sequence[Any]
        if self._by_driver:
            raw = self._open_context_rows if ask_id is None else self._context_rows
            rows = raw.driver_rows(conn, params)
        else:
            query = self.sql.open_answer_context if ask_id is None else self.sql.answer_context
            rows = conn.execute(query, params).all()
        # one row per concept card the user has of the question (at least one)
        if not rows:
            return AnswerContext(None, False, {})
        row = rows[0]
        cards = {r.c_concept: _json(r.c_card) for r in rows if r.c_concept is not None}
        return AnswerContext(
            _ask(row),
            bool(row.answered),
            cards,
            daily_date=row.daily_date,
            streak=Streak(row.streak or 0, row.best_streak or 0, row.streak_date),
        )

    async def practice_state(
        self,
        user_id: int,
        recent: int,
        since: datetime | None = None,
        now: datetime | None = None,
    ) -> PracticeState:
        return await self.db.read(self._practice_state, user_id, recent, since, now)

    def _instant(self, when: datetime | None) -> Any:
        """An instant as RawQuery needs it (no bind processing): as the driver stores it."""
        when = (when or datetime.max.replace(tzinfo=UTC)).astimezone(UTC)
        return when.strftime(SQLITE_INSTANT) if self.sql.dialect == "sqlite" else when

    def _practice_state(
        self,
        conn: Connection,
        user_id: int,
        recent: int,
        since: datetime | None,
        now: datetime | None,
    ) -> PracticeState:
        reviews: list[ReviewState] = []
        asked: list[tuple[Any, int, int]] = []  # (asked at, ask id, question)
        due: list[ConceptDue] = []
        next_due: dict[str, datetime] = {}
        cap, done, asks = 30, 0, 0
        # without `now` no card is due: the earliest instant there is
        when = now if now is not None else datetime.min.replace(tzinfo=UTC)
        params = {
            "user_id": user_id, "limit": recent, "since": self._instant(since),
            "now": self._instant(when),
        }  # fmt: skip
        for (
            kind,
            question,
            at,
            last_correct,
            last_seen_at,
            pos,
            pack,
            concept,
        ) in self._practice_rows.rows(conn, params):
            if kind == 0:
                reviews.append(ReviewState(question, bool(last_correct), utc(last_seen_at)))
            elif kind == 1:
                asked.append((utc(at), pos, question))
            elif kind == 2:
                cap = int(question)
            elif kind == 3:
                done, asks = int(question), int(pos)
            elif kind == 4:
                due.append(ConceptDue(pack, concept, utc(at), int(pos)))
            else:
                next_due[pack] = utc(at)
        asked.sort(reverse=True)
        recent_questions = [question for _at, _id, question in asked]
        return PracticeState(reviews, recent_questions, cap, done, asks, due, next_due)

    async def reviews_of(self, user_id: int) -> list[ReviewState]:
        return await self.db.read(self._reviews_of, user_id)

    def _reviews_of(self, conn: Connection, user_id: int) -> list[ReviewState]:
        return [review_state(r) for r in conn.execute(self.sql.reviews_of, {"user_id": user_id})]

    async def due_count(self, user_id: int, now: datetime) -> int:
        return await self.db.read(self._due_count, user_id, now)

    def _due_count(self, conn: Connection, user_id: int, now: datetime) -> int:
        return int(conn.scalar(self.sql.due_count, {"user_id": user_id, "v_due": now}) or 0)

    def _record_answer(self, conn: Connection, record: AnswerRecord) -> bool:
        """Store the answer; False (nothing changed) if this user already answered the ask.

        On PostgreSQL one statement writes it all (the store runs answers without BEGIN and
        COMMIT: a read, then this one atomic write). SQLite runs the parts in its transaction.
        """
        params: dict[str, Any] = {
            "v_ask": record.ask_id,
            "v_user": record.user_id,
            "v_question": record.question_key,
            "v_domain": record.domain,
            "v_chosen": ",".join(map(str, record.chosen)),
            "v_correct": record.correct,
            "v_right": 1 if record.correct else 0,
            "v_wrong": 0 if record.correct else 1,
            "v_at": record.answered_at,
        }
        streak = record.streak
        if streak is not None:
            params.update(v_streak=streak.current, v_best=streak.best, v_on=streak.last)
        if self._by_driver:
            params["v_cards"] = json.dumps([
                {
                    "pack": c.pack,
                    "concept": c.concept,
                    "card": c.card,
                    "due": c.due.isoformat(),
                    "prev": c.prev_card,
                }  # fmt: skip
                for c in record.cards
            ])
            statement = self._store_answer_streak if streak else self._store_answer
            return bool(statement.driver_rows(conn, params))
        if conn.execute(self.sql.insert_attempt, params).rowcount == 0:
            return False
        conn.execute(self.sql.upsert_review, params)
        if record.cards:
            conn.execute(
                self.sql.upsert_card,
                [
                    {
                        **params,
                        "v_pack": c.pack,
                        "v_concept": c.concept,
                        "v_card": c.card,
                        "v_due": c.due,
                        "v_prev": c.prev_card,
                    }  # fmt: skip
                    for c in record.cards
                ],
            )
        conn.execute(self.sql.count_answer, params)
        if streak is not None:
            conn.execute(self.sql.set_streak, params)
        return True

    async def answer_counts(self, user_id: int) -> list[tuple[str, str, str, int, int]]:
        return await self.db.read(self._answer_counts, user_id)

    def _answer_counts(
        self, conn: Connection, user_id: int
    ) -> list[tuple[str, str, str, int, int]]:
        rows = conn.execute(self.sql.answer_counts, {"user_id": user_id})
        return [(pack, bp, domain, int(n), int(c)) for pack, bp, domain, n, c in rows]

    async def group_answers(self, ask_id: int) -> list[GroupAnswer]:
        return await self.db.read(self._group_answers, ask_id)

    @staticmethod
    def _group_answers(conn: Connection, ask_id: int) -> list[GroupAnswer]:
        query = (
            select(User.display_name, Attempt.correct)
            .join(User, User.id == Attempt.user_id)
            .where(Attempt.ask_id == ask_id)
            .order_by(Attempt.answered_at, Attempt.id)
        )
        return [GroupAnswer(name or "someone", ok) for name, ok in conn.execute(query)]

    async def set_message_ref(self, ask_id: int, ref: str) -> None:
        await self.db.write(self._set_message_ref, ask_id, ref)

    def _set_message_ref(self, conn: Connection, ask_id: int, ref: str) -> None:
        conn.execute(self.sql.set_message_ref, {"ask_id": ask_id, "ref": ref})
