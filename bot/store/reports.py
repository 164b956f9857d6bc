"""Question reports on SQLAlchemy Core, over the store's Database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, Table, insert, select, update

from bot.reports import ReportRow
from bot.store.database import Database
from bot.store.models import Ask, Meta, Question, QuestionReport, User

DIGEST_KEY = "reports_digest_day"

REPORTS: Table = QuestionReport.__table__  # type: ignore[assignment]


class SqlReports:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, ask_id: int, user_id: int, reason: str, now: datetime) -> int | None:
        """Record a report on the question of `ask_id`; None when there is no such ask."""
        return await self.db.write(self._add, ask_id, user_id, reason, now)

    def _add(
        self, conn: Connection, ask_id: int, user_id: int, reason: str, now: datetime
    ) -> int | None:
        question = conn.scalar(select(Ask.question_id).where(Ask.id == ask_id))
        if question is None:
            return None
        values = {"question_id": question, "user_id": user_id, "reason": reason, "note": ""}
        result = conn.execute(insert(REPORTS).values(created_at=now, **values))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def add_note(self, report_id: int, user_id: int, note: str) -> bool:
        """Add the student's line to their own report; False if it is not theirs."""
        return await self.db.write(self._add_note, report_id, user_id, note)

    def _add_note(self, conn: Connection, report_id: int, user_id: int, note: str) -> bool:
        done = conn.execute(
            update(REPORTS)
            .where(REPORTS.c.id == report_id, REPORTS.c.user_id == user_id)
            .values(note=note)
        )
        return bool(done.rowcount)

    async def since(self, after: datetime | None, limit: int = 500) -> list[ReportRow]:
        return await self.db.read(self._since, after, limit)

    def _since(self, conn: Connection, after: datetime | None, limit: int) -> list[ReportRow]:
        query = (
            select(
                QuestionReport.id, Question.pack_id, Question.slug, QuestionReport.reason,
                QuestionReport.note, User.display_name, QuestionReport.created_at,
            )
            .join(Question, Question.id == QuestionReport.question_id)
            .join(User, User.id == QuestionReport.user_id)
            .order_by(QuestionReport.created_at.desc(), QuestionReport.id.desc())
            .limit(limit)
        )  # fmt: skip
        if after is not None:
            query = query.where(QuestionReport.created_at > after)
        return [ReportRow(*row) for row in conn.execute(query)]

    async def claim_digest(self, day: date) -> bool:
        """True once per day: the first caller records the day and sends the summary."""
        return await self.db.write(self._claim_digest, day.isoformat())

    def _claim_digest(self, conn: Connection, day: str) -> bool:
        last = conn.scalar(select(Meta.value).where(Meta.key == DIGEST_KEY).with_for_update())
        if last == day:
            return False
        if last is None:
            conn.execute(insert(Meta).values(key=DIGEST_KEY, value=day))
        else:
            conn.execute(update(Meta).where(Meta.key == DIGEST_KEY).values(value=day))
        return True
