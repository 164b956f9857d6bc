""" "👍 Sure / 🤔 Unsure" under the feedback of a right answer: a toast only, once per answer."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.models import Attempt
from tests.telegram.conftest import (
    Harness,
    Student,
    ask_id_of,
    buttons,
    right_letters,
    wrong_letters,
)


def _labels(message: dict[str, object]) -> list[str]:
    return [b["text"] for b in buttons(message)]


async def _said(bot: Harness, ask_id: int) -> str | None:
    assert bot.core is not None
    async with bot.core.engine.connect() as conn:
        return await conn.scalar(select(Attempt.confidence).where(Attempt.ask_id == ask_id))


async def test_unsure_after_a_right_answer_is_a_toast_noted_once(
    bot: Harness, alice: Student
) -> None:
    question = await bot.quiz_until(alice, multi=False)
    follow_up = await bot.answer(alice, question, right_letters(question))
    labels = _labels(follow_up)
    assert labels[:3] == ["Next question", "👍 Sure", "🤔 Unsure"] and labels[-1] == "⚑ Report"

    sent = len(bot.fake.sent(alice.chat_id))
    edits = len(bot.fake.calls_to("editMessageText", alice.chat_id))
    notice = await bot.callback_answer(await alice.tap(follow_up, "🤔 Unsure"))
    assert notice["text"] == "Noted: unsure. Its concepts come back sooner."
    assert await _said(bot, ask_id_of(question)) == "unsure"
    again = await bot.callback_answer(await alice.tap(follow_up, "👍 Sure"))
    assert "Already noted" in again["text"]
    assert await _said(bot, ask_id_of(question)) == "unsure"
    # toasts only: nothing sent, nothing edited
    assert len(bot.fake.sent(alice.chat_id)) == sent
    assert len(bot.fake.calls_to("editMessageText", alice.chat_id)) == edits


async def test_a_wrong_answer_has_no_sure_buttons_and_bad_presses_get_a_toast(
    bot: Harness, alice: Student, bob: Student
) -> None:
    question = await bot.quiz_until(alice, multi=False)
    follow_up = await bot.answer(alice, question, wrong_letters(question))
    assert "🤔 Unsure" not in _labels(follow_up)
    ask = ask_id_of(question)
    notice = await bot.callback_answer(await alice.press(follow_up, f"cf:{ask}:u"))
    assert "for right answers" in notice["text"]  # an old client may still show a button
    notice = await bot.callback_answer(await alice.press(follow_up, "cf:999999:u"))
    assert "not for an answer of yours" in notice["text"]
    theirs = await bot.reply(bob, "/help")
    notice = await bot.callback_answer(await bob.press(theirs, f"cf:{ask}:u"))
    assert "not for an answer of yours" in notice["text"]
    assert await _said(bot, ask) is None
