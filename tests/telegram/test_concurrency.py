"""Updates handled side by side: one chat's in order, a slow chat holding up nobody, button
presses acknowledged at once, repeats skipped, the daily push behind the replies, and a
shutdown during an outage that ends within its deadline."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from adapters.telegram import app as telegram_app
from adapters.telegram.ratelimit import BULK_PRIORITY, INTERACTIVE, PriorityBucket
from tests.telegram.conftest import Harness, Student, ask_id_of, bot_settings, right_letters
from tests.telegram.fake_bot_api import FakeBotAPI


async def test_a_slow_chat_holds_up_nobody_and_keeps_its_order(
    bot: Harness, alice: Student, bob: Student
) -> None:
    question = await bot.quiz_until(bob, multi=False)
    release = bot.fake.hold(alice.chat_id)  # Alice's replies hang, as on a slow link
    await alice.say("/help")
    await alice.say("/stats")
    await bot.fake.wait_for(lambda: bot.fake.calls_to("getUpdates") and len(bot.fake.calls) > 0)
    # Bob is served meanwhile: his button press is acknowledged, his /help answered.
    query = await bob.tap(question, right_letters(question))
    assert (await bot.callback_answer(query))["text"].startswith("✅ Correct!")
    assert "/quiz" in (await bot.reply(bob, "/help"))["text"]
    assert not bot.fake.calls_to("sendMessage", alice.chat_id)
    release.set()
    replies = await bot.fake.wait_for(
        lambda: len(bot.fake.sent(alice.chat_id)) == 2 and bot.fake.sent(alice.chat_id)
    )
    # Alice's updates ran one after the other, in the order she sent them.
    assert "Commands" in replies[0]["text"] and "No answers yet" in replies[1]["text"]


async def test_the_same_update_twice_is_answered_once(bot: Harness, alice: Student) -> None:
    update_id = await bot.fake.push("message", alice.text_message("/stats"))
    await bot.next_message(alice.chat_id, 0)
    await bot.fake.push_again(update_id)  # Telegram delivers it again
    await bot.reply(alice, "/help")  # a later update got through
    texts = [m["text"] for m in bot.fake.sent(alice.chat_id)]
    assert sum("No answers yet" in t for t in texts) == 1, texts


async def test_an_ask_id_past_32_bits_is_refused_like_any_unknown_ask(
    bot: Harness, alice: Student
) -> None:
    question = await bot.reply(alice, "/quiz")
    for ask_id in (2**31, 2**31 - 1, 10**17):
        query = await alice.press(question, f"a:{ask_id}:A")
        notice = (await bot.callback_answer(query))["text"]
        assert notice == "That question is no longer available. Send /quiz for a new one."
    assert ask_id_of(question) < 2**31
    assert not bot.fake.calls_to("sendMessage", alice.chat_id)[1:]  # no apology


async def test_any_display_name_works(bot: Harness, fake: object) -> None:
    for user_id, first, last in (
        (5005, "Nul\x00byte", ""),
        (6006, "L" * 150, "o" * 150),
        (7007, "", "\x00\x01\x02"),
    ):
        student = Student(bot.fake, user_id, first, last_name=last)
        assert "No answers yet" in (await bot.reply(student, "/stats"))["text"]
        question = await bot.reply(student, "/quiz")
        assert ask_id_of(question)


async def test_a_file_name_too_long_to_store_is_refused(bot: Harness, admin: Student) -> None:
    name = "n" * 250 + ".yaml"
    seen = len(bot.fake.sent(admin.chat_id))
    await admin.send_file(name, b"pack: saa\nquestions: []\n", caption="/import")
    reply = await bot.next_message(admin.chat_id, seen)
    assert reply["text"].startswith("Import refused: 1 problem(s); nothing was changed.")
    assert "the file name is 255 characters long; the limit is 200" in reply["text"]


# -- the send budget -----------------------------------------------------------------------
async def test_replies_are_served_before_the_daily_push() -> None:
    bucket = PriorityBucket(rate=200.0, burst=1)
    order: list[str] = []

    async def send(name: str, priority: int) -> None:
        await bucket.acquire(priority)
        order.append(name)

    await bucket.acquire()  # the bucket is empty now: everyone below waits
    bulk = [asyncio.create_task(send(f"daily{k}", BULK_PRIORITY)) for k in range(5)]
    await asyncio.sleep(0)
    replies = [asyncio.create_task(send(f"reply{k}", INTERACTIVE)) for k in range(2)]
    await asyncio.gather(*bulk, *replies)
    # The replies came after five daily sends were queued, and still went first.
    assert order == ["reply0", "reply1", "daily0", "daily1", "daily2", "daily3", "daily4"]


async def test_a_bucket_gives_no_more_than_its_rate() -> None:
    bucket = PriorityBucket(rate=100.0, burst=1)
    started = time.monotonic()
    for _ in range(21):
        await bucket.acquire()
    assert time.monotonic() - started >= 0.19  # 20 waits of 1/100 s after the first


# -- shutdown --------------------------------------------------------------------------------
async def test_shutdown_during_an_outage_ends_within_its_deadline(
    db_url: str,
    fake: FakeBotAPI,
    alice: Student,
    bob: Student,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(telegram_app, "DRAIN_SECONDS", 3.0)
    harness = Harness(fake, bot_settings(db_url, fake.url), backoff=1.0)  # as in production
    await harness.start()
    try:
        await harness.reply(alice, "/help")
        fake.outage()
        for k in range(12):  # updates that can only fail: each retries, then apologises
            await (alice if k % 2 else bob).say("/stats")
        await fake.wait_for(lambda: sum(c.status == 0 for c in fake.calls) >= 4)
    finally:
        caplog.set_level(logging.INFO, logger="adapters.telegram.app")
        started = time.monotonic()
        await harness.stop()
    took = time.monotonic() - started
    # Before: each update cost ~15 s of retries and an apology (~15 s more), in turn.
    assert took < 10.0, took  # the drain deadline is 3 s; slack for a loaded machine
    (line,) = [r.getMessage() for r in caplog.records if "telegram: stopped" in r.getMessage()]
    assert "12 apolog(ies)" in line and "12 retr(ies) not delivered" in line, line
