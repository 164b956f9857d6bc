"""👍 Sure / 🤔 Unsure on Discord: under the feedback of a right answer of the member's own,
answered privately with the core's note; a second click, another member's click and a forged
id get the core's clear message and change nothing."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.models import Attempt
from tests.discord.conftest import Harness, custom_id, right_letters, wrong_letters
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord, Json, Member, labels
from tests.discord.test_reports import answered, own_quiz

SURE, UNSURE = "👍 Sure", "🤔 Unsure"


async def said(bot: Harness, ask_id: int) -> str | None:
    """What the member said about their answer to the ask (None: nothing yet)."""
    async with bot.app.engine.connect() as conn:
        return await conn.scalar(select(Attempt.confidence).where(Attempt.ask_id == ask_id))


def ask_of(feedback: Json) -> int:
    return int(next(b for b in feedback["components"][0]["components"])["custom_id"].split(":")[1])


async def test_unsure_after_a_right_answer_is_noted_once_and_privately(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    feedback = await answered(bot, alice, await own_quiz(bot, alice))
    assert labels(feedback)[:2] == [SURE, UNSURE] and labels(feedback)[-1] == "⚑ Report"

    unsure = await fake.click_label(alice, feedback, UNSURE)
    assert await bot.notice(unsure) == "Noted: unsure. Its concepts come back sooner."
    again = await fake.click_label(alice, feedback, SURE)  # once per answer
    assert await bot.notice(again) == "Already noted for this answer (once per answer)."
    assert await said(bot, ask_of(feedback)) == "unsure"
    assert labels(fake.messages[feedback["id"]])[:2] == [SURE, UNSURE]  # nothing edited


async def test_sure_is_noted(bot: Harness, fake: FakeDiscord, alice: Member) -> None:
    feedback = await answered(bot, alice, await own_quiz(bot, alice))
    assert await bot.notice(await fake.click_label(alice, feedback, SURE)) == "Noted: sure."
    assert await said(bot, ask_of(feedback)) == "sure"


async def test_a_wrong_answer_has_no_sure_buttons(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    question = await own_quiz(bot, alice)
    click = await fake.click(alice, question, custom_id(question, wrong_letters(question)))
    feedback = await bot.reply(click)
    assert feedback["flags"] & EPHEMERAL and SURE not in labels(feedback)
    ask = custom_id(question, right_letters(question)).split(":")[1]
    forged = await fake.click(alice, feedback, f"cf:{ask}:u")  # not on the message: forged
    assert "for right answers" in await bot.notice(forged)
    assert await said(bot, int(ask)) is None


async def test_another_members_click_or_a_forged_id_changes_nothing(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    feedback = await answered(bot, alice, await own_quiz(bot, alice))
    refused = await bot.notice(await fake.click_label(bob, feedback, UNSURE))
    assert refused.startswith("That button is not for an answer of yours")
    message = {"id": "1", "channel_id": feedback["channel_id"], "components": []}
    for forged in ("cf:999999:u", "cf:99999999999999999:s"):
        notice = await bot.notice(await fake.click(alice, message, forged))
        assert notice.startswith("That button is not for an answer of yours")
    assert await said(bot, ask_of(feedback)) is None
    mine = await fake.click_label(alice, feedback, UNSURE)  # still Alice's to say
    assert await bot.notice(mine) == "Noted: unsure. Its concepts come back sooner."
