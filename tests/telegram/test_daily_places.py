"""/daily with a city name, a time picker, and a shared location (time zone found offline)."""

from __future__ import annotations

import pytest

from bot.errors import BadSetting
from bot.schedule_setting import parse_zone, split_daily, zone_at
from tests.telegram.conftest import Harness, Student, buttons


@pytest.mark.parametrize(
    ("place", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("europe/berlin", "Europe/Berlin"),
    ],
)
def test_city_names_that_name_one_zone(place: str, zone: str) -> None:
    assert parse_zone(place) == zone


def test_unknown_places_are_explained_with_examples() -> None:
    with pytest.raises(BadSetting, match="Berlin, New York or Sao Paulo"):
        parse_zone("Atlantis")


def test_split_daily_words() -> None:
    assert split_daily(["08:30", "New", "York"]) == ("08:30", "New York")
    assert split_daily(["New", "York", "8:30"]) == ("8:30", "New York")
    assert split_daily(["Berlin"]) == (None, "Berlin")
    assert split_daily(["07:00"]) == ("07:00", None)
    assert split_daily(["7:5", "Berlin"]) == ("7:5", "Berlin")  # a time, badly written
    assert split_daily(["0830"]) == ("0830", None)


def test_zone_at_a_location() -> None:
    assert zone_at(52.52, 13.40) == "Europe/Berlin"
    assert zone_at(-23.55, -46.63) == "America/Sao_Paulo"
    with pytest.raises(BadSetting):
        zone_at(123.0, 0.0)


async def test_daily_with_a_city_then_the_picker_then_a_location(
    bot: Harness, alice: Student
) -> None:
    reply = await bot.reply(alice, "/daily 07:45 New York")
    assert "07:45 (America/New_York)" in reply["text"]
    reply = await bot.reply(alice, "/daily Berlin")  # the zone only: the time stays
    assert "07:45 (Europe/Berlin)" in reply["text"]

    picker = await bot.reply(alice, "/daily")
    labels = [b["text"] for b in buttons(picker)]
    assert "08:00" in labels and labels[-1] == "📍 Use my location"
    key = (alice.chat_id, picker["message_id"])
    await bot.callback_answer(await alice.tap(picker, "20:00"))
    edited = await bot.fake.wait_for(
        lambda: "20:00" in bot.fake.messages[key]["text"] and bot.fake.messages[key]
    )
    assert "20:00 (Europe/Berlin)" in edited["text"]
    setting = await bot.tutor.daily_setting(alice.ref)
    assert (setting.enabled, setting.time, setting.timezone) == (True, "20:00", "Europe/Berlin")

    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(picker, "📍 Use my location"))
    prompt = await bot.next_message(alice.chat_id, seen)
    keyboard = prompt["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_location"] is True

    seen = len(bot.fake.sent(alice.chat_id))
    await alice.share_location(-23.55, -46.63)
    reply = await bot.next_message(alice.chat_id, seen)
    assert reply["text"] == (
        "Time zone: America/Sao_Paulo. Your daily question comes at 20:00 there."
    )
    assert reply["reply_markup"] == {"remove_keyboard": True}
