"""The pure parts: callback data within 64 bytes, HTML escaped and within 4096 characters."""

from __future__ import annotations

import pytest

from adapters.telegram import callbacks, keyboards, render
from adapters.telegram.callbacks import Answer, Explain, NextQuestion, Toggle
from bot.views import (
    ConceptView,
    Feedback,
    GroupAnswer,
    OptionFeedback,
    OptionView,
    QuestionView,
)
from tests.telegram.fake_bot_api import parse_html

NASTY = '<b>&amp; Tom & Jerry\'s "<script>" 1 < 2 > 0 '


def test_callback_data_round_trips_within_64_bytes() -> None:
    largest_ask = 10**18 - 1
    for action in (
        Answer(largest_ask, "ABCDEF"),
        Toggle(largest_ask, "ABCDEF"),
        Toggle(7, ""),
        NextQuestion(),
        Explain("x" * 60),
    ):
        data = action.data()
        assert len(data.encode()) <= 64
        assert callbacks.parse(data) == action
    with pytest.raises(ValueError):
        Explain("x" * 63).data()


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "a",
        "a:1:",
        "a:x:A",
        "a:1:G",
        "a:1:a",
        "a:-1:A",
        "t:1:Z",
        "x:UPPER",
        "x:",
        "n:1",
        "a:1:A:B",
        "a:1:A\n",
        "x:" + "a" * 70,
        "é" * 40,
    ],
)
def test_forged_callback_data_is_not_an_action(data: str | None) -> None:
    assert callbacks.parse(data) is None


def test_toggling_keeps_letters_in_order() -> None:
    assert callbacks.toggled("", "C") == "C"
    assert callbacks.toggled("C", "A") == "AC"
    assert callbacks.toggled("AC", "C") == "A"


def question_view(scenario: str, option: str, count: int = 6, select: int = 1) -> QuestionView:
    return QuestionView(
        ask_id=123,
        question_id="q",
        scenario=scenario,
        options=tuple(OptionView("ABCDEF"[k], option) for k in range(count)),
        select=select,
        domain=NASTY,
        difficulty=2,
        purpose="practice",
    )


def test_questions_are_escaped_and_leave_room_for_the_result() -> None:
    text = render.question(question_view(NASTY * 400, NASTY * 50))
    assert len(text) <= render.QUESTION_LIMIT
    visible = parse_html(text)  # what Telegram would accept
    assert visible.startswith(NASTY)
    assert "…" in visible
    group = render.group_results([GroupAnswer(NASTY * 3, k % 2 == 0) for k in range(500)])
    answered = render.with_result(text, group)
    assert len(answered) <= render.MESSAGE_LIMIT
    assert parse_html(answered).endswith("… and 470 more")
    assert render.question_part(render.with_result(answered, "x")) == text


def test_feedback_and_cards_fit_one_message() -> None:
    options = tuple(
        OptionFeedback("ABCDEF"[k], NASTY * 20, NASTY * 40, k == 0, k == 1) for k in range(6)
    )
    card = ConceptView("s3", "S3", NASTY * 10, NASTY, NASTY * 20, NASTY * 200)
    fb = Feedback(1, "q", False, ("B",), ("A",), options, NASTY * 200, (card,) * 3)
    for text in (render.feedback(fb), render.concept(card)):
        assert len(text) <= render.MESSAGE_LIMIT
        parse_html(text)
    assert len(render.callback_verdict(fb)) <= render.CALLBACK_ANSWER_LIMIT
    markup = keyboards.feedback(fb)
    assert [row[0].text for row in markup.inline_keyboard] == [
        "Next question",
        "Explain S3",
        "Explain S3",
        "Explain S3",
        "⚑ Report",
    ]


def test_an_answered_question_holds_the_explanation_within_one_message() -> None:
    options = tuple(
        OptionFeedback("ABCDEF"[k], NASTY * 20, NASTY * 40, k == 0, k == 1) for k in range(6)
    )
    fb = Feedback(1, "q", False, ("B",), ("A",), options, NASTY * 200, ())
    longest = render.question(question_view(NASTY * 400, NASTY * 50))
    short = render.question(question_view("Which S3 class?", "Glacier"))
    for question in (longest, short):
        text = render.answered(question, fb)
        assert len(text) <= render.MESSAGE_LIMIT
        visible = parse_html(text)
        assert text.startswith(render.without_hint(question) + render.SEPARATOR)
        assert "Tap the letter" not in text
        assert "❌ Not quite. You chose B (“" in visible
    # a short question leaves room for the whole explanation, unshortened
    small = (OptionFeedback("A", "Glacier", "Cheap.", True, True),)
    fb = Feedback(1, "q", True, ("A",), ("A",), small, "Archive storage.", ())
    answered = render.answered(short, fb)
    assert answered == render.without_hint(short) + render.SEPARATOR + render.feedback(fb)
    assert "The answer is A (“Glacier”)." in answered


def test_multi_answer_keyboards() -> None:
    view = question_view("s", "o", count=4, select=2)
    toggles = keyboards.question(view)
    state = keyboards.toggle_state(toggles)
    assert state == keyboards.ToggleState(123, 4, "", 2)
    picked = keyboards.toggles(123, 4, "BD", 2)
    assert keyboards.toggle_state(picked) == keyboards.ToggleState(123, 4, "BD", 2)
    assert [b.callback_data for b in picked.inline_keyboard[0]] == [
        "t:123:2:ABD",
        "t:123:2:D",
        "t:123:2:BCD",
        "t:123:2:B",
    ]
    # keyboards sent before the count was carried still parse (no limit known)
    assert callbacks.parse("t:123:BD") == callbacks.Toggle(123, "BD", 0)
    assert callbacks.parse("t:123:2:BD") == callbacks.Toggle(123, "BD", 2)
    assert picked.inline_keyboard[-1][0].callback_data == "a:123:BD"
    combos = keyboards.question(view, group=True)
    assert keyboards.toggle_state(combos) is None
    assert [b.text for row in combos.inline_keyboard for b in row] == [
        "A+B",
        "A+C",
        "A+D",
        "B+C",
        "B+D",
        "C+D",
    ]
