"""⚑ Report: two taps store a report with the question and the user; a reply adds a line."""

from __future__ import annotations

from tests.telegram.conftest import Harness, Student, buttons, right_letters


async def test_report_a_question_in_two_taps_then_add_a_line(bot: Harness, alice: Student) -> None:
    question = await bot.quiz_until(alice, multi=False)
    follow_up = await bot.answer(alice, question, right_letters(question))
    assert [b["text"] for b in buttons(follow_up)][-1] == "⚑ Report"

    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(follow_up, "⚑ Report"))
    prompt = await bot.next_message(alice.chat_id, seen)
    assert "What is wrong" in prompt["text"]
    assert [b["text"] for b in buttons(prompt)] == ["Wrong answer", "Unclear", "Outdated", "Typo"]

    key = (alice.chat_id, prompt["message_id"])
    query = await alice.tap(prompt, "Unclear")
    assert "Thanks" in (await bot.callback_answer(query))["text"]
    thanked = await bot.fake.wait_for(
        lambda: "Report #" in bot.fake.messages[key]["text"] and bot.fake.messages[key]
    )
    assert not buttons(thanked)  # the reasons are gone: one report per tap
    assert bot.core is not None
    (row,) = await bot.core.reports.recent()
    assert (row.reason, row.note, row.pack) == ("unclear", "", "mini")
    assert row.reporter.startswith("Alice")

    reply = await bot.reply(alice, "Option B and C say the same thing", reply_to=thanked)
    assert "Added to your report" in reply["text"]
    (row,) = await bot.core.reports.recent()
    assert row.note == "Option B and C say the same thing"
    summary = await bot.core.reports.daily_summary()
    assert summary is not None and "1 question report(s)" in summary and "Unclear" in summary


async def test_a_forged_reason_or_ask_stores_nothing(bot: Harness, alice: Student) -> None:
    question = await bot.quiz_until(alice, multi=False)
    ask = int(buttons(question)[0]["callback_data"].split(":")[1])
    notice = await bot.callback_answer(await alice.press(question, f"rr:{ask}:spam"))
    assert "not a reason" in notice["text"]
    notice = await bot.callback_answer(await alice.press(question, "rr:999999:typo"))
    assert "no longer available" in notice["text"]
    assert bot.core is not None and await bot.core.reports.recent() == []


async def test_quiz_while_a_question_is_open_offers_to_skip_it(
    bot: Harness, alice: Student
) -> None:
    first = await bot.reply(alice, "/quiz")
    notice = await bot.reply(alice, "/quiz")
    assert notice["text"].startswith("You still have a question open")
    assert [b["text"] for b in buttons(notice)] == ["Skip it, new question"]
    seen = len(bot.fake.sent(alice.chat_id))
    query = await alice.tap(notice, "Skip it, new question")
    assert "kept as skipped" in (await bot.callback_answer(query))["text"]
    second = await bot.next_message(alice.chat_id, seen)
    assert (
        buttons(second)
        and buttons(second)[0]["callback_data"] != buttons(first)[0]["callback_data"]
    )
    # the skipped question is kept: it can still be answered from its message
    follow_up = await bot.answer(alice, first, right_letters(first))
    assert follow_up["text"].startswith("✅ Correct!")
