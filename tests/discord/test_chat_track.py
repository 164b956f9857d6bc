"""/track in a Discord server channel, end to end on the fake Discord: the channel's own
track, set only by members who may manage the server or channels; the channel's games and
daily question ask from it. In a DM, /track is the member's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.content.importer import import_paths
from bot.daily.planning import due_after_change
from bot.store.models import Ask, ChannelDaily, Game
from tests.discord.conftest import Harness
from tests.discord.fake_discord import (
    CHANNEL_ID,
    MEMBER_PERMISSIONS,
    OTHER_CHANNEL_ID,
    FakeDiscord,
    Json,
    Member,
    snowflake,
)
from tests.discord.test_daily import dailies, set_channel

MULTIPACK = Path(__file__).parents[1] / "data" / "multipack"
MANAGE_CHANNELS = 1 << 4


def named(value: str) -> list[Json]:
    return [{"name": "name", "type": 3, "value": value}]


async def _pack_of_ask(bot: Harness, ask_id: int | None) -> str:
    async with bot.app.engine.connect() as conn:
        key = await conn.scalar(select(Ask.question_id).where(Ask.id == ask_id))
    return (await bot.app.tutor.bank()).questions[key].pack


async def test_a_channels_track_is_set_by_its_managers_and_asked_from(
    bot: Harness, fake: FakeDiscord, admin: Member, alice: Member
) -> None:
    await import_paths(bot.app.engine, [MULTIPACK])
    bot.app.tutor.forget_bank()
    keeper = fake.add_member(Member(int(snowflake()), "Kim", MEMBER_PERMISSIONS | MANAGE_CHANNELS))

    shown = await bot.notice(await fake.slash(alice, "track"))
    assert shown.startswith("This chat studies: A tiny test pack.")
    refused = await bot.notice(await fake.slash(alice, "track", named("multi/old-exam")))
    assert "Only the chat's admins can change its track" in refused
    assert (await bot.app.chat_tracks.track_of(f"discord:{CHANNEL_ID}")).key == "mini/main"

    # Manage Server sets this channel's; Manage Channels another's
    chosen = await bot.notice(await fake.slash(admin, "track", named("multi/new-exam")))
    assert chosen.startswith("This chat studies: The new exam.")
    other = await bot.notice(
        await fake.slash(keeper, "track", named("multi/old-exam"), channel_id=OTHER_CHANNEL_ID)
    )
    assert other.startswith("This chat studies: The old exam.")

    for _ in range(3):  # single questions for the channel, each a game
        await bot.reply(await fake.slash(alice, "quiz"))
    async with bot.app.engine.connect() as conn:
        asks = await conn.scalars(select(Game.ask_id).where(Game.channel == str(CHANNEL_ID)))
        game_asks = list(asks)
    assert len(game_asks) == 3
    assert {await _pack_of_ask(bot, a) for a in game_asks} == {"multi"}

    # the other channel's daily question comes from its own track
    await set_channel(fake, admin, "08:00", "UTC")
    due = due_after_change(datetime.now(UTC), "08:00", "UTC")
    assert await dailies(bot).sweep(due + timedelta(seconds=1)) == (1, 0)
    await bot.posted("Today's question", channel=OTHER_CHANNEL_ID)
    async with bot.app.engine.connect() as conn:
        daily_ask = await conn.scalar(select(ChannelDaily.ask_id))
    assert await _pack_of_ask(bot, daily_ask) == "multi"

    # in a DM, /track is the member's own
    fake.dm_channels[alice.id] = int(snowflake())
    mine = await bot.notice(await fake.slash(alice, "track", channel_id=fake.dm_channels[alice.id]))
    assert mine.startswith("You study: A tiny test pack.")
