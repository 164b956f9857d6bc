"""Question -> answer -> explanation, and every way a button press must not score twice."""

from __future__ import annotations

from tests.telegram.conftest import (
    Harness,
    Student,
    ask_id_of,
    button_data,
    buttons,
    right_letters,
    wrong_letters,
)
from tests.telegram.fake_bot_api import Json


async def test_single_answer_flow(bot: Harness, alice: Student) -> None:
    question = await bot.quiz_until(alice, multi=False)
    right = right_letters(question)
    seen = len(bot.fake.sent(alice.chat_id))
    query = await alice.tap(question, right)

    assert (await bot.callback_answer(query))["text"].startswith("✅ Correct!")
    follow_up = await bot.explained(alice, question)
    # one edit of the question: the question, then verdict, explanation, each option's why,
    # and Next / Explain buttons in place of the letters; no second message
    # ... without the "tap the letter" hint, which is over once answered
    hint = "Tap the letter of your answer."
    assert question["text"].strip().endswith(hint)
    assert follow_up["question_text"].strip() == question["text"].strip().removesuffix(hint).strip()
    assert len(bot.fake.sent(alice.chat_id)) == seen
    edits = bot.fake.calls_to("editMessageText", alice.chat_id)
    assert len([c for c in edits if c.params["message_id"] == question["message_id"]]) == 1
    text = follow_up["text"]
    # the answer by letter and its first words
    assert text.startswith(f"✅ Correct! The answer is {right} (“")
    for letter in "ABC"[: len(buttons(question))]:
        assert f"\n{letter} " in text
    assert f"{right} ✅ (your pick): " in text
    labels = [b["text"] for b in buttons(follow_up)]
    assert labels[0] == "Next question"
    assert any(label.startswith("Explain ") for label in labels[1:])

    # Next question
    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(follow_up, "Next question"))
    next_question = await bot.next_message(alice.chat_id, seen)
    assert ask_id_of(next_question) != ask_id_of(question)

    # Explain <concept>
    explain = next(label for label in labels if label.startswith("Explain "))
    seen = len(bot.fake.sent(alice.chat_id))
    await alice.tap(follow_up, explain)
    card = await bot.next_message(alice.chat_id, seen)
    assert explain.removeprefix("Explain ") in card["text"]

    stats = await bot.tutor.stats(alice.ref)
    assert (stats.answered, stats.correct) == (1, 1)


async def test_a_wrong_answer_shows_the_right_one(bot: Harness, alice: Student) -> None:
    question = await bot.quiz_until(alice, multi=False)
    right, wrong = right_letters(question), wrong_letters(question)
    follow_up = await bot.answer(alice, question, wrong)
    assert follow_up["text"].startswith(f"❌ Not quite. You chose {wrong} (“")
    assert f"”); the answer is {right} (“" in follow_up["text"]
    assert f"{wrong} ❌ (your pick): " in follow_up["text"]
    stats = await bot.tutor.stats(alice.ref)
    assert (stats.answered, stats.correct) == (1, 0)


async def toggle(bot: Harness, student: Student, question: Json, label: str) -> Json:
    """Tap a letter of a multi-answer question; the message as it reads after the redraw."""
    key = (student.chat_id, question["message_id"])
    before = bot.fake.messages[key].get("reply_markup")
    query = await student.tap(question, label)
    assert (await bot.callback_answer(query)).get("text") is None
    return dict(  # type: ignore[no-any-return]
        await bot.fake.wait_for(
            lambda: bot.fake.messages[key].get("reply_markup") != before and bot.fake.messages[key]
        )
    )


async def test_multi_answer_flow_toggles_then_submits(bot: Harness, alice: Student) -> None:
    question = await bot.quiz_until(alice, multi=True)
    first, second = tuple(right_letters(question))
    assert "Select TWO" in question["text"]

    # Submit before picking anything: a notice, nothing scored
    query = await alice.tap(question, "Submit")
    assert "Tap the letters" in (await bot.callback_answer(query))["text"]

    picked = await toggle(bot, alice, question, first)
    assert f"☑️ {first}" in [b["text"] for b in buttons(picked)]
    # Submit with one of two picks: the core's BadAnswer, nothing scored
    query = await alice.tap(picked, f"Submit {first}")
    assert "needs exactly 2 letters" in (await bot.callback_answer(query))["text"]
    assert (await bot.tutor.stats(alice.ref)).answered == 0

    # a pick can be taken back
    other = wrong_letters(question)[0]
    picked = await toggle(bot, alice, picked, other)
    picked = await toggle(bot, alice, picked, f"☑️ {other}")
    picked = await toggle(bot, alice, picked, second)
    assert button_data(picked, f"Submit {first}{second}") == (
        f"a:{ask_id_of(question)}:{first}{second}"
    )
    # two of two picked: a third tick is refused with a toast, the keyboard stays
    key = (alice.chat_id, question["message_id"])
    before = bot.fake.messages[key].get("reply_markup")
    query = await alice.tap(picked, other)
    toast = (await bot.callback_answer(query))["text"]
    assert "exactly TWO" in toast and "Untick one first" in toast
    assert bot.fake.messages[key].get("reply_markup") == before

    query = await alice.tap(picked, f"Submit {first}{second}")
    assert (await bot.callback_answer(query))["text"].startswith("✅ Correct!")
    follow_up = await bot.explained(alice, question)
    assert follow_up["text"].startswith(f"✅ Correct! The answer is {first} (“")
    assert f"”) and {second} (“" in follow_up["text"]
    assert [b["text"] for b in buttons(follow_up)][0] == "Next question"  # letters gone
    stats = await bot.tutor.stats(alice.ref)
    assert (stats.answered, stats.correct) == (1, 1)


async def test_a_double_press_scores_once(bot: Harness, alice: Student) -> None:
    question = await bot.quiz_until(alice, multi=False)
    right = right_letters(question)
    seen = len(bot.fake.sent(alice.chat_id))
    first = await alice.tap(question, right)
    second = await alice.tap(question, right)  # the same button, delivered twice
    notices = [(await bot.callback_answer(q))["text"] for q in (first, second)]
    assert notices[0].startswith("✅ Correct!")
    assert notices[1] == "You already answered this question; it was scored once."
    await bot.explained(alice, question)
    await bot.reply(alice, "/help")  # a later update is processed: no second feedback came
    edits = bot.fake.calls_to("editMessageText", alice.chat_id)
    assert len([c for c in edits if c.params["message_id"] == question["message_id"]]) == 1
    assert len(bot.fake.sent(alice.chat_id)) == seen + 1  # /help's reply only
    stats = await bot.tutor.stats(alice.ref)
    assert (stats.answered, stats.correct) == (1, 1)


async def test_a_stale_button_scores_nothing(bot: Harness, alice: Student) -> None:
    question = await bot.quiz_until(alice, multi=False)
    await bot.answer(alice, question, right_letters(question))
    # an old client still shows the buttons of the answered question
    query = await alice.tap(question, wrong_letters(question))
    assert "already answered" in (await bot.callback_answer(query))["text"]

    multi = await bot.quiz_until(alice, multi=True)
    picked = await toggle(bot, alice, multi, right_letters(multi)[0])
    answered = await bot.answer(alice, multi, right_letters(multi))
    assert not any(b["text"].startswith("Submit") for b in buttons(answered))
    query = await alice.tap(picked, right_letters(multi)[1])  # a toggle an old client shows
    assert "closed" in (await bot.callback_answer(query))["text"]
    stats = await bot.tutor.stats(alice.ref)
    assert (stats.answered, stats.correct) == (2, 2)


async def test_forged_callback_data_is_refused(bot: Harness, alice: Student, bob: Student) -> None:
    question = await bot.quiz_until(alice, multi=False)
    alice_ask = ask_id_of(question)
    bobs = await bot.reply(bob, "/quiz")
    for data, notice in (
        ("garbage", "That button is not one of mine"),
        ("a:1:Z", "That button is not one of mine"),
        ("a:" + "9" * 70, "That button is not one of mine"),
        ("a:999999:A", "That question is no longer available"),
        (f"a:{alice_ask}:A", "That question was asked to someone else"),
        ("x:no-such-card", "I have no card called 'no-such-card'"),
        (f"t:{alice_ask}:AB", "That question is closed"),  # Bob's keyboard is not Alice's ask
    ):
        query = await bob.press(bobs, data)
        assert notice in (await bot.callback_answer(query))["text"], data
    # letters the question does not have
    query = await alice.press(question, f"a:{alice_ask}:F")
    assert "F is not an option here" in (await bot.callback_answer(query))["text"]
    for student in (alice, bob):
        assert (await bot.tutor.stats(student.ref)).answered == 0


async def test_buttons_survive_a_restart(bot: Harness, alice: Student) -> None:
    single = await bot.quiz_until(alice, multi=False)
    multi = await bot.quiz_until(alice, multi=True)
    first, second = tuple(right_letters(multi))
    picked = await toggle(bot, alice, multi, first)

    await bot.restart()  # a new Application and core on the same database

    follow_up = await bot.answer(alice, single, right_letters(single))
    assert follow_up["text"].startswith("✅ Correct!")
    picked = await toggle(bot, alice, picked, second)  # the pick made before the restart holds
    await alice.tap(picked, f"Submit {first}{second}")
    assert (await bot.explained(alice, multi))["text"].startswith("✅ Correct!")
    stats = await bot.tutor.stats(alice.ref)
    assert (stats.answered, stats.correct) == (2, 2)
