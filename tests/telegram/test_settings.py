"""/settings through the real Application against the fake Bot API, as a phone user taps it:
one message, each button opening its choices in place, each choice shown as the new value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.telegram.callbacks import ChooseTrack, Setting, parse
from bot import settings_view
from bot.content.importer import import_paths
from tests.telegram.conftest import GROUP_ID, Harness, Student, button_data, buttons
from tests.telegram.fake_bot_api import Json

MULTIPACK = Path(__file__).parent.parent / "data" / "multipack"
OUT_OF_DATE = "This menu is out of date"


def labels(message: Json) -> list[str]:
    return [b["text"] for b in buttons(message)]


async def open_settings(bot: Harness, student: Student) -> tuple[Json, tuple[int, int]]:
    message = await bot.reply(student, "/settings")
    return message, (student.chat_id, message["message_id"])


async def tap_and_wait(
    bot: Harness, student: Student, key: tuple[int, int], label: str
) -> tuple[str, Json]:
    """Tap a button of the message as it reads now: the toast, and the message after the
    edit that follows it (every tap here edits the settings message, or tries to)."""
    before = dict(bot.fake.messages[key])
    edits = len(bot.fake.calls_to("editMessageText"))
    notice = await bot.callback_answer(await student.tap(before, label))
    await bot.fake.wait_for(lambda: len(bot.fake.calls_to("editMessageText")) > edits)
    return notice.get("text", ""), bot.fake.messages[key]


def as_replied(message: Json) -> Json:
    """A message as a reply carries it: Telegram echoes only inline keyboards."""
    return {k: v for k, v in message.items() if k != "reply_markup"}


async def press_on(student: Student, snapshot: Json, data: str) -> str:
    """A press that carries `snapshot` as the message (a double tap: both presses left the
    phone before the first one's edit arrived)."""
    query_id = student.fake.next_query_id()
    payload: dict[str, Any] = {
        "id": query_id,
        "from": student.user(),
        "chat_instance": f"ci-{student.chat_id}",
        "message": dict(snapshot),
        "data": data,
    }
    await student.fake.push("callback_query", payload)
    return query_id


async def test_settings_show_every_value_and_the_review_cap_changes_in_place(
    bot: Harness, alice: Student
) -> None:
    message, key = await open_settings(bot, alice)
    daily = await bot.tutor.daily_setting(alice.ref)
    assert message["text"].splitlines() == [
        "⚙️ Your settings",
        f"Daily question: {daily.time} ({daily.timezone})",
        "Reviews a day: at most 30",
        "Track: A tiny test pack",
    ]
    assert labels(message) == [
        "🕗 Time", "🌍 Time zone", "🔁 Reviews a day", "📚 Track", "🔕 Daily question off",
    ]  # fmt: skip

    notice, menu = await tap_and_wait(bot, alice, key, "🔁 Reviews a day")
    assert labels(menu) == ["10", "20", "✅ 30", "50", "No cap", "‹ Back"]
    assert "How many spaced-repetition reviews a day" in menu["text"]
    assert "Reviews a day: at most 30" in menu["text"]  # the values stay in sight

    notice, shown = await tap_and_wait(bot, alice, key, "20")
    assert notice == "Reviews a day: at most 20"
    assert "Reviews a day: at most 20" in shown["text"] and "📚 Track" in labels(shown)
    assert (await bot.tutor.user(alice.ref)).review_cap == 20

    await tap_and_wait(bot, alice, key, "🔁 Reviews a day")
    notice, shown = await tap_and_wait(bot, alice, key, "No cap")
    assert "Reviews a day: no cap" in shown["text"]
    assert (await bot.tutor.user(alice.ref)).review_cap == settings_view.REVIEW_CHOICES[-1]

    await tap_and_wait(bot, alice, key, "🔁 Reviews a day")
    notice, shown = await tap_and_wait(bot, alice, key, "‹ Back")
    assert labels(shown)[0] == "🕗 Time" and "no cap" in shown["text"]


async def test_time_picker_and_daily_off_and_on(bot: Harness, alice: Student) -> None:
    _message, key = await open_settings(bot, alice)
    zone = (await bot.tutor.daily_setting(alice.ref)).timezone
    _notice, picker = await tap_and_wait(bot, alice, key, "🕗 Time")
    assert f"Times are in {zone}" in picker["text"]
    assert "20:00" in labels(picker) and labels(picker)[-1] == "‹ Back"

    notice, shown = await tap_and_wait(bot, alice, key, "20:00")
    assert notice == f"Daily question at 20:00 ({zone})"
    assert f"Daily question: 20:00 ({zone})" in shown["text"]

    notice, shown = await tap_and_wait(bot, alice, key, "🔕 Daily question off")
    assert notice.startswith("Daily question off")
    assert f"Daily question: off (zone {zone})" in shown["text"]
    assert labels(shown)[-1] == "🔔 Daily question on"
    assert not (await bot.tutor.daily_setting(alice.ref)).enabled

    notice, shown = await tap_and_wait(bot, alice, key, "🔔 Daily question on")
    assert notice == f"Daily question on: 20:00 ({zone})"  # the time it had
    setting = await bot.tutor.daily_setting(alice.ref)
    assert (setting.enabled, setting.time) == (True, "20:00")


async def test_stale_buttons_and_double_taps_change_nothing(bot: Harness, alice: Student) -> None:
    main, key = await open_settings(bot, alice)
    await tap_and_wait(bot, alice, key, "🔁 Reviews a day")
    submenu = dict(bot.fake.messages[key])

    # both taps of a double tap carry the sub-menu: the second finds 20 already set
    first = await press_on(alice, submenu, button_data(submenu, "20"))
    assert (await bot.callback_answer(first))["text"] == "Reviews a day: at most 20"
    second = await press_on(alice, submenu, button_data(submenu, "20"))
    assert (await bot.callback_answer(second))["text"] == "Reviews a day: already at most 20."
    assert (await bot.tutor.user(alice.ref)).review_cap == 20

    # a button the message no longer shows (the sub-menu's, now the settings are back)
    before = dict(bot.fake.messages[key])
    stale = await alice.press(before, button_data(submenu, "50"))
    assert (await bot.callback_answer(stale))["text"].startswith(OUT_OF_DATE)
    assert (await bot.tutor.user(alice.ref)).review_cap == 20
    assert bot.fake.messages[key] == before

    # turning off what is off: told, nothing written
    await tap_and_wait(bot, alice, key, "🔕 Daily question off")
    old_switch = await press_on(alice, main, button_data(main, "🔕 Daily question off"))
    assert (await bot.callback_answer(old_switch))["text"] == "Your daily question is already off."

    # forged or unknown settings data is not a button of ours
    forged = await alice.press(before, "s:d")
    assert "not one of mine" in (await bot.callback_answer(forged))["text"]


async def test_zone_by_a_typed_city_then_by_a_shared_location(bot: Harness, alice: Student) -> None:
    _message, key = await open_settings(bot, alice)
    _notice, zone_menu = await tap_and_wait(bot, alice, key, "🌍 Time zone")
    assert "Share your location" in zone_menu["text"]
    assert labels(zone_menu) == ["📍 Share location", "⌨️ Type my city", "‹ Back"]

    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(zone_menu, "⌨️ Type my city"))
    prompt = await bot.next_message(alice.chat_id, seen)
    assert prompt["text"] == settings_view.CITY_PROMPT
    assert prompt["reply_markup"]["force_reply"] is True

    retry = await bot.reply(alice, "Atlantis", reply_to=as_replied(prompt))
    assert "I do not know the place 'Atlantis'" in retry["text"]
    assert retry["text"].endswith("\n\nWhich city are you in?")  # asked again, nothing changed
    assert retry["reply_markup"]["force_reply"] is True
    assert (await bot.tutor.daily_setting(alice.ref)).timezone != "America/New_York"
    stray = await bot.reply(alice, "Lisbon")  # not a reply to the prompt: not taken as a city
    assert "Tap a button under a question" in stray["text"]

    reply = await bot.reply(alice, "new york", reply_to=as_replied(retry))
    assert reply["text"].startswith("Time zone: America/New_York. Your daily question comes")
    shown = await bot.fake.wait_for(
        lambda: "New_York" in bot.fake.messages[key]["text"] and bot.fake.messages[key]
    )
    assert "Daily question:" in shown["text"] and labels(shown)[0] == "🕗 Time"

    # the location: the daily question stays off when it was off
    await tap_and_wait(bot, alice, key, "🔕 Daily question off")
    await tap_and_wait(bot, alice, key, "🌍 Time zone")
    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(bot.fake.messages[key], "📍 Share location"))
    ask = await bot.next_message(alice.chat_id, seen)
    assert ask["reply_markup"]["keyboard"][0][0]["request_location"] is True
    seen = len(bot.fake.sent(alice.chat_id))
    await alice.share_location(-23.55, -46.63)
    reply = await bot.next_message(alice.chat_id, seen)
    assert reply["text"] == (
        "Time zone: America/Sao_Paulo. Your daily question is off: /settings turns it on."
    )
    assert reply["reply_markup"] == {"remove_keyboard": True}
    await bot.fake.wait_for(lambda: "Sao_Paulo" in bot.fake.messages[key]["text"])
    assert not (await bot.tutor.daily_setting(alice.ref)).enabled


async def test_track_from_settings(bot: Harness, alice: Student) -> None:
    assert bot.core is not None
    await import_paths(bot.core.engine, [MULTIPACK])
    bot.tutor.forget_bank()
    _message, key = await open_settings(bot, alice)
    _notice, menu = await tap_and_wait(bot, alice, key, "📚 Track")
    assert labels(menu) == ["✅ A tiny test pack", "The new exam", "The old exam", "‹ Back"]

    notice, shown = await tap_and_wait(bot, alice, key, "The old exam")
    assert notice == "You study: The old exam"
    assert "Track: The old exam" in shown["text"]
    assert (await bot.tutor.track_of(alice.ref)).key == "multi/old-exam"

    await tap_and_wait(bot, alice, key, "📚 Track")
    notice, _shown = await tap_and_wait(bot, alice, key, "✅ The old exam")
    assert notice == "You already study The old exam."


async def test_settings_are_for_the_private_chat(bot: Harness, alice: Student) -> None:
    reply = await bot.reply(alice.in_chat(GROUP_ID), "/settings")
    assert "send /settings in our private chat" in reply["text"]


def test_settings_callback_data() -> None:
    for action in (
        Setting(),
        Setting("t"),
        Setting("t", "0730"),
        Setting("z", "c"),
        Setting("r", "500"),
        Setting("k", "saa/exam"),
        Setting("d", "off"),
    ):
        assert parse(action.data()) == action
    assert Setting("t", "0730").time == "07:30"
    for forged in ("s:d", "s:t:2460", "s:r:x", "s:z:q", "s:k:nope", "s:x"):
        assert parse(forged) is None
    assert parse("sk:12") != Setting("k", "12")  # skip keeps its own prefix
    assert ChooseTrack("saa/exam").data() == "tr:saa/exam"
