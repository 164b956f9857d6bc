"""Concept cards on Discord: `/explain NAME` (a card with "Quiz me on this", its related
cards and "All cards"), `/explain` alone (the catalogue by category, as buttons), and the
clicks on those buttons. The core decides (bot.concepts); this only lays out and replies.

Whatever one member clicks is answered to that member only: a card or a question opened
from a button is ephemeral, and the catalogue is edited in place only when it is that
member's own (ephemeral) message; under a public card it comes as a new private message.
"""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord import render
from adapters.discord.buttons import (
    MAX_BUTTONS,
    PER_ROW,
    CatalogueButton,
    ExplainButton,
    QuizOnButton,
    send_question,
)
from adapters.discord.people import user_ref
from adapters.discord.replies import guarded, tell
from bot import labels
from bot.concepts import Category, Concepts
from bot.errors import UnknownConcept
from bot.tutor import Tutor
from bot.views import ConceptView

Interaction = discord.Interaction[Any]
CARDS_PER_PAGE = 20  # four rows of five; the fifth row pages and goes back
MAX_RELATED = 8
LOOKUP = "type /explain and a name (e.g. /explain name:NAT gateway)"
STALE = "The cards changed since; use /explain for the list."


def card_view(card: ConceptView) -> discord.ui.View:
    """Under a card: a question on it, its related cards, then the catalogue."""
    view = discord.ui.View(timeout=None)
    view.add_item(QuizOnButton(card.id))
    for concept_id, name in card.related[:MAX_RELATED]:
        view.add_item(ExplainButton(concept_id, name, bare=True))
    view.add_item(CatalogueButton())
    return view


def suggestions_view(unknown: UnknownConcept) -> discord.ui.View | None:
    """ "Did you mean" as buttons, each opening that card."""
    pairs = list(zip(unknown.ids, unknown.suggestions, strict=False))[:MAX_BUTTONS]
    if not pairs:
        return None
    view = discord.ui.View(timeout=None)
    for concept_id, name in pairs:
        view.add_item(ExplainButton(concept_id, name, bare=True))
    return view


def categories_view(catalogue: tuple[Category, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for n, category in enumerate(catalogue[:MAX_BUTTONS]):
        view.add_item(CatalogueButton(n, label=f"{category.name} ({len(category.cards)})"))
    return view


def category_view(catalogue: tuple[Category, ...], index: int, page: int) -> discord.ui.View:
    """One category's cards, CARDS_PER_PAGE at a time, with paging and a way back."""
    cards = catalogue[index].cards
    view = discord.ui.View(timeout=None)
    for n, card in enumerate(cards[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]):
        button = ExplainButton(card.id, card.name, bare=True)
        button.row = n // PER_ROW
        view.add_item(button)
    last = 4
    if page > 0:
        view.add_item(_row(CatalogueButton(index, page - 1, labels.PAGE_BACK), last))
    if (page + 1) * CARDS_PER_PAGE < len(cards):
        view.add_item(_row(CatalogueButton(index, page + 1, labels.PAGE_MORE), last))
    view.add_item(_row(CatalogueButton(label=labels.CATEGORIES), last))
    return view


def _row(item: CatalogueButton, row: int) -> CatalogueButton:
    item.row = row
    return item


def catalogue_embed(catalogue: tuple[Category, ...]) -> discord.Embed:
    count = sum(len(c.cards) for c in catalogue)
    return render.embed(labels.CATALOGUE_TITLE, labels.catalogue_hint(count, LOOKUP))


def category_embed(category: Category, page: int) -> discord.Embed:
    pages = labels.pages_of(len(category.cards), CARDS_PER_PAGE)
    hint = labels.category_hint(len(category.cards), min(page, pages - 1), pages)
    return render.embed(category.name, hint)


class CardHandlers:
    def __init__(self, tutor: Tutor) -> None:
        self.tutor = tutor
        self.concepts = Concepts(tutor)

    async def explain(self, interaction: Interaction, name: str | None) -> None:
        """A card for the channel; alone, the catalogue (to the member only)."""
        if name and name.strip():
            await self.card(interaction, name)
        else:
            await self.browse(interaction)

    @guarded()
    async def browse(self, interaction: Interaction) -> None:
        catalogue = await self.concepts.catalogue()
        await interaction.followup.send(
            embed=catalogue_embed(catalogue), view=categories_view(catalogue), ephemeral=True
        )

    @guarded(ephemeral=False)
    async def card(self, interaction: Interaction, name: str) -> None:
        try:
            card = await self.tutor.explain(name)
        except UnknownConcept as unknown:  # the suggestions become buttons
            view = suggestions_view(unknown)
            text = render.cut(discord.utils.escape_mentions(unknown.message), 2000)
            if view is None:
                await interaction.followup.send(text)
            else:
                await interaction.followup.send(text, view=view)
            return
        await interaction.followup.send(embed=render.concept(card), view=card_view(card))

    @guarded()
    async def explain_button(self, interaction: Interaction, concept_id: str) -> None:
        card = await self.tutor.explain(concept_id)
        await interaction.followup.send(
            embed=render.concept(card), view=card_view(card), ephemeral=True
        )

    @guarded()
    async def quiz_on(self, interaction: Interaction, concept_id: str) -> None:
        view = await self.concepts.quiz_on(user_ref(interaction.user), concept_id)
        await send_question(interaction, view)

    @guarded(update=True)
    async def catalogue(self, interaction: Interaction, category: int | None, page: int) -> None:
        catalogue = await self.concepts.catalogue()
        if category is None:
            embed, view = catalogue_embed(catalogue), categories_view(catalogue)
        elif category >= len(catalogue) or page * CARDS_PER_PAGE >= max(
            1, len(catalogue[category].cards)
        ):
            await tell(interaction, STALE)
            return
        else:
            embed = category_embed(catalogue[category], page)
            view = category_view(catalogue, category, page)
        message = interaction.message
        if message is not None and message.flags.ephemeral:  # the member's own: in place
            await interaction.edit_original_response(content=None, embed=embed, view=view)
        else:  # under a public card: a private catalogue of their own
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
