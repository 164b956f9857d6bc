"""⚑ Report on Discord (two clicks, then an optional line in a form), /quiz in a DM while a
question is open (say so, offer to skip it), and the daily report summary to DISCORD_ADMINS."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.discord.reporting import admin_sender
from bot.config import SettingsError, load_settings
from bot.reports import DIGEST_HOUR_UTC, ReportDigest, to_each
from tests.discord.conftest import ADMIN_ID, Harness, custom_id, right_letters
from tests.discord.fake_discord import (
    EPHEMERAL,
    FakeDiscord,
    Json,
    Member,
    buttons,
    labels,
    message_text,
)


async def own_quiz(bot: Harness, member: Member) -> Json:
    """/quiz in the member's DM with the bot: their own question (or the open notice)."""
    channel = bot.fake.dm_channel(member)
    return await bot.reply(await bot.fake.slash(member, "quiz", channel_id=channel))


async def answered(bot: Harness, member: Member, question: Json) -> Json:
    """The feedback for answering the question right."""
    click = await bot.fake.click(member, question, custom_id(question, right_letters(question)))
    return await bot.reply(click)


async def reported(bot: Harness, member: Member, feedback: Json, reason: str) -> Json:
    """Click ⚑ Report under the feedback, then the reason: the prompt, once thanked."""
    prompt = await bot.reply(await bot.fake.click_label(member, feedback, "⚑ Report"))
    assert prompt["flags"] & EPHEMERAL and "What is wrong" in message_text(prompt)
    assert labels(prompt) == ["Wrong answer", "Unclear", "Outdated", "Typo"]
    await bot.fake.click_label(member, prompt, reason)
    return await bot.fake.edited(prompt, lambda m: "Report #" in message_text(m))


async def test_report_a_question_in_two_clicks_then_add_a_line(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    question = await own_quiz(bot, alice)
    feedback = await answered(bot, alice, question)
    assert feedback["flags"] & EPHEMERAL and labels(feedback)[-1] == "⚑ Report"

    thanked = await reported(bot, alice, feedback, "Unclear")
    assert labels(thanked) == ["Add a line"]  # the reasons are gone: one report per click
    (row,) = await bot.app.reports.recent()
    assert (row.reason, row.note, row.pack) == ("unclear", "", "mini")
    assert row.reporter.startswith("Alice")

    form = await fake.click_label(alice, thanked, "Add a line")
    await fake.wait_acknowledged(form)
    assert form.callbacks[0]["type"] == 9  # the form is the answer to the click
    sent = await fake.submit(alice, form, "Option B and C say the same thing")
    assert "Added to your report" in await bot.notice(sent)
    (row,) = await bot.app.reports.recent()
    assert row.note == "Option B and C say the same thing"


async def test_a_forged_reason_ask_or_report_stores_nothing(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    question = await own_quiz(bot, alice)
    ask = buttons(question)[0]["custom_id"].split(":")[1]
    message = {"id": "1", "channel_id": question["channel_id"], "components": []}
    assert "not a reason" in await bot.notice(await fake.click(alice, message, f"rr:{ask}:spam"))
    assert "no longer available" in await bot.notice(
        await fake.click(alice, message, "rr:999999:typo")
    )
    assert await bot.app.reports.recent() == []

    feedback = await answered(bot, alice, question)
    thanked = await reported(bot, alice, feedback, "Typo")
    form = await fake.click_label(bob, thanked, "Add a line")  # not Bob's report
    refused = await bot.notice(await fake.submit(bob, form, "spam"))
    assert "could not find that report of yours" in refused
    (row,) = await bot.app.reports.recent()
    assert row.note == ""


async def test_quiz_in_a_dm_while_a_question_is_open_offers_to_skip_it(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    first = await own_quiz(bot, alice)
    assert labels(first)[0] in ("A", "A+B")
    notice = await own_quiz(bot, alice)
    assert message_text(notice).startswith("You still have a question open")
    assert labels(notice) == ["Skip it, new question"]

    skip = await fake.click_label(alice, notice, "Skip it, new question")
    second = await bot.reply(skip)
    assert buttons(second)[0]["custom_id"] != buttons(first)[0]["custom_id"]
    skipped = fake.messages[notice["id"]]
    assert "kept as skipped" in message_text(skipped) and not buttons(skipped)
    # the skipped question is kept: it can still be answered from its message
    feedback = await answered(bot, alice, first)
    assert message_text(feedback).startswith("✅ Correct!")
    closed = await fake.edited(first, lambda m: "Answered" in message_text(m))
    assert not buttons(closed)  # answered: its buttons go


async def test_a_group_quiz_needs_a_server_channel(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    channel = fake.dm_channel(alice)
    rounds = [{"name": "rounds", "type": 4, "value": 3}]
    record = await fake.slash(alice, "quiz", rounds, channel_id=channel)
    assert "server channel" in await bot.notice(record)


async def test_the_daily_summary_of_reports_reaches_discord_admins(
    bot: Harness, fake: FakeDiscord, alice: Member, admin: Member
) -> None:
    question = await own_quiz(bot, alice)
    feedback = await answered(bot, alice, question)
    await reported(bot, alice, feedback, "Outdated")

    assert bot.client is not None
    send = to_each([admin_sender(bot.client, frozenset({ADMIN_ID}))])
    morning = datetime.now(UTC).replace(hour=DIGEST_HOUR_UTC, minute=5)
    await ReportDigest(bot.app.reports, send).tick(morning)
    (summary,) = await fake.wait_for(lambda: fake.dms(ADMIN_ID))
    assert "1 question report(s)" in message_text(summary) and "Outdated" in message_text(summary)
    await ReportDigest(bot.app.reports, send).tick(morning)  # once a day, however many ticks
    assert len(fake.dms(ADMIN_ID)) == 1


def test_discord_admins_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_ADMINS", "11, 22")
    assert load_settings().discord_admin_ids == frozenset({11, 22})
    monkeypatch.setenv("DISCORD_ADMINS", "11,@ada")
    with pytest.raises(SettingsError, match="DISCORD_ADMINS: '@ada' is not a numeric Discord"):
        load_settings()
