"""Games in a Telegram group, end to end on the fake Bot API: a question that closes and
reveals, a group quiz on its timer, a duel, and the leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.games.views import Venue
from tests.telegram.conftest import (
    GROUP_ID,
    Harness,
    Student,
    button_data,
    buttons,
    right_letters,
    wrong_letters,
)


def label(letters: str) -> str:
    return "+".join(letters)  # "B", or "A+C" on a multi-answer question


def later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def test_a_group_question_closes_and_reveals(
    bot: Harness, alice: Student, bob: Student
) -> None:
    alice, bob = alice.in_chat(GROUP_ID), bob.in_chat(GROUP_ID)
    question = await bot.reply(alice, "/quiz")
    assert question["text"].startswith("❓ Question for the group")
    assert "Everyone may answer once" in question["text"]
    assert [b["text"] for b in buttons(question)][-1] == "Reveal"
    right, wrong = right_letters(question), wrong_letters(question)
    key = (GROUP_ID, question["message_id"])

    query = await alice.tap(question, label(right))
    notice = (await bot.callback_answer(query))["text"]
    assert "locked in" in notice and "Correct" not in notice  # nothing spoiled
    query = await bob.tap(question, label(wrong))
    assert "locked in" in (await bot.callback_answer(query))["text"]
    query = await alice.press(question, button_data(question, label(wrong)))
    assert "already answered" in (await bot.callback_answer(query))["text"]
    assert len(bot.fake.sent(GROUP_ID)) == 1  # nothing posted before the reveal

    seen = len(bot.fake.sent(GROUP_ID))
    await bob.tap(question, "Reveal")
    reveal = await bot.next_message(GROUP_ID, seen)
    assert f"Answer: {right}" in reveal["text"] or f"Answers: {right}" in reveal["text"]
    assert "1 of 2 right" in reveal["text"]
    assert f"✅ Alice Liddell ({right}) +150 (first!)" in reveal["text"]
    assert f"❌ Bob ({wrong})" in reveal["text"]
    labels = [b["text"] for b in buttons(reveal)]
    assert labels[-1] == "Next question" and labels[0].startswith("Explain ")
    closed = await bot.fake.wait_for(
        lambda: "reply_markup" not in bot.fake.messages[key] and bot.fake.messages[key]
    )
    assert "Closed" in closed["text"]
    query = await bob.press(question, button_data(question, label(right)))
    assert "closed" in (await bot.callback_answer(query))["text"]

    a, b = await bot.tutor.stats(alice.ref), await bot.tutor.stats(bob.ref)
    assert (a.answered, a.correct, b.answered, b.correct) == (1, 1, 1, 0)
    # members met only in the group are not sent private daily questions
    assert not (await bot.tutor.user(alice.ref)).daily_enabled

    seen = len(bot.fake.sent(GROUP_ID))
    await alice.tap(reveal, "Next question")
    again = await bot.next_message(GROUP_ID, seen)
    assert again["text"].startswith("❓ Question for the group")


async def test_multi_answer_group_questions_offer_combinations(
    bot: Harness, alice: Student
) -> None:
    # Questions are drawn at random from the four; each try uses a chat of its own, as
    # Telegram (and the rate limiter) allow a group only 20 messages a minute.
    for attempt in range(60):
        group = alice.in_chat(GROUP_ID - 1 - attempt)
        question = await bot.reply(group, "/quiz")
        if "Select TWO" in question["text"]:
            break
    else:
        raise AssertionError("no multi-answer question drawn")
    labels = [b["text"] for b in buttons(question)]
    assert labels == ["A+B", "A+C", "A+D", "B+C", "B+D", "C+D", "Reveal"]
    query = await group.tap(question, "+".join(right_letters(question)))
    assert "locked in" in (await bot.callback_answer(query))["text"]


async def test_a_group_quiz_runs_on_its_timer(bot: Harness, alice: Student, bob: Student) -> None:
    alice, bob = alice.in_chat(GROUP_ID), bob.in_chat(GROUP_ID)
    first = await bot.reply(alice, "/quiz 2")
    assert "Quiz · round 1/2" in first["text"]
    await bot.callback_answer(await alice.tap(first, label(right_letters(first))))
    await bot.callback_answer(await bob.tap(first, label(wrong_letters(first))))
    assert bot.core is not None
    seen = len(bot.fake.sent(GROUP_ID))
    assert await bot.core.games.tick(later(100)) == 1  # the scheduler's tick, time passed
    reveal = await bot.next_message(GROUP_ID, seen)
    assert "time is up" in reveal["text"] and "Scores" in reveal["text"]
    assert "Next round" in reveal["text"] and "reply_markup" not in reveal

    seen = len(bot.fake.sent(GROUP_ID))
    assert await bot.core.games.tick(later(110)) == 1
    second = await bot.next_message(GROUP_ID, seen)
    assert "Quiz · round 2/2" in second["text"]
    await bot.callback_answer(await alice.tap(second, label(right_letters(second))))
    seen = len(bot.fake.sent(GROUP_ID))
    await bob.tap(second, label(right_letters(second)))  # all who joined answered: it closes
    await bot.next_message(GROUP_ID, seen)
    over = await bot.next_message(GROUP_ID, seen + 1)
    assert over["text"].startswith("🏁 Quiz over!")
    assert "1. Alice Liddell — 300 points (2 right)" in over["text"]

    board = await bot.reply(bob, "/leaderboard")
    assert "🧠 Quizzes (points)\n1. Alice Liddell — 300 (1 game)\n2. Bob — 100" in board["text"]
    assert "You: #2 with 100" in board["text"]
    assert "Nobody yet: reply to a member with /duel." in board["text"]


async def test_a_duel_in_a_group(bot: Harness, alice: Student, bob: Student) -> None:
    alice, bob = alice.in_chat(GROUP_ID), bob.in_chat(GROUP_ID)
    usage = await bot.reply(alice, "/duel")
    assert "Reply to a member's message with /duel" in usage["text"]
    hello = await bob.say("anyone up for a duel?")
    invite = await bot.reply(alice, "/duel 3", reply_to=hello)
    assert "Alice Liddell challenges Bob to 3 rounds" in invite["text"]
    assert [b["text"] for b in buttons(invite)] == ["Accept ⚔️", "Decline"]
    busy = await bot.reply(bob, "/duel", reply_to=alice.text_message("me?"))
    assert "already in a duel" in busy["text"]
    bots = await bot.reply(bob, "/duel", reply_to=invite)  # the bot's own message
    assert "Bots do not duel" in bots["text"]

    query = await alice.tap(invite, "Accept ⚔️")
    assert "for someone else" in (await bot.callback_answer(query))["text"]
    seen = len(bot.fake.sent(GROUP_ID))
    query = await bob.tap(invite, "Accept ⚔️")
    assert "Duel on" in (await bot.callback_answer(query))["text"]
    round_one = await bot.next_message(GROUP_ID, seen)
    assert "Round 1/3" in round_one["text"] and "Alice Liddell vs Bob" in round_one["text"]
    accepted = bot.fake.messages[(GROUP_ID, invite["message_id"])]
    assert "Accepted" in accepted["text"] and "reply_markup" not in accepted

    await bot.callback_answer(await alice.tap(round_one, label(right_letters(round_one))))
    await bot.restart()  # the bot restarts in the middle of the duel: its buttons still work
    seen = len(bot.fake.sent(GROUP_ID))
    await bob.tap(round_one, label(wrong_letters(round_one)))
    reveal = await bot.next_message(GROUP_ID, seen)
    assert "Round 1/3" in reveal["text"] and "✅ Alice Liddell" in reveal["text"]
    assert "Scores: Alice Liddell" in reveal["text"]

    seen = len(bot.fake.sent(GROUP_ID))
    await bob.say("/stopgame")
    stopped = await bot.next_message(GROUP_ID, seen)
    assert stopped["text"].startswith("⏹ Game stopped after 1 of 3 rounds")


async def test_group_commands_in_a_private_chat_say_where_they_work(
    bot: Harness, alice: Student
) -> None:
    for command in ("/leaderboard", "/duel", "/stopgame"):
        reply = await bot.reply(alice, command)
        assert "Games and leaderboards live in groups" in reply["text"]
    help_text = (await bot.reply(alice, "/help"))["text"]
    assert "/duel (as a reply)" in help_text


async def test_a_group_question_reveals_on_its_timer(bot: Harness, alice: Student) -> None:
    alice = alice.in_chat(GROUP_ID)
    usage = await bot.reply(alice, "/quiz lots")
    assert "/quiz N for a quiz of N rounds" in usage["text"]
    question = await bot.reply(alice, "/quiz")
    await bot.callback_answer(await alice.tap(question, label(right_letters(question))))
    assert bot.core is not None
    seen = len(bot.fake.sent(GROUP_ID))
    assert await bot.core.games.tick(later(200)) == 1
    reveal = await bot.next_message(GROUP_ID, seen)
    assert "time is up" in reveal["text"] and "1 of 1 right" in reveal["text"]
    assert [b["text"] for b in buttons(reveal)][-1] == "Next question"


async def test_a_group_that_removed_the_bot_ends_its_quiz(bot: Harness, alice: Student) -> None:
    alice = alice.in_chat(GROUP_ID)
    await bot.reply(alice, "/quiz 3")
    assert bot.core is not None
    bot.fake.block(GROUP_ID)  # every call for the group now gets 403 Forbidden
    assert await bot.core.games.tick(later(100)) == 1  # the round closes; no reveal possible
    venue = Venue("telegram", str(GROUP_ID), str(GROUP_ID))
    assert await bot.core.games.store.open_games(venue) == []
    assert await bot.core.games.tick(later(300)) == 0
