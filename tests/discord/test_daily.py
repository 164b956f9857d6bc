"""Daily questions on Discord: a group channel's own (posted, answered, revealed) and a
member's DM for those who ask. Each sweep is given its `now`; time is never waited on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters import daily
from adapters.cli import daily_sweep
from adapters.discord.notifier import DiscordChannelPoster, DiscordNotifier
from bot.app import start
from bot.daily.channel_daily import REVEAL_AFTER, ChannelDailies, WithChannels
from bot.daily.planning import due_after_change
from bot.views import UserRef
from tests.discord.conftest import (
    Harness,
    bot_settings,
    custom_id,
    right_letters,
    wrong_letters,
)
from tests.discord.fake_discord import (
    EPHEMERAL,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    FakeDiscord,
    Json,
    Member,
    buttons,
    message_text,
)


def channel_option(time: str | None = None, zone: str | None = None) -> list[Json]:
    options: list[Json] = [{"name": "channel", "type": 7, "value": str(OTHER_CHANNEL_ID)}]
    if time:
        options.append({"name": "time", "type": 3, "value": time})
    if zone:
        options.append({"name": "zone", "type": 3, "value": zone})
    return options


def channels_resolved() -> Json:
    return {
        "channels": {
            str(OTHER_CHANNEL_ID): {
                "id": str(OTHER_CHANNEL_ID), "type": 0, "name": "announcements",
                "permissions": "0", "parent_id": None,
            }
        }
    }  # fmt: skip


async def set_channel(fake: FakeDiscord, member: Member, *options: str | None) -> Json:
    record = await fake.slash(
        member,
        "daily",
        [{"name": "channel", "type": 1, "options": channel_option(*options)}],
        resolved=channels_resolved(),
    )
    return (await fake.wait_replies(record))[0]


def dailies(bot: Harness) -> ChannelDailies:
    assert bot.client is not None
    return daily.channel_dailies(bot.app, {"discord": DiscordChannelPoster(bot.client)})


async def test_a_channel_gets_its_daily_question_and_then_the_answer(
    bot: Harness, fake: FakeDiscord, admin: Member, alice: Member, bob: Member
) -> None:
    denied = await set_channel(fake, alice, "08:00", "Europe/Berlin")
    assert "Manage Server" in message_text(denied) and denied["flags"] & EPHEMERAL
    confirmed = await set_channel(fake, admin, "08:00", "Europe/Berlin")
    assert f"<#{OTHER_CHANNEL_ID}>" in message_text(confirmed)
    assert "08:00" in message_text(confirmed) and "Europe/Berlin" in message_text(confirmed)
    bad = await set_channel(fake, admin, "25:00", None)
    assert "not a time of day" in message_text(bad)

    due = due_after_change(datetime.now(UTC), "08:00", "Europe/Berlin")
    sweeps = dailies(bot)
    assert await sweeps.sweep(due - timedelta(minutes=1)) == (0, 0)  # not yet
    assert await sweeps.sweep(due + timedelta(seconds=1)) == (1, 0)
    assert await sweeps.sweep(due + timedelta(seconds=2)) == (0, 0)  # once a day
    question = await bot.posted("Today's question", channel=OTHER_CHANNEL_ID)
    assert "Everyone here may answer once" in message_text(question)

    right, wrong = right_letters(question), wrong_letters(question)
    answered = await bot.reply(await fake.click(alice, question, custom_id(question, right)))
    assert answered["flags"] & EPHEMERAL and answered["content"].startswith("✅ Correct")
    assert "your pick" in message_text(answered)  # the explanation, to Alice only
    answered = await bot.reply(await fake.click(bob, question, custom_id(question, wrong)))
    assert answered["content"].startswith("❌ Not quite")
    await fake.wait_for(lambda: "Bob" in fake.messages[question["id"]]["content"])

    assert await sweeps.sweep(due + REVEAL_AFTER + timedelta(seconds=1)) == (0, 1)
    reveal = await bot.posted(f"The answer is {right}", channel=OTHER_CHANNEL_ID)
    assert "Right: 1 of 2" in message_text(reveal) and "Alice" in message_text(reveal)
    assert not buttons(fake.messages[question["id"]])
    # the next day's question comes the next day
    assert await sweeps.sweep(due + timedelta(days=1, seconds=1)) == (1, 0)

    off = await set_channel(fake, admin, "off", None)
    assert "no daily question any more" in message_text(off)
    # the open question is still revealed; no new one is posted
    assert await sweeps.sweep(due + timedelta(days=2, seconds=1)) == (0, 1)


async def test_daily_dms_go_only_to_members_who_ask(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    await bot.reply(await fake.slash(bob, "stats"))  # Bob is known, but never asked
    record = await fake.slash(
        alice,
        "daily",
        [{"name": "me", "type": 1, "options": [
            {"name": "time", "type": 3, "value": "07:30"},
            {"name": "zone", "type": 3, "value": "Asia/Tokyo"},
        ]}],
    )  # fmt: skip
    assert "07:30" in await bot.notice(record) and "Asia/Tokyo" in await bot.notice(record)
    assert bot.client is not None
    notifier = DiscordNotifier(bot.client)
    sweeper = daily.sweeper(bot.app, {"discord": daily.channel(notifier, rate_per_s=50)})
    due = due_after_change(datetime.now(UTC), "07:30", "Asia/Tokyo")
    report = await sweeper.sweep(due + timedelta(seconds=1))
    assert report.outcomes == {"sent": 1}
    assert not fake.dms(bob.id)
    question = await fake.wait_for(lambda: fake.dms(alice.id) and fake.dms(alice.id)[0])
    assert "Your daily question" in message_text(question)

    answered = await bot.reply(
        await fake.click(alice, question, custom_id(question, right_letters(question)))
    )
    assert answered["content"].startswith("✅ Correct")
    await fake.wait_for(lambda: "Answered" in fake.messages[question["id"]]["content"])
    assert not buttons(fake.messages[question["id"]])  # a personal question closes
    stats = await bot.app.tutor.stats(UserRef("discord", str(alice.id)))
    assert stats.answered == 1 and stats.streak == 1

    off = await fake.slash(
        alice, "daily",
        [{"name": "me", "type": 1, "options": [{"name": "time", "type": 3, "value": "off"}]}],
    )  # fmt: skip
    assert "off" in await bot.notice(off)


async def test_a_member_with_closed_dms_is_not_sent_to_again(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    record = await fake.slash(
        alice, "daily",
        [{"name": "me", "type": 1, "options": [{"name": "time", "type": 3, "value": "07:30"}]}],
    )  # fmt: skip
    await bot.notice(record)
    fake.dm_blocked.add(alice.id)
    assert bot.client is not None
    notifier = DiscordNotifier(bot.client)
    sweeper = daily.sweeper(bot.app, {"discord": daily.channel(notifier, rate_per_s=50)})
    due = due_after_change(datetime.now(UTC), "07:30", "UTC")
    assert (await sweeper.sweep(due + timedelta(seconds=1))).outcomes == {"blocked": 1}
    user = await bot.app.tutor.user(UserRef("discord", str(alice.id)))
    assert not user.active


async def test_the_daily_job_posts_channel_questions_beside_members_dailies(
    bot: Harness, fake: FakeDiscord, admin: Member
) -> None:
    await set_channel(fake, admin, "06:15", "America/New_York")
    assert bot.client is not None
    members = daily.sweeper(
        bot.app, {"discord": daily.channel(DiscordNotifier(bot.client), rate_per_s=50)}
    )
    job = WithChannels(members, dailies(bot))  # what the scheduler's one job runs
    due = due_after_change(datetime.now(UTC), "06:15", "America/New_York")
    await job.sweep(due + timedelta(seconds=1))
    assert "Today's question" in message_text(
        await bot.posted("Today's question", channel=OTHER_CHANNEL_ID)
    )


async def test_tutor_daily_sweep_sends_through_discord_over_rest(
    db_url: str, fake: FakeDiscord, alice: Member, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = bot_settings(db_url, fake.url)
    core = await start(settings)
    try:
        await core.tutor.set_daily(UserRef("discord", str(alice.id), "Alice"), "07:30", "UTC")
        await daily.channel_dailies(core).set(
            "discord", str(OTHER_CHANNEL_ID), str(GUILD_ID), "07:30", "UTC"
        )
    finally:
        await core.close()
    due = due_after_change(datetime.now(UTC), "07:30", "UTC")
    assert await daily_sweep(settings, due + timedelta(seconds=1)) == 0
    assert "(1 sent)" in capsys.readouterr().out
    assert "Your daily question" in message_text(fake.dms(alice.id)[0])
    assert "Today's question" in message_text(fake.channel(OTHER_CHANNEL_ID)[0])
    assert not fake.identifies  # no gateway needed to send
    assert await daily_sweep(settings, due + timedelta(seconds=2)) == 0
    assert len(fake.dms(alice.id)) == 1 and len(fake.channel(OTHER_CHANNEL_ID)) == 1


def me(**values: str) -> list[Json]:
    options = [{"name": k, "type": 3, "value": v} for k, v in values.items()]
    return [{"name": "me", "type": 1, "options": options}]


async def test_daily_me_takes_a_city_and_offers_a_time_picker(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    picker = await bot.reply(await fake.slash(alice, "daily", me()))
    assert picker["flags"] & EPHEMERAL and "pick a time below" in message_text(picker)
    assert [b["label"] for b in buttons(picker)][:3] == ["07:00", "08:00", "09:00"]

    await fake.click_label(alice, picker, "08:00")  # the picker says the new setting
    set_at_8 = await fake.edited(picker, lambda m: "**08:00**" in message_text(m))
    assert not buttons(set_at_8)

    city = await bot.notice(await fake.slash(alice, "daily", me(zone="sao paulo")))
    assert "**08:00** (America/Sao_Paulo)" in city  # a city alone keeps the time
    both = await bot.notice(await fake.slash(alice, "daily", me(time="7:15", zone="New York")))
    assert "**07:15** (America/New_York)" in both
    unknown = await bot.notice(await fake.slash(alice, "daily", me(zone="Atlantis")))
    assert "I do not know the place 'Atlantis'" in unknown and "Berlin" in unknown
    setting = await bot.app.tutor.daily_setting(UserRef("discord", str(alice.id)))
    assert (setting.time, setting.timezone) == ("07:15", "America/New_York")  # kept
