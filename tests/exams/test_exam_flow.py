"""The exam service on both databases, on a fake clock. The mini pack's blueprint: 3
questions in 5 minutes, pass mark 65 %, domains design (70) and security (30)."""

from __future__ import annotations

import pytest

from bot.errors import BadAnswer
from bot.exams.errors import ExamRunning, NoExam, NotCurrentQuestion
from bot.exams.views import ExamQuestion, ExamResult, history_text, miss_text
from bot.progress import Progress
from bot.store.progress import SqlProgressStore
from tests.exams.conftest import ANN, Room


async def _question(step: ExamQuestion | ExamResult) -> ExamQuestion:
    assert isinstance(step, ExamQuestion), step
    return step


async def test_an_exam_runs_without_feedback_and_ends_with_a_scored_result(room: Room) -> None:
    first = await room.exams.start(ANN)
    assert (first.number, first.total, first.seconds_left) == (1, 3, 300)
    assert "Question 1/3" in first.header and "5:00 left" in first.header
    room.clock.advance(seconds=40)
    second = await _question(
        await room.exams.answer(ANN, first.question.ask_id, await room.right(first.question))
    )
    assert (second.number, second.seconds_left) == (2, 260)  # the time left, on every question
    with pytest.raises(NotCurrentQuestion):  # a second press on the first question
        await room.exams.answer(ANN, first.question.ask_id, "A")
    third = await _question(
        await room.exams.answer(ANN, second.question.ask_id, await room.wrong(second.question))
    )
    result = await room.exams.answer(ANN, third.question.ask_id, await room.right(third.question))
    assert isinstance(result, ExamResult)
    assert (result.summary.correct, result.summary.total, result.summary.percent) == (2, 3, 67)
    assert result.summary.passed and result.summary.status == "finished"
    # the blueprint's proportions: 70/30 of 3 questions is 2 design, 1 security
    assert sorted((d.title, d.total) for d in result.domains) == [("Design", 2), ("Security", 1)]
    assert len(result.misses) == 1
    miss = result.misses[0]
    assert miss.number == 2 and miss.chosen and miss.right and miss.explanation
    assert miss.explanation in miss_text(miss, 0, 1)
    assert "PASS" in result.text() and "Pass mark: 65%" in result.text()
    # the answers were scored like any other (attempts, counters)
    assert (await room.exams.tutor.stats(ANN)).answered == 3
    history = await room.exams.history(ANN)
    assert [h.exam_id for h in history] == [result.summary.exam_id]
    assert "2/3 (67%) — pass" in history_text(history)
    with pytest.raises(NoExam):
        await room.exams.current(ANN)
    # /stats lists the finished exam
    assert room.app is not None
    progress = Progress(
        room.exams.tutor, SqlProgressStore(room.app.store.db), room.exams.finished_summaries
    )
    report = await progress.report(ANN)
    assert [(e.score_percent, e.passed) for e in report.exams] == [(67, True)]


async def test_a_bad_answer_loses_nothing(room: Room) -> None:
    first = await room.exams.start(ANN)
    with pytest.raises(BadAnswer):
        await room.exams.answer(ANN, first.question.ask_id, "Z")
    again = await _question(await room.exams.current(ANN))
    assert again.number == 1 and again.question.ask_id == first.question.ask_id


async def test_time_out_counts_unanswered_as_wrong_and_refuses_a_late_answer(room: Room) -> None:
    first = await room.exams.start(ANN)
    second = await _question(
        await room.exams.answer(ANN, first.question.ask_id, await room.right(first.question))
    )
    room.clock.advance(minutes=5)  # the deadline itself: time is up
    late = await room.exams.answer(ANN, second.question.ask_id, await room.right(second.question))
    assert isinstance(late, ExamResult)
    assert late.late and late.timed_out
    assert (late.summary.correct, late.summary.total, late.answered) == (1, 3, 1)
    assert not late.summary.passed and len(late.misses) == 2
    assert all(m.chosen == () for m in late.misses)
    assert "2 unanswered question(s) count as wrong" in late.text()
    assert (await room.exams.tutor.stats(ANN)).answered == 1  # the late answer was not stored


async def test_the_tick_expires_an_exam_past_its_deadline(room: Room) -> None:
    await room.exams.start(ANN, short=True)
    room.clock.advance(minutes=4)
    assert await room.exams.tick() == 0
    room.clock.advance(minutes=2)
    assert await room.exams.tick() == 1
    assert await room.exams.tick() == 0
    [past] = await room.exams.history(ANN)
    assert past.status == "expired" and past.correct == 0
    with pytest.raises(NoExam):
        await room.exams.current(ANN)


async def test_an_exam_survives_a_restart(room: Room) -> None:
    first = await room.exams.start(ANN)
    await room.exams.answer(ANN, first.question.ask_id, await room.right(first.question))
    room.clock.advance(minutes=2)
    await room.reopen()
    resumed = await _question(await room.exams.current(ANN))
    assert (resumed.number, resumed.seconds_left) == (2, 180)
    with pytest.raises(ExamRunning):
        await room.exams.start(ANN, short=True)
    result = await room.exams.answer(ANN, None, await room.right(resumed.question))  # typed
    assert isinstance(result, ExamQuestion) and result.number == 3


async def test_a_running_exam_past_its_time_shows_its_result_on_resume(room: Room) -> None:
    await room.exams.start(ANN)
    room.clock.advance(minutes=6)
    result = await room.exams.current(ANN)
    assert isinstance(result, ExamResult) and result.timed_out and result.summary.correct == 0


async def test_stop_abandons_and_the_next_exam_avoids_the_last_ones_questions(room: Room) -> None:
    first = await room.exams.start(ANN)
    step: ExamQuestion | ExamResult = first
    asked = set()
    while isinstance(step, ExamQuestion):
        asked.add(step.question.question_id)
        step = await room.exams.answer(ANN, None, await room.right(step.question))
    await room.exams.start(ANN)
    stopped = await room.exams.stop(ANN)
    assert stopped.status == "stopped"
    with pytest.raises(NoExam):
        await room.exams.stop(ANN)
    # the mini pack has 4 questions: the one the last exam did not ask comes first choice
    bank = await room.bank()
    unseen = {q.id for q in bank.active_questions} - asked
    assert len(unseen) == 1
    third = await room.exams.start(ANN)
    seen_now: set[str] = set()
    step = third
    while isinstance(step, ExamQuestion):
        seen_now.add(step.question.question_id)
        step = await room.exams.answer(ANN, None, await room.wrong(step.question))
    assert unseen <= seen_now
    history = await room.exams.history(ANN)
    assert [h.status for h in history] == ["finished", "stopped", "finished"]
