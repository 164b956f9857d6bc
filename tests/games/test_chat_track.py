"""A group chat's own track (bot.chat_tracks): its games ask from it; only its admins change
it; another chat keeps the default track."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.chat_tracks import ChatTracks, NotChatAdmin
from bot.content.importer import import_paths
from bot.errors import BadSetting
from bot.games.views import RoundView, Venue
from bot.store.chat_tracks import SqlChatTracks
from bot.store.models import Ask
from tests.games.conftest import ALICE, BOB, VENUE, Table

MULTIPACK = Path(__file__).parents[1] / "data" / "multipack"
ELSEWHERE = Venue("telegram", "-777", "-777")


async def _two_packs(table: Table) -> ChatTracks:
    assert table.app is not None
    await import_paths(table.app.engine, [MULTIPACK])
    table.games.tutor.forget_bank()
    return ChatTracks(table.games.tutor, SqlChatTracks(table.app.store.db))


async def _pack_of(table: Table, view: RoundView) -> str:
    assert table.app is not None
    async with table.app.engine.connect() as conn:
        key = await conn.scalar(select(Ask.question_id).where(Ask.id == view.question.ask_id))
    return (await table.bank()).questions[key].pack


async def test_games_ask_from_the_chats_track(table: Table) -> None:
    chat_tracks = await _two_packs(table)
    games, pub = table.games, table.publisher
    # No track chosen: the default pack ("saa") is not loaded, so the first loaded one.
    assert (await chat_tracks.track_of(VENUE.group_key)).key == "mini/main"
    menu = await chat_tracks.choose(VENUE.group_key, "multi/old-exam", may_administer=True)
    assert menu.chat and menu.current == "The old exam"
    assert "This chat studies: The old exam." in menu.text()
    assert menu.domains == ()  # a chat's /quiz is a game, not a domain's practice

    asked = []
    for _ in range(8):  # single group questions, each its own game
        await games.ask_group(VENUE, ALICE)
        asked.append(await _pack_of(table, pub.last(RoundView)))
    invited = await games.challenge(VENUE, ALICE, BOB, 3)
    assert invited.game_id is not None
    await games.accept(invited.game_id, BOB)
    asked.append(await _pack_of(table, pub.last(RoundView)))
    assert set(asked) == {"multi"}

    elsewhere = []
    for _ in range(8):
        await games.ask_group(ELSEWHERE, BOB)
        elsewhere.append(await _pack_of(table, pub.last(RoundView)))
    assert set(elsewhere) == {"mini"}
    # a member's own track is not the chat's
    assert (await games.tutor.track_of(ALICE)).key == "mini/main"


async def test_only_admins_change_a_chats_track(table: Table) -> None:
    chat_tracks = await _two_packs(table)
    with pytest.raises(NotChatAdmin) as refused:
        await chat_tracks.choose(VENUE.group_key, "multi", may_administer=False)
    assert "Only the chat's admins can change its track" in refused.value.message
    with pytest.raises(BadSetting):
        await chat_tracks.choose(VENUE.group_key, "nope", may_administer=True)
    assert (await chat_tracks.track_of(VENUE.group_key)).key == "mini/main"
    await chat_tracks.choose(VENUE.group_key, "multi", may_administer=True)
    assert (await chat_tracks.show(VENUE.group_key)).current == "The new exam"


async def test_rounds_are_headed_by_the_chats_track_open_and_closed(table: Table) -> None:
    """multi/old-exam names the domains Design and Security (the default blueprint: Secure,
    Design cost-optimized architectures): the round's post and its edits when it closes
    (on its timer, or stopped) name them there."""
    chat_tracks = await _two_packs(table)
    await chat_tracks.choose(VENUE.group_key, "multi/old-exam", may_administer=True)
    games, pub = table.games, table.publisher
    old = {"Design", "Security"}
    await games.ask_group(VENUE, ALICE)
    assert pub.last(RoundView).question.domain in old
    table.clock.advance(minutes=2)
    assert await games.tick() == 1  # the round closes on its timer
    await games.start_quiz(VENUE, ALICE, 3)
    assert pub.last(RoundView).question.domain in old
    await games.stop(VENUE, ALICE)
    closed = [v for v in pub.edited(RoundView) if v.closed]
    assert len(closed) == 2 and {v.question.domain for v in closed} <= old
