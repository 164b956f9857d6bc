"""/track, /reviews and /quiz TOPIC through the real Application against the fake Bot API."""

from __future__ import annotations

from tests.telegram.conftest import Harness, Student, button_data, buttons


async def test_track_lists_packs_and_a_domain_button_asks_from_that_domain(
    bot: Harness, alice: Student
) -> None:
    menu = await bot.reply(alice, "/track")
    assert "You study:" in menu["text"]
    data = [b["callback_data"] for b in buttons(menu)]
    assert any(d.startswith("k:") for d in data)  # the packs' blueprints
    assert button_data(menu, "Security") == "d:security"
    seen = len(bot.fake.sent(alice.chat_id))
    await alice.press(menu, "d:security")
    question = await bot.next_message(alice.chat_id, seen)
    assert "Security" in question["text"] and "Design" not in question["text"]


async def test_choosing_a_track_by_button_marks_it(bot: Harness, alice: Student) -> None:
    menu = await bot.reply(alice, "/track")
    chosen = next(b for b in buttons(menu) if b["callback_data"].startswith("k:"))
    query = await alice.press(menu, chosen["callback_data"])
    notice = await bot.callback_answer(query)
    assert notice["text"].startswith("You study:")
    key = chosen["callback_data"][2:]
    assert (await bot.tutor.track_of(alice.ref)).key == key


async def test_unknown_track_topic_and_cap_get_clear_messages(bot: Harness, alice: Student) -> None:
    assert "There is no track 'nope'" in (await bot.reply(alice, "/track nope"))["text"]
    unknown = await bot.reply(alice, "/quiz kubernetes")
    assert "no domain or service called 'kubernetes'" in unknown["text"]
    assert "Design, Security" in unknown["text"]
    assert "At most 5 reviews a day" in (await bot.reply(alice, "/reviews 5"))["text"]
    assert "e.g. /reviews 30" in (await bot.reply(alice, "/reviews lots"))["text"]
    assert "at most 5 reviews" in (await bot.reply(alice, "/reviews"))["text"]
