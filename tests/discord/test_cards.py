"""Concept cards on Discord lead somewhere, as on Telegram: "Quiz me on this", related cards,
the catalogue by category, and suggestions for an unknown name, all as buttons; whatever a
click opens is for the clicker only."""

from __future__ import annotations

from tests.discord.conftest import Harness
from tests.discord.fake_discord import (
    CHANNEL_ID,
    EPHEMERAL,
    FakeDiscord,
    Json,
    Member,
    labels,
    message_text,
    title,
)


async def explain(bot: Harness, member: Member, name: str | None = None) -> Json:
    options = [{"name": "name", "type": 3, "value": name}] if name else []
    return await bot.reply(await bot.fake.slash(member, "explain", options))


async def test_a_card_offers_a_quiz_and_its_related_cards(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    card = await explain(bot, alice, "s3")
    assert not card["flags"] & EPHEMERAL  # /explain NAME is for the channel
    names = labels(card)
    assert names[0] == "Quiz me on this"
    assert "Glacier" in names and names[-1] == "All cards"

    # Quiz me on this: a question on S3, with letter buttons, for Alice only
    question = await bot.reply(await fake.click_label(alice, card, "Quiz me on this"))
    assert question["flags"] & EPHEMERAL
    assert labels(question)[0] in ("A", "A+B")
    text = message_text(question)
    assert "Footage is rarely read" in text or "Which TWO protect" in text

    # a related card opens that card privately, with its own buttons
    glacier = await bot.reply(await fake.click_label(alice, card, "Glacier"))
    assert glacier["flags"] & EPHEMERAL and "Glacier" in title(glacier)
    assert labels(glacier)[0] == "Quiz me on this"

    # "All cards" under the public card: a private catalogue; the card stays as it was
    listing = await bot.reply(await fake.click_label(alice, card, "All cards"))
    assert listing["flags"] & EPHEMERAL and title(listing) == "Concept cards"
    assert fake.messages[card["id"]]["embeds"] == card["embeds"]


async def test_explain_alone_lists_categories_then_cards(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    listing = await explain(bot, alice)
    assert listing["flags"] & EPHEMERAL and title(listing) == "Concept cards"
    assert "Storage (2)" in labels(listing)
    assert not fake.channel_messages  # browsing shows nothing in the channel

    await fake.click_label(alice, listing, "Storage (2)")  # the same message, in place
    storage = await fake.edited(listing, lambda m: title(m) == "Storage")
    names = labels(storage)
    assert names[-1] == "« Categories" and "Glacier" in names

    card = await bot.reply(await fake.click_label(alice, storage, "Glacier"))
    assert card["flags"] & EPHEMERAL and "Glacier" in title(card)

    await fake.click_label(alice, storage, "« Categories")
    back = await fake.edited(listing, lambda m: "Storage (2)" in labels(m))
    assert title(back) == "Concept cards"


async def test_unknown_names_get_suggestion_buttons(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    reply = await explain(bot, alice, "glaicer")
    assert "Did you mean: Glacier?" in message_text(reply)
    card = await bot.reply(await fake.click_label(alice, reply, "Glacier"))
    assert card["flags"] & EPHEMERAL and "Glacier" in title(card)


async def test_a_stale_catalogue_page_gets_a_notice(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    message = {"id": "1", "channel_id": str(CHANNEL_ID), "components": []}
    notice = await bot.notice(await fake.click(alice, message, "k:99"))
    assert "cards changed" in notice
