"""Concept cards lead somewhere: "Quiz me on this", related cards, the catalogue by category,
and suggestions for an unknown name, all as buttons."""

from __future__ import annotations

from tests.telegram.conftest import Harness, Student, buttons


async def test_a_card_offers_a_quiz_and_its_related_cards(bot: Harness, alice: Student) -> None:
    card = await bot.reply(alice, "/explain s3")
    labels = [b["text"] for b in buttons(card)]
    assert labels[0] == "Quiz me on this"
    assert "Glacier" in labels and labels[-1] == "All cards"

    # Quiz me on this: a question that tests S3, with letter buttons
    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(card, "Quiz me on this"))
    question = await bot.next_message(alice.chat_id, seen)
    assert [b["text"] for b in buttons(question)][0] in ("A", "☑️ A")
    # the mini pack's two questions on S3
    assert "Footage is rarely read" in question["text"] or "Which TWO protect" in question["text"]

    # a related card opens the card, with its own buttons
    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(card, "Glacier"))
    glacier = await bot.next_message(alice.chat_id, seen)
    assert "Glacier" in glacier["text"].splitlines()[0]
    assert [b["text"] for b in buttons(glacier)][0] == "Quiz me on this"


async def test_explain_alone_lists_categories_then_cards(bot: Harness, alice: Student) -> None:
    listing = await bot.reply(alice, "/explain")
    assert listing["text"].startswith("Concept cards")
    labels = [b["text"] for b in buttons(listing)]
    assert "Storage (2)" in labels
    for button in buttons(listing):
        assert len(button["callback_data"].encode()) <= 64

    key = (alice.chat_id, listing["message_id"])
    await bot.callback_answer(await alice.tap(listing, "Storage (2)"))
    storage = await bot.fake.wait_for(
        lambda: bot.fake.messages[key]["text"].startswith("Storage") and bot.fake.messages[key]
    )
    names = [b["text"] for b in buttons(storage)]
    assert names[-1] == "« Categories"
    assert {"Amazon S3", "Glacier"} <= set(names) or {"S3", "Glacier"} <= set(names)

    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(storage, "Glacier"))
    card = await bot.next_message(alice.chat_id, seen)
    assert "Glacier" in card["text"].splitlines()[0]


async def test_unknown_names_get_suggestion_buttons(bot: Harness, alice: Student) -> None:
    reply = await bot.reply(alice, "/explain glaicer")
    assert "Did you mean: Glacier?" in reply["text"]
    seen = len(bot.fake.sent(alice.chat_id))
    await bot.callback_answer(await alice.tap(reply, "Glacier"))
    card = await bot.next_message(alice.chat_id, seen)
    assert "Glacier" in card["text"].splitlines()[0]
