"""The exam store (bot.exams.ports.ExamStore) on SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, text, update

from bot.exams.errors import NotCurrentQuestion
from bot.exams.model import EXPIRED, FINISHED, RUNNING, STOPPED, ExamRow, Slot
from bot.exams.ports import ExamClosed, NewExam
from bot.ports import AnswerContext, AnswerRecord
from bot.store.models import Exam
from bot.store.sql import SqlStore

EXAMS: Table = Exam.__table__  # type: ignore[assignment]


def _row(row: Any) -> ExamRow:
    return ExamRow(
        id=row.id,
        user_id=row.user_id,
        pack=row.pack_id,
        blueprint=row.blueprint_id,
        kind=row.kind,
        status=row.status,
        started_at=row.started_at,
        deadline=row.deadline,
        finished_at=row.finished_at,
        pass_percent=row.pass_percent,
        position=row.position,
        slots=tuple(Slot.from_json(s) for s in row.slots),
    )


class SqlExamStore:
    def __init__(self, store: SqlStore) -> None:
        self.store = store  # answers go through its answer path, in our transaction
        self.db = store.db
        user_id: Any = bindparam("user_id")
        self.q_running = (
            select(EXAMS)
            .where(EXAMS.c.user_id == user_id, EXAMS.c.status == RUNNING)
            .order_by(EXAMS.c.id.desc())
            .limit(1)
        )
        self.q_get = select(EXAMS).where(
            EXAMS.c.id == bindparam("exam_id"), EXAMS.c.user_id == user_id
        )
        self.q_lock = select(EXAMS).where(EXAMS.c.id == bindparam("exam_id")).with_for_update()
        self.q_history = (
            select(EXAMS)
            .where(EXAMS.c.user_id == user_id, EXAMS.c.status != RUNNING)
            .order_by(EXAMS.c.id.desc())
            .limit(bindparam("limit"))
        )
        self.q_last = (
            select(EXAMS.c.slots)
            .where(EXAMS.c.user_id == user_id, EXAMS.c.status.in_((FINISHED, EXPIRED)))
            .order_by(EXAMS.c.id.desc())
            .limit(1)
        )
        self.q_due = (
            select(EXAMS.c.id)
            .where(EXAMS.c.status == RUNNING, EXAMS.c.deadline <= bindparam("now"))
            .order_by(EXAMS.c.deadline)
            .limit(bindparam("limit"))
        )

    def _write_lock(self, conn: Connection) -> None:
        """SQLite: take the write lock before reading, so another process's transaction
        waits for this one (PostgreSQL locks the exam row instead)."""
        if self.db.dialect == "sqlite":
            conn.execute(text("UPDATE exams SET position = position WHERE 0"))

    # -- reading -------------------------------------------------------------------
    async def running(self, user_id: int) -> ExamRow | None:
        return await self.db.read(self._one, self.q_running, {"user_id": user_id})

    async def get(self, user_id: int, exam_id: int) -> ExamRow | None:
        return await self.db.read(self._one, self.q_get, {"user_id": user_id, "exam_id": exam_id})

    @staticmethod
    def _one(conn: Connection, query: Any, params: dict[str, Any]) -> ExamRow | None:
        row = conn.execute(query, params).first()
        return None if row is None else _row(row)

    async def last_questions(self, user_id: int) -> set[int]:
        return await self.db.read(self._last_questions, user_id)

    def _last_questions(self, conn: Connection, user_id: int) -> set[int]:
        slots = conn.scalar(self.q_last, {"user_id": user_id})
        return {int(s["q"]) for s in slots or ()}

    async def history(self, user_id: int, limit: int) -> list[ExamRow]:
        return await self.db.read(self._history, user_id, limit)

    def _history(self, conn: Connection, user_id: int, limit: int) -> list[ExamRow]:
        return [_row(r) for r in conn.execute(self.q_history, {"user_id": user_id, "limit": limit})]

    async def due(self, now: datetime, limit: int) -> list[int]:
        return await self.db.read(self._due, now, limit)

    def _due(self, conn: Connection, now: datetime, limit: int) -> list[int]:
        return [int(i) for i in conn.scalars(self.q_due, {"now": now, "limit": limit})]

    # -- writing -------------------------------------------------------------------
    async def create(self, new: NewExam) -> ExamRow:
        return await self.db.write(self._create, new)

    def _create(self, conn: Connection, new: NewExam) -> ExamRow:
        slots = []
        for key, order in new.questions:
            ask_id = self.store._create_ask(
                conn,
                {
                    "user_id": new.user_id,
                    "group_key": None,
                    "question_id": key,
                    "option_order": ",".join(map(str, order)),
                    "purpose": "exam",
                    "created_at": new.started_at,
                    "message_ref": None,
                },
            )
            slots.append(Slot(key, ask_id, order))
        values = {
            "user_id": new.user_id,
            "pack_id": new.pack,
            "blueprint_id": new.blueprint,
            "kind": new.kind,
            "status": RUNNING,
            "started_at": new.started_at,
            "deadline": new.deadline,
            "finished_at": None,
            "pass_percent": new.pass_percent,
            "position": 0,
            "slots": [s.to_json() for s in slots],
            "correct": 0,
        }
        exam_id = conn.scalar(EXAMS.insert().returning(EXAMS.c.id), values)
        assert exam_id is not None
        found = self._one(conn, self.q_lock, {"exam_id": exam_id})
        assert found is not None
        return found

    def _save(self, conn: Connection, row: ExamRow) -> None:
        conn.execute(
            update(EXAMS)
            .where(EXAMS.c.id == row.id)
            .values(
                status=row.status,
                finished_at=row.finished_at,
                position=row.position,
                slots=[s.to_json() for s in row.slots],
                correct=row.correct,
            )
        )

    async def answer(
        self,
        exam_id: int,
        ask_id: int | None,
        user_id: int,
        now: datetime,
        score: Callable[[AnswerContext], AnswerRecord],
    ) -> tuple[ExamRow, bool]:
        return await self.db.write(self._answer, exam_id, ask_id, user_id, now, score)

    def _answer(
        self,
        conn: Connection,
        exam_id: int,
        ask_id: int | None,
        user_id: int,
        now: datetime,
        score: Callable[[AnswerContext], AnswerRecord],
    ) -> tuple[ExamRow, bool]:
        self._write_lock(conn)
        row = self._one(conn, self.q_lock, {"exam_id": exam_id})
        if row is None or row.user_id != user_id or row.status != RUNNING:
            raise ExamClosed()
        if now >= row.deadline:
            expired = _ended(row, EXPIRED, now)
            self._save(conn, expired)
            return expired, False
        slot = row.slots[row.position]
        if ask_id is not None and ask_id != slot.ask_id:
            raise NotCurrentQuestion()
        recorded: list[AnswerRecord] = []

        def keep(context: AnswerContext) -> AnswerRecord:
            recorded.append(score(context))
            return recorded[0]

        # The tutor's own answer path: attempt, card and counters, in this transaction.
        if not self.store._answer(conn, slot.ask_id, user_id, keep):
            raise NotCurrentQuestion()  # answered already (a second press)
        record = recorded[0]
        after = row.answered(row.position, record.chosen, record.correct)
        if after.position >= len(after.slots):
            after = _ended(after, FINISHED, now)
        self._save(conn, after)
        return after, True

    async def finish(self, exam_id: int, status: str, now: datetime) -> ExamRow | None:
        assert status in (EXPIRED, STOPPED)
        return await self.db.write(self._finish, exam_id, status, now)

    def _finish(self, conn: Connection, exam_id: int, status: str, now: datetime) -> ExamRow | None:
        self._write_lock(conn)
        row = self._one(conn, self.q_lock, {"exam_id": exam_id})
        if row is None or row.status != RUNNING:
            return None
        ended = _ended(row, status, now)
        self._save(conn, ended)
        return ended


def _ended(row: ExamRow, status: str, now: datetime) -> ExamRow:
    return replace(row, status=status, finished_at=now)
