"""Slash commands through the real discord.py client against the fake Discord."""

from __future__ import annotations

from tests.discord.conftest import Harness, custom_id, right_letters, wrong_letters
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord, Member, buttons, message_text


async def test_commands_are_synced_and_a_channel_question_is_answered_by_two(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    assert {c["name"] for c in fake.commands["global"]} >= {
        "quiz", "duel", "leaderboard", "explain", "stats", "daily", "import",
    }  # fmt: skip
    asked = await fake.slash(alice, "quiz")
    question = await bot.reply(asked)
    assert not question["flags"] & EPHEMERAL  # the whole channel sees it
    assert "Everyone here may answer once" in message_text(question)
    assert asked.callbacks[0]["type"] == 5  # deferred first

    right, wrong = right_letters(question), wrong_letters(question)
    click = await fake.click(alice, question, custom_id(question, right))
    verdict = await bot.reply(click)
    assert verdict["flags"] & EPHEMERAL
    assert verdict["content"].startswith("✅ Correct")
    click = await fake.click(bob, question, custom_id(question, wrong))
    assert (await bot.reply(click))["content"].startswith("❌ Not quite")
    await fake.wait_for(lambda: "Bob" in fake.messages[question["id"]]["content"])
    assert "Alice" in fake.messages[question["id"]]["content"]
    assert buttons(fake.messages[question["id"]])  # still open for the others

    again = await fake.click(alice, question, custom_id(question, wrong))
    notice = await bot.reply(again)
    assert notice["flags"] & EPHEMERAL and "already answered" in notice["content"]
