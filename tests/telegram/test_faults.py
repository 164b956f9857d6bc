"""Blocked users, flood control, dropped connections, and the token kept out of the logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from bot.store.models import Attempt
from tests.telegram.conftest import (
    TOKEN,
    Harness,
    Student,
    ask_id_of,
    bot_settings,
)
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.waiting import eventually


async def test_a_blocked_user_is_marked_inactive(bot: Harness, alice: Student) -> None:
    await bot.reply(alice, "/start")
    bot.fake.block(alice.chat_id)
    await alice.say("/quiz")
    await bot.fake.wait_for(lambda: any(c.status == 403 for c in bot.fake.calls))

    async def inactive() -> bool:
        return not (await bot.tutor.daily_setting(alice.ref)).enabled

    await eventually(inactive)
    # nothing more was tried for that chat: no apology after a 403
    assert [c.status for c in bot.fake.calls_to("sendMessage", alice.chat_id)] == [200, 403]


async def test_blocking_and_unblocking_via_my_chat_member(bot: Harness, alice: Student) -> None:
    await bot.reply(alice, "/daily 08:00")

    async def member_update(old: str, new: str) -> None:
        bot_user = {"id": 7000, "is_bot": True, "first_name": "SAA Tutor"}
        await bot.fake.push(
            "my_chat_member",
            {
                "chat": {"id": alice.chat_id, "type": "private", "first_name": "Alice"},
                "from": alice.user(),
                "date": 0,
                "old_chat_member": {"status": old, "user": bot_user, "until_date": 0},
                "new_chat_member": {"status": new, "user": bot_user, "until_date": 0},
            },
        )

    async def enabled() -> bool:
        return (await bot.tutor.daily_setting(alice.ref)).enabled

    async def disabled() -> bool:
        return not await enabled()

    await member_update("member", "kicked")
    await eventually(disabled)
    await member_update("kicked", "member")
    await eventually(enabled)


async def test_retry_after_is_waited_out_and_the_message_delivered(
    bot: Harness, alice: Student
) -> None:
    bot.fake.retry_after_once("sendMessage", seconds=1)
    reply = await bot.reply(alice, "/help")
    assert "/quiz" in reply["text"]
    assert [c.status for c in bot.fake.calls_to("sendMessage", alice.chat_id)] == [429, 200]


async def test_a_dropped_connection_is_retried(bot: Harness, alice: Student) -> None:
    bot.fake.drop_once("sendMessage")
    reply = await bot.reply(alice, "/help")
    assert "/quiz" in reply["text"]
    assert [c.status for c in bot.fake.calls_to("sendMessage", alice.chat_id)] == [0, 200]


async def test_an_unexpected_error_gets_a_short_apology(bot: Harness, alice: Student) -> None:
    question = await bot.reply(alice, "/quiz")
    assert bot.core is not None
    async with bot.core.engine.begin() as conn:  # the database loses a table
        await conn.execute(text(f"DROP TABLE {Attempt.__tablename__}"))
    query = await alice.press(question, f"a:{ask_id_of(question)}:A")
    notice = (await bot.callback_answer(query))["text"]
    assert notice == "Sorry, something went wrong on my side. Please try again in a moment."


async def test_the_token_never_reaches_the_logs(
    db_url: str, fake: FakeBotAPI, alice: Student, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    harness = Harness(fake, bot_settings(db_url, fake.url))
    await harness.start()
    try:
        fake.drop_once("sendMessage")
        await harness.reply(alice, "/help")
        await harness.reply(alice, "/quiz")
    finally:
        await harness.stop()
    assert caplog.records
    assert any("[REDACTED]" in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
