"""The persistence the exam service needs (bot.store.exams implements it on SQL)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.exams.model import ExamRow
from bot.ports import AnswerContext, AnswerRecord


@dataclass(frozen=True)
class NewExam:
    user_id: int
    pack: str
    blueprint: str
    kind: str
    started_at: datetime
    deadline: datetime
    pass_percent: int
    questions: Sequence[tuple[int, tuple[int, ...]]]  # (question key, option order)


class ExamClosed(Exception):
    """The exam is no longer running (finished, stopped, or expired by another process)."""


class ExamStore(Protocol):
    async def running(self, user_id: int) -> ExamRow | None: ...

    async def get(self, user_id: int, exam_id: int) -> ExamRow | None: ...

    async def last_questions(self, user_id: int) -> set[int]:
        """Question keys of the user's latest exam that was not stopped (empty if none)."""
        ...

    async def create(self, new: NewExam) -> ExamRow:
        """The exam row and one ask (purpose "exam") per question, in one transaction."""
        ...

    async def answer(
        self,
        exam_id: int,
        ask_id: int | None,
        user_id: int,
        now: datetime,
        score: Callable[[AnswerContext], AnswerRecord],
    ) -> tuple[ExamRow, bool]:
        """In one transaction: past its deadline the exam is expired and (row, False) comes
        back; else the current question's answer is scored by `score` through the tutor's
        answer path and the exam moves on (finished after its last question): (row, True).
        Raises ExamClosed when the exam is not running, NotCurrentQuestion when `ask_id`
        (None: the current one) is not the exam's current question."""
        ...

    async def finish(self, exam_id: int, status: str, now: datetime) -> ExamRow | None:
        """End a running exam with `status` (expired/stopped); None if it was not running."""
        ...

    async def history(self, user_id: int, limit: int) -> list[ExamRow]: ...

    async def due(self, now: datetime, limit: int) -> list[int]:
        """Ids of running exams whose deadline has passed."""
        ...
