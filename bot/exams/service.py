"""The exam service: start, answer, resume, stop, results and history of timed exams."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from bot import progress
from bot.bank import Bank, BlueprintData
from bot.errors import NoQuestions
from bot.exams import model
from bot.exams.errors import ExamNotFound, ExamRunning, NoBlueprint, NoExam
from bot.exams.model import ExamRow
from bot.exams.ports import ExamClosed, ExamStore, NewExam
from bot.exams.track import exam_blueprint
from bot.exams.views import (
    ExamDomainResult,
    ExamMiss,
    ExamQuestion,
    ExamResult,
    ExamSummary,
)
from bot.ports import AnswerContext, AnswerRecord
from bot.tutor import LETTERS, Tutor
from bot.views import OptionFeedback, UserRef

HISTORY_LIMIT = 20
TICK_BATCH = 200


class Exams:
    def __init__(
        self,
        tutor: Tutor,
        store: ExamStore,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.tutor = tutor
        self.store = store
        self.clock = clock or tutor.clock
        self.rng = rng or random.Random()

    # -- starting and resuming ---------------------------------------------------------
    async def start(self, ref: UserRef, short: bool = False) -> ExamQuestion:
        """A new exam's first question. Raises ExamRunning while one is in progress (after
        expiring it first if its time is up, so a late /exam short starts afresh)."""
        user_id = await self.tutor.user_id(ref)
        running = await self._running(user_id)
        if running is not None:
            raise ExamRunning()
        bank = await self.tutor.bank()
        blueprint = exam_blueprint(bank, await self.tutor.track_of(ref))
        if blueprint is None:
            raise NoBlueprint()
        avoid = await self.store.last_questions(user_id)
        available = [q for q in bank.active_questions if q.pack == blueprint.pack]
        count, seconds = model.exam_size(blueprint, short, len(available))
        questions = model.draw(blueprint, available, count, avoid, self.rng)
        if not questions:
            raise NoQuestions()
        now = self.clock()
        orders = []
        for q in questions:
            order = list(range(len(q.options)))
            self.rng.shuffle(order)
            orders.append((q.key, tuple(order)))
        row = await self.store.create(
            NewExam(
                user_id=user_id,
                pack=blueprint.pack,
                blueprint=blueprint.id,
                kind="short" if short else "full",
                started_at=now,
                deadline=now + timedelta(seconds=seconds),
                pass_percent=blueprint.pass_percent,
                questions=orders,
            )
        )
        return self._question(bank, row, now)

    async def current(self, ref: UserRef) -> ExamQuestion | ExamResult:
        """Where the running exam stands: its current question, or its result when the time
        ran out since. Raises NoExam when none is running."""
        user_id = await self.tutor.user_id(ref)
        row = await self.store.running(user_id)
        if row is None:
            raise NoExam()
        bank = await self.tutor.bank()
        now = self.clock()
        if now >= row.deadline:
            ended = await self.store.finish(row.id, model.EXPIRED, now)
            return self._result(bank, ended or await self._reread(user_id, row.id))
        return self._question(bank, row, now)

    async def in_progress(self, ref: UserRef) -> bool:
        """Whether a running exam awaits answers (typed letters then go to it)."""
        return await self.store.running(await self.tutor.user_id(ref)) is not None

    async def _running(self, user_id: int) -> ExamRow | None:
        row = await self.store.running(user_id)
        if row is not None and self.clock() >= row.deadline:
            await self.store.finish(row.id, model.EXPIRED, self.clock())
            return None
        return row

    # -- answering ---------------------------------------------------------------------
    async def answer(
        self, ref: UserRef, ask_id: int | None, letters: str
    ) -> ExamQuestion | ExamResult:
        """Record the answer to the current question (no feedback) and return the next
        question, or the result after the last one. An answer after the deadline is refused:
        the exam ends as expired and its result (marked late) comes back."""
        user_id = await self.tutor.user_id(ref)
        row = await self.store.running(user_id)
        if row is None:
            raise NoExam()
        now = self.clock()

        async def record(
            ask: int | None, user: int, score: Callable[[AnswerContext], AnswerRecord]
        ) -> bool:
            after, accepted = await self.store.answer(row.id, ask_id, user, now, score)
            if not accepted:
                raise _TooLate(after)
            moved.append(after)
            return True

        moved: list[ExamRow] = []
        current = row.slots[row.position].ask_id
        bank = await self.tutor.bank()
        try:
            # Scored like any answer (the attempt, card and counters), its feedback unshown.
            await self.tutor.answer_in_game(user_id, current, letters, record)
        except ExamClosed:
            raise NoExam() from None
        except _TooLate as late:
            return self._result(bank, late.row, late=True)
        after = moved[0]
        if after.status == model.RUNNING:
            return self._question(bank, after, now)
        return self._result(bank, after)

    # -- stopping, results, history ----------------------------------------------------
    async def stop(self, ref: UserRef) -> ExamSummary:
        user_id = await self.tutor.user_id(ref)
        row = await self.store.running(user_id)
        if row is None:
            raise NoExam()
        ended = await self.store.finish(row.id, model.STOPPED, self.clock())
        if ended is None:  # it ended meanwhile (answered last, or expired by the tick)
            ended = await self._reread(user_id, row.id)
        return self._summary(await self.tutor.bank(), ended)

    async def result(self, ref: UserRef, exam_id: int) -> ExamResult:
        user_id = await self.tutor.user_id(ref)
        row = await self.store.get(user_id, exam_id)
        if row is None or row.status == model.RUNNING:
            raise ExamNotFound()
        return self._result(await self.tutor.bank(), row)

    async def history(self, ref: UserRef) -> list[ExamSummary]:
        user_id = await self.tutor.user_id(ref)
        bank = await self.tutor.bank()
        return [self._summary(bank, r) for r in await self.store.history(user_id, HISTORY_LIMIT)]

    async def finished_summaries(self, ref: UserRef) -> list[progress.ExamSummary]:
        """The user's finished exams as `/stats` lists them (newest first)."""
        done = [s for s in await self.history(ref) if s.status in ("finished", "expired")]
        return [progress.ExamSummary(s.started_at, s.title, s.percent, s.passed) for s in done]

    async def tick(self, now: datetime | None = None) -> int:
        """Expire running exams past their deadline (the scheduler's job calls this)."""
        now = now or self.clock()
        ended = 0
        for exam_id in await self.store.due(now, TICK_BATCH):
            if await self.store.finish(exam_id, model.EXPIRED, now) is not None:
                ended += 1
        return ended

    async def _reread(self, user_id: int, exam_id: int) -> ExamRow:
        row = await self.store.get(user_id, exam_id)
        assert row is not None
        return row

    # -- views -------------------------------------------------------------------------
    @staticmethod
    def _blueprint(bank: Bank, row: ExamRow) -> BlueprintData | None:
        return next((b for b in bank.blueprints.get(row.pack, ()) if b.id == row.blueprint), None)

    def _title(self, bank: Bank, row: ExamRow) -> str:
        blueprint = self._blueprint(bank, row)
        title = blueprint.title if blueprint else row.blueprint
        return f"{title} · short" if row.kind == "short" else title

    def _question(self, bank: Bank, row: ExamRow, now: datetime) -> ExamQuestion:
        slot = row.slots[row.position]
        view = Tutor.view(bank, slot.ask_id, slot.question_key, slot.order, "exam", row.blueprint)
        left = int((row.deadline - now).total_seconds())
        return ExamQuestion(
            row.id, self._title(bank, row), row.position + 1, len(row.slots), left, view
        )

    def _summary(self, bank: Bank, row: ExamRow) -> ExamSummary:
        return ExamSummary(
            row.id, self._title(bank, row), row.status, row.started_at, row.correct,
            len(row.slots), row.pass_percent,
        )  # fmt: skip

    def _result(self, bank: Bank, row: ExamRow, late: bool = False) -> ExamResult:
        blueprint = self._blueprint(bank, row)
        domains = {d.id: d.label for d in blueprint.domains} if blueprint else {}
        per: dict[str, list[int]] = {d: [0, 0] for d in domains}
        misses = []
        for number, slot in enumerate(row.slots, 1):
            question = bank.questions.get(slot.question_key)
            if question is None:  # gone from the bank: scored, but nothing to show
                continue
            domain = question.domain_in(row.blueprint) or question.domain
            counts = per.setdefault(domain, [0, 0])
            counts[0] += 1
            counts[1] += slot.correct
            if slot.correct:
                continue
            chosen = slot.chosen or ()
            options = tuple(
                OptionFeedback(
                    LETTERS[i],
                    question.options[k].text,
                    question.options[k].why,
                    question.options[k].correct,
                    k in chosen,
                )  # fmt: skip
                for i, k in enumerate(slot.order)
                if k < len(question.options)
            )
            misses.append(
                ExamMiss(
                    number=number,
                    domain=domains.get(domain, domain),
                    scenario=question.scenario,
                    options=options,
                    chosen=tuple(o.letter for o in options if o.chosen),
                    right=tuple(o.letter for o in options if o.correct),
                    explanation=question.explanation,
                )
            )
        return ExamResult(
            summary=self._summary(bank, row),
            answered=sum(1 for s in row.slots if s.chosen is not None),
            domains=tuple(
                ExamDomainResult(domains.get(d, d), n, c) for d, (n, c) in per.items() if n
            ),
            misses=tuple(misses),
            note=blueprint.note if blueprint else "",
            late=late,
        )


class _TooLate(Exception):
    """The answer came after the deadline; the store ended the exam as expired."""

    def __init__(self, row: ExamRow) -> None:
        super().__init__("exam expired")
        self.row = row
