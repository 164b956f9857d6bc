"""/stats as a report with a chart, /misses and the session tally: pure parts on fakes, the
store's reads on both databases."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta

from bot.app import App
from bot.chart import render_png
from bot.ports import Streak
from bot.progress import (
    ACTIVITY_DAYS,
    DomainProgress,
    ProgressFacts,
    QuestionProgress,
    SessionTally,
    build_report,
    chart_numbers,
    readiness,
)
from bot.progress_text import report_text, summary_text
from bot.views import UserRef
from tests.asking import next_question
from tests.fakes import make_bank

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADA = UserRef("test", "1", "Ada")


def _facts() -> ProgressFacts:
    # Questions 1, 3 are design (concept s3); 2, 4 security (s3 + glacier).
    return ProgressFacts(
        domain_counts={
            ("p", "exam", "design"): (10, 9),
            ("p", "exam", "security"): (4, 1),
            ("old", "main", "x"): (5, 5),
        },
        questions=[
            QuestionProgress(1, 5, 0, True),
            QuestionProgress(3, 5, 1, True),
            QuestionProgress(2, 4, 3, False),
        ],
        due_reviews=2,
        activity={
            TODAY: (3, 2),
            TODAY - timedelta(days=29): (4, 4),
            TODAY - timedelta(days=30): (9, 9),
        },
    )


def test_report_numbers() -> None:
    report = build_report(make_bank(), ["p"], _facts(), Streak(2, 5, TODAY), TODAY, TODAY)
    assert (report.answered, report.correct) == (14, 10)  # a retired pack's domain is left out
    assert [d.label for d in report.domains] == ["Design", "Sec"]
    assert (report.seen, report.total_questions) == (3, 4)
    # s3: 14 answers, 4 wrong, question 2 last wrong -> not mastered; glacier: 4 of which 3 wrong
    assert (report.concepts_mastered, report.concepts_total) == (0, 2)
    assert [c.id for c in report.weakest] == ["glacier", "s3"]
    assert report.due_reviews == 2 and report.streak == 2 and report.best_streak == 5
    assert len(report.activity) == ACTIVITY_DAYS and report.activity[-1].day == TODAY

    numbers = chart_numbers(report)
    assert numbers.domain_labels == ("Design", "Sec")
    assert numbers.domain_percent == (90.0, 25.0)
    assert numbers.pass_percent == 65
    assert numbers.answered_per_day[-1] == 3 and numbers.correct_per_day[-1] == 2
    assert numbers.answered_per_day[0] == 4  # 29 days back is in; 30 days back is not
    assert sum(numbers.answered_per_day) == 7

    text = report_text(report)
    assert "Seen 3 of 4 questions" in text and "Weakest concepts: Glacier" in text
    assert "Reviews due: 2" in text and "pass mark 65%" in text


def test_mastery_needs_every_question_last_right() -> None:
    facts = ProgressFacts({("p", "exam", "design"): (4, 4)}, [QuestionProgress(1, 2, 0, True),
                          QuestionProgress(3, 2, 0, True)], 0, {})  # fmt: skip
    report = build_report(make_bank(), ["p"], facts, Streak(0, 0, None), TODAY, TODAY)
    assert report.concepts_mastered == 1 and report.weakest == ()


def test_readiness_weights_domains_by_blueprint() -> None:
    strong = DomainProgress("a", "A", 70, 20, 20, 20, 20)
    weak = DomainProgress("b", "B", 30, 20, 0, 20, 0)
    r = readiness([strong, weak], 65)
    assert r is not None
    # (21/22) * 0.7 + (1/22) * 0.3
    assert abs(r.predicted - round(100 * (0.7 * 21 / 22 + 0.3 / 22), 1)) < 0.05
    assert r.low < r.predicted < r.high
    more = readiness(
        [
            DomainProgress("a", "A", 70, 200, 200, 200, 200),
            DomainProgress("b", "B", 30, 0, 0, 0, 0),
        ],
        65,
    )
    assert more is not None and more.high - more.low > 0
    assert readiness([DomainProgress("a", "A", 1, 0, 0, 0, 0)], 65) is None  # nothing seen


def test_readiness_after_a_few_answers_is_too_early_to_tell() -> None:
    first = readiness([DomainProgress("a", "A", 100, 1, 0, 1, 0)], 72)
    assert first is not None and first.verdict.startswith("too early to tell")
    many = readiness([DomainProgress("a", "A", 100, 200, 190, 200, 190)], 72)
    assert many is not None and many.verdict == "likely to pass"
    short = readiness([DomainProgress("a", "A", 100, 200, 20, 200, 20)], 72)
    assert short is not None and short.verdict == "not yet at the pass mark"


def test_chart_png_is_valid() -> None:
    report = build_report(make_bank(), ["p"], _facts(), Streak(0, 0, None), TODAY, TODAY)
    png = render_png(chart_numbers(report))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (800, 600)
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (600, 800)


def test_session_tally() -> None:
    tally = SessionTally()
    for domain, ok in [("Design", True), ("Design", True), ("Sec", False), ("Design", True)]:
        tally.add(domain, ok)
    assert (tally.answered, tally.right, tally.best_run, tally.run) == (4, 3, 2, 1)
    assert tally.per_domain == {"Design": (3, 3), "Sec": (1, 0)}
    text = summary_text(tally, 4)
    assert "4 answered, 3 right" in text and "• Sec: 0 of 1" in text


async def _answer(app: App, ref: UserRef, correct: bool) -> int:
    view = await next_question(app.tutor, ref)
    bank = await app.tutor.bank()
    question = bank.questions[
        next(q.key for q in bank.questions.values() if q.id == view.question_id)
    ]
    right = {o.text for o in question.options if o.correct}
    letters = [o.letter for o in view.options if (o.text in right) == correct]
    await app.tutor.answer(ref, view.ask_id, "".join(letters[: question.select]))
    return question.key


async def test_report_and_misses_on_the_database(app: App) -> None:
    clock = [NOW - timedelta(days=40)]
    app.tutor.clock = lambda: clock[0]
    missed = [await _answer(app, ADA, False)]  # long ago: outside the 30 days
    clock[0] = NOW - timedelta(days=2)
    missed.append(await _answer(app, ADA, False))
    await _answer(app, ADA, True)
    clock[0] = NOW
    missed.append(await _answer(app, ADA, False))
    await _answer(app, ADA, True)
    await _answer(app, UserRef("test", "2", "Bob"), False)  # not Ada's

    report = await app.progress.report(ADA)
    assert (report.answered, report.correct) == (5, 2)
    numbers = chart_numbers(report)
    assert numbers.answered_per_day[-1] == 2 and numbers.correct_per_day[-1] == 1
    assert numbers.answered_per_day[-3] == 2 and numbers.correct_per_day[-3] == 1
    assert sum(numbers.answered_per_day) == 4
    assert report.seen >= 3 and report.readiness is not None

    misses = await app.progress.misses(ADA)
    assert [m.question_key for m in misses] == list(dict.fromkeys(reversed(missed)))
    assert misses[0].explanation and misses[0].right

    retry = await app.progress.retry(ADA, misses[0].question_key)
    bank = await app.tutor.bank()
    assert retry.question_id == bank.questions[misses[0].question_key].id
    assert retry.purpose == "retry"
    assert (await app.progress.misses(UserRef("test", "3", "Cy"))) == []
