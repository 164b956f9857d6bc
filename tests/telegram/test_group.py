"""A group quiz: one question, every member answers once for themselves, all see who was right."""

from __future__ import annotations

from tests.telegram.conftest import (
    GROUP_ID,
    Harness,
    Student,
    button_data,
    right_letters,
    wrong_letters,
)


def label(letters: str) -> str:
    return "+".join(letters)  # "B", or "A+C" on a multi-answer question


async def test_group_quiz_with_two_members(bot: Harness, alice: Student, bob: Student) -> None:
    alice, bob = alice.in_chat(GROUP_ID), bob.in_chat(GROUP_ID)
    question = await bot.reply(alice, "/quiz")
    assert "Everyone here may answer once." in question["text"]
    right, wrong = right_letters(question), wrong_letters(question)
    key = (GROUP_ID, question["message_id"])

    query = await alice.tap(question, label(right))
    assert (await bot.callback_answer(query))["text"].startswith("✅ Correct!")
    await bot.fake.wait_for(lambda: "Answers: 1 of 1 right" in bot.fake.messages[key]["text"])

    query = await bob.tap(question, label(wrong))
    assert (await bot.callback_answer(query))["text"].startswith("❌ Not quite.")
    text = await bot.fake.wait_for(
        lambda: (
            "Answers: 1 of 2 right" in bot.fake.messages[key]["text"]
            and bot.fake.messages[key]["text"]
        )
    )
    assert text.startswith(question["text"])
    assert text.endswith("Answers: 1 of 2 right\n✅ Alice Liddell\n❌ Bob")
    # the buttons stay for the rest of the group
    assert bot.fake.messages[key]["reply_markup"] == question["reply_markup"]

    # each member answered once, for themselves
    query = await alice.press(question, button_data(question, label(wrong)))
    assert "already answered" in (await bot.callback_answer(query))["text"]
    a, b = await bot.tutor.stats(alice.ref), await bot.tutor.stats(bob.ref)
    assert (a.answered, a.correct, b.answered, b.correct) == (1, 1, 1, 0)
    # nothing but the question was posted in the group: no spoilers
    assert len(bot.fake.sent(GROUP_ID)) == 1


async def test_multi_answer_group_questions_offer_combinations(
    bot: Harness, alice: Student
) -> None:
    # Group questions are drawn at random from the four; each try uses a chat of its own,
    # as Telegram (and the rate limiter) allow a group only 20 messages a minute.
    for attempt in range(60):
        group = alice.in_chat(GROUP_ID - 1 - attempt)
        question = await bot.reply(group, "/quiz")
        if "Select TWO" in question["text"]:
            break
    else:
        raise AssertionError("no multi-answer question drawn")
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["A+B", "A+C", "A+D", "B+C", "B+D", "C+D"]
    query = await group.tap(question, "+".join(right_letters(question)))
    assert (await bot.callback_answer(query))["text"].startswith("✅ Correct!")
