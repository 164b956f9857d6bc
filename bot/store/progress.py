"""Reads for bot.progress: one round trip a report, each part bounded by the bank's size or
by 30 days of answers, never by the whole history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, String, bindparam, cast, func, select

from bot.progress import ProgressFacts, QuestionProgress
from bot.store.database import Database
from bot.store.sql import domain_counts
from bot.store.statements import ATTEMPTS, CARDS, REVIEWS


class ProgressStatements:
    """Built once per dialect (and listed in the index guard, tests/test_index_guard.py)."""

    def __init__(self, dialect: str) -> None:
        answered = ATTEMPTS.c.answered_at
        if dialect == "postgresql":
            day: Any = func.to_char(func.timezone("UTC", answered), "YYYY-MM-DD")
        else:  # SQLite keeps UTC datetimes as "YYYY-MM-DD HH:MM:SS..." text
            day = func.substr(cast(answered, String), 1, 10)
        day = day.label("day")
        user: Any = bindparam("user_id")
        self.questions = select(
            REVIEWS.c.question_id, REVIEWS.c.answers, REVIEWS.c.wrong, REVIEWS.c.last_correct
        ).where(REVIEWS.c.user_id == user)
        self.due = (
            select(func.count())
            .select_from(CARDS)
            .where(CARDS.c.user_id == user, CARDS.c.due <= bindparam("now"))
        )
        # The index (user_id, answered_at) bounds this to the window's answers.
        self.activity = (
            select(day, func.count(), func.count().filter(ATTEMPTS.c.correct.is_(True)))
            .where(ATTEMPTS.c.user_id == user, answered >= bindparam("since"))
            .group_by(day)
        )
        self.misses = (
            select(ATTEMPTS.c.question_id)
            .where(ATTEMPTS.c.user_id == user, ATTEMPTS.c.correct.is_(False))
            .order_by(answered.desc(), ATTEMPTS.c.id.desc())
            .limit(bindparam("limit"))
        )


class SqlProgressStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.sql = ProgressStatements(db.dialect)

    async def progress_facts(self, user_id: int, now: datetime, since: datetime) -> ProgressFacts:
        return await self.db.read(self._facts, user_id, now, since)

    def _facts(
        self, conn: Connection, user_id: int, now: datetime, since: datetime
    ) -> ProgressFacts:
        questions = [
            QuestionProgress(int(q), int(n or 0), int(w or 0), bool(ok))
            for q, n, w, ok in conn.execute(self.sql.questions, {"user_id": user_id})
        ]
        due = int(conn.scalar(self.sql.due, {"user_id": user_id, "now": now}) or 0)
        activity = {
            date.fromisoformat(d): (int(n), int(c or 0))
            for d, n, c in conn.execute(self.sql.activity, {"user_id": user_id, "since": since})
        }
        return ProgressFacts(domain_counts(conn, [user_id])[user_id], questions, due, activity)

    async def recent_misses(self, user_id: int, limit: int) -> list[int]:
        return await self.db.read(self._recent_misses, user_id, limit)

    def _recent_misses(self, conn: Connection, user_id: int, limit: int) -> list[int]:
        rows = conn.execute(self.sql.misses, {"user_id": user_id, "limit": limit})
        return list(dict.fromkeys(int(q) for (q,) in rows))
