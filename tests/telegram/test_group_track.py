"""/track in a Telegram group, end to end on the fake Bot API: the group's own track, set
only by its admins (asked of Telegram with getChatMember); its games ask from it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.content.importer import import_paths
from bot.store.models import Ask
from tests.telegram.conftest import (
    ALICE_ID,
    BOB_ID,
    GROUP_ID,
    Harness,
    Student,
    ask_id_of,
    buttons,
)

MULTIPACK = Path(__file__).parents[1] / "data" / "multipack"
CHAT = f"telegram:{GROUP_ID}"


async def _pack_asked(bot: Harness, question: dict[str, object]) -> str:
    assert bot.core is not None
    async with bot.core.engine.connect() as conn:
        key = await conn.scalar(select(Ask.question_id).where(Ask.id == ask_id_of(question)))
    return (await bot.tutor.bank()).questions[key].pack


async def test_group_admins_choose_the_groups_track_and_its_games_ask_from_it(
    bot: Harness, alice: Student, bob: Student
) -> None:
    assert bot.core is not None
    await import_paths(bot.core.engine, [MULTIPACK])
    bot.tutor.forget_bank()
    bot.fake.chat_roles[(GROUP_ID, ALICE_ID)] = "administrator"
    admin, member = alice.in_chat(GROUP_ID), bob.in_chat(GROUP_ID)

    menu = await bot.reply(member, "/track")
    assert menu["text"].startswith("This chat studies: A tiny test pack.")
    assert "An admin of the chat taps one." in menu["text"]  # under the buttons
    assert "tr:multi/old-exam" in [b["callback_data"] for b in buttons(menu)]
    assert not any(b["callback_data"].startswith("d:") for b in buttons(menu))

    # a member may look, not change: by name or by button
    refused = await bot.reply(member, "/track multi/old-exam")
    assert "Only the chat's admins can change its track" in refused["text"]
    query = await member.press(menu, "tr:multi/old-exam")
    assert "Only the chat's admins" in (await bot.callback_answer(query))["text"]
    assert (await bot.core.chat_tracks.track_of(CHAT)).key == "mini/main"
    assert bot.fake.calls_to("getChatMember")

    query = await admin.press(menu, "tr:multi/old-exam")
    assert (await bot.callback_answer(query))["text"] == "This chat studies: The old exam"
    key = (GROUP_ID, menu["message_id"])
    await bot.fake.wait_for(  # the menu is edited to mark the new choice
        lambda: bot.fake.messages[key]["text"].startswith("This chat studies: The old exam.")
    )
    assert (await bot.core.chat_tracks.track_of(CHAT)).key == "multi/old-exam"

    bot.fake.chat_roles[(GROUP_ID, BOB_ID)] = "creator"  # the group's creator, by name
    changed = await bot.reply(member, "/track multi")
    assert changed["text"].startswith("This chat studies: The new exam.")

    for _ in range(5):  # single group questions (games) come from the group's track
        question = await bot.reply(member, "/quiz")
        assert question["text"].startswith("❓ Question for the group")
        assert await _pack_asked(bot, question) == "multi"

    # the members' own tracks are their own
    assert (await bot.tutor.track_of(bob.ref)).key == "mini/main"
    assert (await bot.reply(bob, "/track"))["text"].startswith("You study: A tiny test pack.")
