"""Slash commands through the real discord.py client against the fake Discord."""

from __future__ import annotations

from tests.discord.conftest import Harness, custom_id, is_round, right_letters, wrong_letters
from tests.discord.fake_discord import (
    CHANNEL_ID,
    EPHEMERAL,
    PRIVILEGED_INTENTS,
    FakeDiscord,
    Member,
    buttons,
    message_text,
    snowflake,
)


async def test_a_channel_question_is_answered_privately_and_revealed(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    assert {c["name"] for c in fake.commands["global"]} >= {
        "quiz",
        "duel",
        "leaderboard",
        "explain",
        "stats",
        "settings",
        "daily",
        "import",
    }
    assert not fake.intents & PRIVILEGED_INTENTS  # nothing to switch on in the portal
    asked = await fake.slash(alice, "quiz")
    assert await bot.notice(asked) == "Question posted."
    assert asked.callbacks[0]["type"] == 5  # deferred before any work
    question = await bot.posted(is_round)
    assert not question["flags"] & EPHEMERAL  # the whole channel sees it
    assert "Everyone here may answer once" in message_text(question)

    right, wrong = right_letters(question), wrong_letters(question)
    right_button = custom_id(question, right)
    click = await fake.click(alice, question, right_button)
    assert f"{right} locked in" in await bot.notice(click)  # the pick, confirmed privately
    click = await fake.click(bob, question, custom_id(question, wrong))
    assert f"{wrong} locked in" in await bot.notice(click)
    again = await fake.click(alice, question, custom_id(question, wrong))
    assert "already answered" in await bot.notice(again)

    assert await bot.notice(await fake.click_label(bob, question, "Reveal now")) == "Revealed."
    reveal = await bot.posted(f"The answer is {right}")
    assert "✅ Alice" in message_text(reveal) and "❌ Bob" in message_text(reveal)
    assert not buttons(fake.messages[question["id"]])  # closed
    explain = next(b for b in buttons(reveal) if b["custom_id"].startswith("x:"))
    card = await bot.reply(await fake.click(bob, reveal, explain["custom_id"]))
    assert card["flags"] & EPHEMERAL
    assert explain["label"].removeprefix("Explain ") in message_text(card)
    late = await fake.click(bob, question, right_button)  # an old client still shows it
    assert "closed" in (await bot.notice(late)).lower()


async def test_explain_autocompletes_concept_names(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    typing = await fake.slash(
        alice,
        "explain",
        [{"name": "name", "type": 3, "value": "s", "focused": True}],
        autocomplete=True,
    )
    await fake.wait_acknowledged(typing)
    callback = typing.callbacks[0]
    assert callback["type"] == 8
    names = [c["name"] for c in callback["data"]["choices"]]
    assert names and names[0].lower().startswith("s")
    card = await bot.reply(
        await fake.slash(alice, "explain", [{"name": "name", "type": 3, "value": names[0]}])
    )
    assert not card["flags"] & EPHEMERAL
    assert names[0] in message_text(card)
    unknown = await fake.slash(alice, "explain", [{"name": "name", "type": 3, "value": "Lambada"}])
    assert "no card called 'Lambada'" in message_text(await bot.reply(unknown))


async def test_stats_are_private(bot: Harness, fake: FakeDiscord, alice: Member) -> None:
    stats = await bot.reply(await fake.slash(alice, "stats"))
    assert stats["flags"] & EPHEMERAL
    assert "No answers yet" in message_text(stats)
    assert not fake.channel_messages  # nothing in the channel


async def test_a_forged_or_stale_button_gets_a_private_notice(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    message = {"id": "1", "channel_id": str(CHANNEL_ID), "components": []}
    for forged, expected in (
        ("a:999999:B", "no longer available"),
        ("g:999999:A", "closed"),
        ("ga:424242", "over or no longer exists"),
        ("zz:1", "not one of mine"),
    ):
        notice = await bot.notice(await fake.click(alice, message, forged))
        assert expected in notice, (forged, notice)


async def test_track_and_reviews_are_private(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    # in a server channel /track is the channel's (tests/discord/test_chat_track.py)
    menu = await bot.reply(await fake.slash(alice, "track"))
    assert menu["flags"] & EPHEMERAL and "This chat studies:" in message_text(menu)
    dm = fake.dm_channels.setdefault(alice.id, int(snowflake()))
    mine = await bot.reply(await fake.slash(alice, "track", channel_id=dm))
    assert mine["flags"] & EPHEMERAL and "You study:" in message_text(mine)
    bad = await bot.reply(
        await fake.slash(
            alice, "track", [{"name": "name", "type": 3, "value": "nope"}], channel_id=dm
        )
    )
    assert "There is no track 'nope'" in message_text(bad)
    cap = await bot.reply(
        await fake.slash(alice, "reviews", [{"name": "per_day", "type": 4, "value": 12}])
    )
    assert "At most 12 reviews a day" in message_text(cap)
    settings = await bot.reply(await fake.slash(alice, "settings"))
    assert settings["flags"] & EPHEMERAL
    assert message_text(settings).splitlines()[2] == "Reviews a day: at most 12"
    assert not fake.channel_messages
