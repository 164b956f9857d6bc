"""/track, /reviews and /quiz TOPIC through the real Application against the fake Bot API."""

from __future__ import annotations

from pathlib import Path

from adapters.telegram.callbacks import Catalogue, ChooseTrack, parse
from bot.content.importer import import_paths
from tests.telegram.conftest import Harness, Student, button_data, buttons

MULTIPACK = Path(__file__).parent.parent / "data" / "multipack"


async def test_track_lists_packs_and_a_domain_button_asks_from_that_domain(
    bot: Harness, alice: Student
) -> None:
    menu = await bot.reply(alice, "/track")
    assert "You study:" in menu["text"]
    # under buttons, the text says to tap one (the terminal's keeps the typed form)
    assert "Tap one to study it." in menu["text"] and "/track PACK" not in menu["text"]
    assert "Tap a domain to practise it, or send /quiz NAME for a service." in menu["text"]
    data = [b["callback_data"] for b in buttons(menu)]
    assert any(d.startswith("tr:") for d in data)  # the packs' blueprints
    assert button_data(menu, "Security") == "d:security"
    seen = len(bot.fake.sent(alice.chat_id))
    await alice.press(menu, "d:security")
    question = await bot.next_message(alice.chat_id, seen)
    assert "Security" in question["text"] and "Design" not in question["text"]


async def test_choosing_a_track_by_button_marks_it(bot: Harness, alice: Student) -> None:
    menu = await bot.reply(alice, "/track")
    chosen = next(b for b in buttons(menu) if b["callback_data"].startswith("tr:"))
    query = await alice.press(menu, chosen["callback_data"])
    notice = await bot.callback_answer(query)
    assert notice["text"].startswith("You study:")
    key = chosen["callback_data"].removeprefix("tr:")
    assert (await bot.tutor.track_of(alice.ref)).key == key


async def test_track_buttons_sent_before_the_tr_prefix_still_work(
    bot: Harness, alice: Student
) -> None:
    """A track menu already in a chat carries `k:<pack/blueprint>` (the catalogue's prefix
    then): its buttons still choose the track, and the catalogue's `k:<n>` still pages."""
    assert bot.core is not None
    await import_paths(bot.core.engine, [MULTIPACK])
    bot.tutor.forget_bank()
    menu = await bot.reply(alice, "/track")
    old_menu = {
        **menu,
        "reply_markup": {
            "inline_keyboard": [
                [{**b, "callback_data": "k:" + b["callback_data"].removeprefix("tr:")}]
                for b in buttons(menu)
                if b["callback_data"].startswith("tr:")
            ]
        },
    }
    query = await alice.press(old_menu, "k:multi/old-exam")
    assert (await bot.callback_answer(query))["text"] == "You study: The old exam"
    assert (await bot.tutor.track_of(alice.ref)).key == "multi/old-exam"
    assert parse("k:multi/old-exam") == ChooseTrack("multi/old-exam")
    assert parse("tr:multi/old-exam") == ChooseTrack("multi/old-exam")
    assert parse("k:1:2") == Catalogue(1, 2) and parse("k") == Catalogue()

    catalogue = await bot.reply(alice, "/explain")
    key = (alice.chat_id, catalogue["message_id"])
    await bot.callback_answer(await alice.press(catalogue, "k:0"))
    shown = await bot.fake.wait_for(
        lambda: (
            "« Categories" in [b["text"] for b in buttons(bot.fake.messages[key])]
            and bot.fake.messages[key]
        )
    )
    assert shown["text"] != catalogue["text"]


async def test_unknown_track_topic_and_cap_get_clear_messages(bot: Harness, alice: Student) -> None:
    assert "There is no track 'nope'" in (await bot.reply(alice, "/track nope"))["text"]
    unknown = await bot.reply(alice, "/quiz kubernetes")
    assert "no domain or service called 'kubernetes'" in unknown["text"]
    assert "Design, Security" in unknown["text"]
    assert "At most 5 reviews a day" in (await bot.reply(alice, "/reviews 5"))["text"]
    assert "e.g. /reviews 30" in (await bot.reply(alice, "/reviews lots"))["text"]
    assert "at most 5 reviews" in (await bot.reply(alice, "/reviews"))["text"]


async def test_a_question_header_follows_the_students_track(
    bot: Harness, alice: Student, bob: Student
) -> None:
    """On the second blueprint the header names the question's domain there; on the
    default, the default's (multi/old-exam: Design, Security; multi/new-exam: Secure…)."""
    assert bot.core is not None
    await import_paths(bot.core.engine, [MULTIPACK])
    bot.tutor.forget_bank()
    for student, track, labels in (
        (alice, "multi/old-exam", ("Design ·", "Security ·")),
        (bob, "multi", ("Secure ·", "Design cost-optimized architectures ·")),
    ):
        await bot.reply(student, f"/track {track}")
        question = await bot.reply(student, "/quiz")
        assert question["text"].startswith(labels), question["text"]
