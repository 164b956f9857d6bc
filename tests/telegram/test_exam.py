"""`/exam` in a Telegram private chat, on the fake Bot API (both databases)."""

from __future__ import annotations

import re

from tests.telegram.conftest import (
    GROUP_ID,
    Harness,
    Student,
    buttons,
    right_letters,
    wrong_letters,
)
from tests.telegram.fake_bot_api import Json


def _ask(message: Json) -> int:
    return int(buttons(message)[0]["callback_data"].split(":")[1])


async def _now(bot: Harness, student: Student, message: Json, pattern: str) -> Json:
    """The message once an edit made it match `pattern`."""
    key = (student.chat_id, message["message_id"])
    found = await bot.fake.wait_for(
        lambda: re.search(pattern, bot.fake.messages[key]["text"]) and bot.fake.messages[key]
    )
    return found  # type: ignore[no-any-return]


async def test_a_short_exam_in_a_private_chat(bot: Harness, alice: Student) -> None:
    first = await bot.reply(alice, "/exam short")
    assert "Question 1/3 · ⏱ 5:00 left" in first["text"]
    assert all(b["callback_data"].startswith("ea:") for b in buttons(first))
    query = await alice.press(first, f"ea:{_ask(first)}:{right_letters(first)}")
    assert (await bot.callback_answer(query))["text"] == "Answer recorded"
    second = await _now(bot, alice, first, r"Question 2/3")
    assert "Correct" not in second["text"]  # no feedback until the end

    await bot.restart()  # the exam survives it
    resumed = await bot.reply(alice, "/exam")
    assert "Question 2/3" in resumed["text"] and _ask(resumed) == _ask(second)
    query = await alice.press(resumed, f"ea:{_ask(resumed)}:{wrong_letters(resumed)}")
    await bot.callback_answer(query)
    third = await _now(bot, alice, resumed, r"Question 3/3")
    query = await alice.press(third, f"ea:{_ask(third)}:{right_letters(third)}")
    assert (await bot.callback_answer(query))["text"] == "Exam finished"
    result = await _now(bot, alice, resumed, r"🏁")
    assert re.search(r"2/3 \(67%\) — PASS", result["text"])
    assert "Per domain:" in result["text"]
    # a second press on an answered question scores nothing
    query = await alice.press(first, f"ea:{_ask(first)}:A")
    assert "no exam in progress" in (await bot.callback_answer(query))["text"]

    # the misses, paged
    query = await alice.tap(result, "Review misses (1)")
    miss = await _now(bot, alice, resumed, r"Miss 1/1")
    assert "The answer is" in miss["text"]

    history = await bot.reply(alice, "/exam history")
    assert "2/3 (67%) — pass" in history["text"]


async def test_exam_refuses_group_chats_and_unknown_words(bot: Harness, alice: Student) -> None:
    in_group = alice.in_chat(GROUP_ID)
    reply = await bot.reply(in_group, "/exam")
    assert "private chat" in reply["text"]
    assert "/exam short" in (await bot.reply(alice, "/exam sideways"))["text"]
    assert "no exam in progress" in (await bot.reply(alice, "/exam stop"))["text"]
