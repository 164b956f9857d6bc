"""/settings on Discord: one ephemeral message with a track select and buttons; each change
edits it to show the new value; the zone is typed in a form; stale and forged clicks get the
core's clear notice and change nothing."""

from __future__ import annotations

from pathlib import Path

from adapters.discord.people import PLATFORM
from bot import labels as bot_labels
from bot import settings_view
from bot.content.importer import import_paths
from bot.views import UserRef
from tests.discord.conftest import Harness
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord, Json, Member, labels, message_text

MULTIPACK = Path(__file__).parent.parent / "data" / "multipack"
CAPS = ["10", "20", "30", "50", "No cap"]


def ref_of(member: Member) -> UserRef:
    return UserRef(PLATFORM, str(member.id), member.name)


async def open_settings(bot: Harness, member: Member) -> Json:
    menu = await bot.reply(await bot.fake.slash(member, "settings"))
    assert menu["flags"] & EPHEMERAL
    return menu


async def click_and_wait(bot: Harness, member: Member, menu: Json, label: str, shows: str) -> Json:
    """Click a button of the settings message; the message once it shows `shows`."""
    await bot.fake.click_label(member, menu, label)
    return await bot.fake.edited(menu, lambda m: shows in message_text(m))


def select_of(message: Json) -> Json:
    (select,) = [c for row in message["components"] for c in row["components"] if c["type"] == 3]
    return select


async def test_settings_show_buttons_and_a_review_cap_click_edits_them(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    menu = await open_settings(bot, alice)
    text = message_text(menu)
    assert text.startswith("Your settings\nDaily question: ")
    assert "Reviews a day: at most 30" in text and "Track: A tiny test pack" in text
    assert labels(menu)[1:6] == CAPS  # after the track select (no label)
    assert labels(menu)[6:8] == ["🕗 Time", "🌍 Time zone"]
    assert [o["label"] for o in select_of(menu)["options"]] == ["A tiny test pack"]

    shown = await click_and_wait(bot, alice, menu, "20", "at most 20")
    assert message_text(shown).startswith("Reviews a day: at most 20\n\nYour settings")
    assert (await bot.app.tutor.user(ref_of(alice))).review_cap == 20
    again = await click_and_wait(bot, alice, menu, "20", "already")  # a double click
    assert message_text(again).startswith("Reviews a day: already at most 20.")

    await click_and_wait(bot, alice, menu, "No cap", "Reviews a day: no cap")
    cap = (await bot.app.tutor.user(ref_of(alice))).review_cap
    assert cap == settings_view.REVIEW_CHOICES[-1]
    assert not fake.channel_messages  # all of it private


async def test_daily_time_from_the_picker_then_off_and_a_stale_click(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    menu = await open_settings(bot, alice)
    picker = await click_and_wait(bot, alice, menu, "🕗 Time", "When should your daily")
    assert labels(picker) == [*bot_labels.PICKER_TIMES, "‹ Back"]

    shown = await click_and_wait(bot, alice, menu, "08:00", "Daily question at 08:00")
    assert "Daily question: 08:00 (UTC)" in message_text(shown)
    assert "🔕 Daily question off" in labels(shown)
    setting = await bot.app.tutor.daily_setting(ref_of(alice))
    assert (setting.enabled, setting.time) == (True, "08:00")

    off = await click_and_wait(bot, alice, menu, "🔕 Daily question off", "Daily question off.")
    assert "Daily question: off (zone UTC)" in message_text(off)
    assert "🔔 Daily question on" in labels(off)
    # a stale copy's "off" (no longer on the message): the core says so, nothing changes
    stale = await fake.click(alice, off, "so:off")
    await fake.edited(menu, lambda m: "already off" in message_text(m))
    assert stale.acknowledged
    assert not (await bot.app.tutor.daily_setting(ref_of(alice))).enabled

    back = await click_and_wait(bot, alice, menu, "🕗 Time", "When should your daily")
    await fake.click_label(alice, back, "‹ Back")
    await fake.edited(menu, lambda m: message_text(m).startswith("Your settings"))


async def test_the_zone_is_typed_in_a_form(bot: Harness, fake: FakeDiscord, alice: Member) -> None:
    menu = await open_settings(bot, alice)
    form = await fake.click_label(alice, menu, "🌍 Time zone")
    await fake.wait_acknowledged(form)
    assert form.callbacks[0]["type"] == 9  # the form is the answer to the click

    unknown = await bot.notice(await fake.submit(alice, form, "Atlantis"))
    assert "I do not know the place 'Atlantis'" in unknown
    assert (await bot.app.tutor.daily_setting(ref_of(alice))).timezone == "UTC"

    form = await fake.click_label(alice, menu, "🌍 Time zone")  # sent, a form closes
    told = await bot.notice(await fake.submit(alice, form, "Sao Paulo"))
    assert told.startswith("Time zone: America/Sao_Paulo.")
    shown = await fake.edited(menu, lambda m: "Sao_Paulo" in message_text(m))
    assert message_text(shown).startswith("Time zone: America/Sao_Paulo\n\nYour settings")
    assert (await bot.app.tutor.daily_setting(ref_of(alice))).timezone == "America/Sao_Paulo"


async def test_track_from_the_select(bot: Harness, fake: FakeDiscord, alice: Member) -> None:
    await import_paths(bot.app.engine, [MULTIPACK])
    bot.app.tutor.forget_bank()
    menu = await open_settings(bot, alice)
    options = select_of(menu)["options"]
    assert [o["label"] for o in options] == ["A tiny test pack", "The new exam", "The old exam"]
    assert [o.get("default", False) for o in options] == [True, False, False]

    await fake.choose(alice, menu, "tr", "multi/old-exam")
    shown = await fake.edited(menu, lambda m: "Track: The old exam" in message_text(m))
    assert message_text(shown).startswith("You study: The old exam")
    assert (await bot.app.tutor.track_of(ref_of(alice))).key == "multi/old-exam"

    await fake.choose(alice, menu, "tr", "multi/old-exam")  # a stale pick
    await fake.edited(menu, lambda m: "You already study The old exam." in message_text(m))


async def test_forged_settings_clicks_change_nothing(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    menu = await open_settings(bot, alice)
    track = (await bot.app.tutor.track_of(ref_of(alice))).key
    forged_cap = await fake.click(alice, menu, "sr:9999")
    assert "review cap is a number from 0 to 500" in await bot.notice(forged_cap)
    forged_track = await fake.choose(alice, menu, "tr", "nope/none")
    assert "no track" in await bot.notice(forged_track)
    user = await bot.app.tutor.user(ref_of(alice))
    assert user.review_cap == 30
    assert (await bot.app.tutor.track_of(ref_of(alice))).key == track
