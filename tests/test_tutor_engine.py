"""The tutor engine on fakes of its ports: state is checked, not calls."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bot.bank import Bank
from bot.errors import (
    AllSeen,
    AlreadyAnswered,
    AskNotFound,
    BadAnswer,
    BadSetting,
    NoOpenQuestion,
    NoQuestions,
    NotYourQuestion,
    UnknownConcept,
)
from bot.tutor import Tutor, parse_letters
from bot.views import QuestionView, UserRef
from tests.fakes import FakeClock, FakeStore, make_bank

ADA = UserRef("test", "1", "Ada")
BOB = UserRef("test", "2", "Bob")


def make_tutor(bank: Bank | None = None) -> tuple[Tutor, FakeStore, FakeClock]:
    store = FakeStore(bank or make_bank())
    clock = FakeClock()
    return Tutor(store, clock=clock, rng=random.Random(7)), store, clock


def letters_for(view: QuestionView, store: FakeStore, correct: bool = True) -> str:
    """The letters that answer `view` right (or wrong)."""
    question = store.bank.questions[store.asks[view.ask_id].question_key]
    order = store.asks[view.ask_id].option_order
    right = [chr(65 + i) for i, k in enumerate(order) if question.options[k].correct]
    if correct:
        return "".join(right)
    wrong = [chr(65 + i) for i, k in enumerate(order) if not question.options[k].correct]
    return "".join(wrong[: len(right)])


async def test_user_is_created_once_per_platform_identity() -> None:
    tutor, store, _ = make_tutor()
    first = await tutor.user(ADA)
    again = await tutor.user(ADA)
    other = await tutor.user(UserRef("discord", "1"))
    assert first.id == again.id != other.id
    assert len(store.users) == 2


async def test_right_answer_gives_full_feedback() -> None:
    tutor, store, _ = make_tutor()
    view = await tutor.next_question(ADA)
    feedback = await tutor.answer(ADA, view.ask_id, letters_for(view, store))
    assert feedback.correct
    assert feedback.right == feedback.chosen
    assert {o.why for o in feedback.options} == {f"why {i}" for i in range(4)}
    assert feedback.explanation.startswith("Explanation")
    assert [c.id for c in feedback.concepts][0] == "s3"
    assert len(store.attempts) == 1 and store.attempts[0].correct


async def test_wrong_answer_names_the_right_option() -> None:
    tutor, store, _ = make_tutor()
    view = await tutor.next_question(ADA)
    feedback = await tutor.answer(ADA, view.ask_id, letters_for(view, store, correct=False))
    assert not feedback.correct
    assert feedback.right != feedback.chosen
    assert sum(o.correct for o in feedback.options) == view.select


async def test_second_answer_to_the_same_ask_scores_nothing() -> None:
    tutor, store, _ = make_tutor()
    view = await tutor.next_question(ADA)
    await tutor.answer(ADA, view.ask_id, letters_for(view, store, correct=False))
    with pytest.raises(AlreadyAnswered):
        await tutor.answer(ADA, view.ask_id, letters_for(view, store))
    assert len(store.attempts) == 1 and not store.attempts[0].correct


async def test_multi_answer_is_all_or_nothing() -> None:
    tutor, store, _ = make_tutor(make_bank(questions=1))  # the only question is Select TWO
    view = await tutor.next_question(ADA)
    assert view.select == 2
    right = letters_for(view, store)
    half = right[0] + letters_for(view, store, correct=False)[0]
    feedback = await tutor.answer(ADA, view.ask_id, half)
    assert not feedback.correct
    view = await tutor.next_question(ADA)
    right = letters_for(view, store)
    assert (await tutor.answer(ADA, view.ask_id, right[::-1])).correct  # order does not matter


@pytest.mark.parametrize(
    ("letters", "message"),
    [
        ("Z", "not an option"),
        ("A", "exactly 2 letters"),
        ("ABC", "exactly 2 letters"),
        ("", "letter"),
    ],
)
async def test_bad_letters_are_refused_and_change_nothing(letters: str, message: str) -> None:
    tutor, store, _ = make_tutor(make_bank(questions=1))
    view = await tutor.next_question(ADA)
    with pytest.raises(BadAnswer, match=message):
        await tutor.answer(ADA, view.ask_id, letters)
    assert store.attempts == []


async def test_letters_out_of_range_for_single_answer() -> None:
    tutor, _store, _ = make_tutor(make_bank(questions=3))
    view = await tutor.next_question(ADA)
    with pytest.raises(BadAnswer, match="E is not an option"):
        await tutor.answer(ADA, view.ask_id, "E")
    with pytest.raises(BadAnswer, match="exactly one"):
        await tutor.answer(ADA, view.ask_id, "AB")


async def test_forged_and_foreign_asks_are_refused() -> None:
    tutor, store, _ = make_tutor()
    view = await tutor.next_question(ADA)
    with pytest.raises(AskNotFound):
        await tutor.answer(ADA, 9999, "A")
    with pytest.raises(NotYourQuestion):
        await tutor.answer(BOB, view.ask_id, "A")
    assert store.attempts == []


async def test_answer_open_needs_an_open_question() -> None:
    tutor, store, _ = make_tutor()
    with pytest.raises(NoOpenQuestion):
        await tutor.answer_open(ADA, "A")
    view = await tutor.next_question(ADA)
    await tutor.answer_open(ADA, letters_for(view, store))
    with pytest.raises(NoOpenQuestion):
        await tutor.answer_open(ADA, "A")


async def test_next_question_is_not_the_one_just_seen_and_prefers_unseen() -> None:
    tutor, store, _ = make_tutor(make_bank(questions=4))
    seen = []
    for _ in range(4):
        view = await tutor.next_question(ADA)
        seen.append(view.question_id)
        await tutor.answer(ADA, view.ask_id, letters_for(view, store))
    assert sorted(seen) == ["q1", "q2", "q3", "q4"]  # all unseen ones first, no repeats


async def test_wrong_answers_come_back_before_right_ones() -> None:
    tutor, store, clock = make_tutor(make_bank(questions=4))
    wrong_id = None
    for i in range(4):
        view = await tutor.next_question(ADA)
        correct = i != 1
        if not correct:
            wrong_id = view.question_id
        await tutor.answer(ADA, view.ask_id, letters_for(view, store, correct=correct))
        clock.advance(seconds=1)
    # Nothing is due yet (the clock stands still), all are seen: the wrong one comes first,
    # unless it was among the last few asked; then the oldest seen.
    view = await tutor.next_question(ADA)
    recent = {store.bank.questions[a.question_key].id for a in list(store.asks.values())[-4:-1]}
    if wrong_id not in recent:
        assert view.question_id == wrong_id
    assert view.question_id != list(store.asks.values())[-2].question_key


async def test_due_reviews_come_first() -> None:
    tutor, store, clock = make_tutor(make_bank(questions=6))
    view = await tutor.next_question(ADA)
    await tutor.answer(ADA, view.ask_id, letters_for(view, store, correct=False))
    first = view.question_id
    for _ in range(3):  # push the first question out of the "just seen" window
        v = await tutor.next_question(ADA)
        await tutor.answer(ADA, v.ask_id, letters_for(v, store))
    clock.advance(hours=1)  # the failed card's relearning step has passed
    again = await tutor.next_question(ADA)
    # its concept comes back first, as a different question on it, labelled a review
    assert again.question_id != first
    assert again.purpose == "review" and again.review.startswith("🔁 Review · ")


async def test_a_finished_track_is_said_once_instead_of_cycling_silently() -> None:
    tutor, store, clock = make_tutor(make_bank(questions=4))
    for _ in range(4):
        view = await tutor.next_question(ADA)
        await tutor.answer(ADA, view.ask_id, letters_for(view, store))
        clock.advance(seconds=1)
    asks = len(store.asks)
    with pytest.raises(AllSeen) as told:
        await tutor.next_question(ADA)
    assert "answered every question of this track" in told.value.message
    assert "/quiz again to go round them once more" in told.value.message
    assert "/exam short" in told.value.message and "/track" in told.value.message
    assert "next review is due in " in told.value.message
    assert len(store.asks) == asks  # nothing was asked
    # /quiz again goes round, without being told again until the next review is due
    for _ in range(3):
        view = await tutor.next_question(ADA)
        await tutor.answer(ADA, view.ask_id, letters_for(view, store))
    assert len(store.asks) == asks + 3
    # Bob, with a wrong answer left, is never told: the wrong one comes back instead
    for index in range(4):
        view = await tutor.next_question(BOB)
        await tutor.answer(BOB, view.ask_id, letters_for(view, store, correct=index != 0))
    await tutor.next_question(BOB)


async def test_a_due_review_ends_the_finished_round() -> None:
    tutor, store, clock = make_tutor(make_bank(questions=2))
    for _ in range(2):
        view = await tutor.next_question(ADA)
        await tutor.answer(ADA, view.ask_id, letters_for(view, store))
    with pytest.raises(AllSeen):
        await tutor.next_question(ADA)
    clock.advance(days=40)  # every review has come due
    view = await tutor.next_question(ADA)
    assert view.question_id


async def test_no_questions_loaded() -> None:
    tutor, _store, _ = make_tutor(Bank())
    with pytest.raises(NoQuestions):
        await tutor.next_question(ADA)


async def test_explain_by_name_alias_and_id_case_insensitive() -> None:
    tutor, _store, _ = make_tutor()
    assert (await tutor.explain("s3")).name == "S3"
    assert (await tutor.explain("amazon s3")).name == "S3"
    assert (await tutor.explain("AMAZON S3 GLACIER")).name == "Glacier"
    card = await tutor.explain("Glacier")
    assert card.related == (("s3", "S3"),)


async def test_explain_suggests_close_matches() -> None:
    tutor, _store, _ = make_tutor()
    with pytest.raises(UnknownConcept) as info:
        await tutor.explain("glaicer")
    assert info.value.suggestions == ["Glacier"]
    with pytest.raises(UnknownConcept) as info:
        await tutor.explain("kubernetes")
    assert info.value.suggestions == []


async def test_stats_overall_and_per_domain() -> None:
    tutor, store, _ = make_tutor(make_bank(questions=4))
    for correct in (True, False, True):
        view = await tutor.next_question(ADA)
        await tutor.answer(ADA, view.ask_id, letters_for(view, store, correct=correct))
    stats = await tutor.stats(ADA)
    assert (stats.answered, stats.correct) == (3, 2)
    assert stats.accuracy == pytest.approx(2 / 3)
    assert sum(d.answered for d in stats.domains) == 3
    assert {d.id for d in stats.domains} == {"design", "security"}
    assert [d.label for d in stats.domains] == ["Design", "Sec"]
    assert stats.blueprint == "The exam"
    assert stats.notes == ("The real exam's score is scaled; ours approximates it.",)
    assert (await tutor.stats(BOB)).answered == 0


async def test_stats_follow_the_questions_current_domain() -> None:
    """Answers given before a bank was reclassified count in the question's domain now."""
    bank = make_bank(questions=4)
    tutor, store, _ = make_tutor(bank)
    view = await tutor.next_question(ADA)
    await tutor.answer(ADA, view.ask_id, letters_for(view, store, correct=True))
    key = next(k for k, q in bank.questions.items() if q.id == view.question_id)
    question = bank.questions[key]
    other = "security" if question.domain == "design" else "design"
    bank.questions[key] = replace(question, domain=other, domains={"exam": other})
    stats = await tutor.stats(ADA)
    assert {d.id: d.answered for d in stats.domains}[other] == 1


async def test_group_question_counts_once_per_member() -> None:
    tutor, store, _ = make_tutor()
    view = await tutor.group_question("test:chat-1")
    right = letters_for(view, store)
    assert (await tutor.answer(ADA, view.ask_id, right)).correct
    assert not (await tutor.answer(BOB, view.ask_id, letters_for(view, store, False))).correct
    with pytest.raises(AlreadyAnswered):
        await tutor.answer(BOB, view.ask_id, right)
    answers = await tutor.group_answers(view.ask_id)
    assert [(a.display_name, a.correct) for a in answers] == [("Ada", True), ("Bob", False)]


async def test_daily_setting_validated_and_stored() -> None:
    tutor, _store, _ = make_tutor()
    assert (await tutor.daily_setting(ADA)).time == "09:00"
    setting = await tutor.set_daily(ADA, "7:30", "europe/berlin")
    assert (setting.time, setting.timezone, setting.enabled) == ("07:30", "Europe/Berlin", True)
    for bad_time, zone in (
        ("25:00", None),
        ("12:61", None),
        ("noon", None),
        ("08:00", "Mars/Base"),
    ):
        with pytest.raises(BadSetting):
            await tutor.set_daily(ADA, bad_time, zone)
    assert (await tutor.daily_setting(ADA)).time == "07:30"
    assert not (await tutor.daily_off(ADA)).enabled
    assert not (await tutor.daily_setting(ADA)).enabled


def test_parse_letters() -> None:
    assert parse_letters("b") == ("B",)
    assert parse_letters("a, c") == ("A", "C")
    assert parse_letters("AA") == ("A",)
    assert parse_letters("1") == ()
