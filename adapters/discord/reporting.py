"""⚑ Report on Discord: the button under feedback offers the four reasons (buttons); a
reason stores the report (bot.reports) and offers "Add a line", a form (Modal) for the
optional line. Everything is ephemeral. Admins named in DISCORD_ADMINS get the daily
summary by DM (`admin_sender`, one of the senders of the one digest in adapters.runner).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord import render
from adapters.discord.buttons import NoteButton, ReasonButton
from adapters.discord.people import user_ref
from adapters.discord.replies import guarded
from bot import labels
from bot.reports import NOTE_MAX, REASONS, Reports

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
FORM_TIMEOUT_S = 1800.0  # an open form is kept in memory this long (and not across restarts)


def reasons_view(ask_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for code in REASONS:
        view.add_item(ReasonButton(ask_id, code))
    return view


def note_view(report_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NoteButton(report_id))
    return view


class NoteForm(discord.ui.Modal, title="Add a line to your report"):
    line: discord.ui.Label[NoteForm] = discord.ui.Label(
        text="What is wrong with the question?",
        component=discord.ui.TextInput(
            style=discord.TextStyle.paragraph, max_length=NOTE_MAX, required=True
        ),
    )

    def __init__(self, reports: Reports, report_id: int) -> None:
        super().__init__(timeout=FORM_TIMEOUT_S, custom_id=f"rf:{report_id}")
        self.reports = reports
        self.report_id = report_id

    @guarded()
    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        component = self.line.component
        assert isinstance(component, discord.ui.TextInput)
        await self.reports.add_note(user_ref(interaction.user), self.report_id, component.value)
        await interaction.followup.send(labels.NOTE_ADDED, ephemeral=True)


class ReportHandlers:
    def __init__(self, reports: Reports) -> None:
        self.reports = reports

    @guarded()
    async def reasons(self, interaction: Interaction, ask_id: int) -> None:
        await interaction.followup.send(
            labels.REPORT_PROMPT, view=reasons_view(ask_id), ephemeral=True
        )

    @guarded(update=True)
    async def report(self, interaction: Interaction, ask_id: int, reason: str) -> None:
        report_id = await self.reports.report(user_ref(interaction.user), ask_id, reason)
        text = render.report_thanks(report_id, REASONS[reason])
        message = interaction.message
        if message is not None and message.flags.ephemeral:  # the reasons go: one report a tap
            await interaction.edit_original_response(content=text, view=note_view(report_id))
        else:
            await interaction.followup.send(text, view=note_view(report_id), ephemeral=True)

    @guarded(defer=False)
    async def note_form(self, interaction: Interaction, report_id: int) -> None:
        """A form answers the click itself (it cannot follow a deferral); the report is
        checked to be the member's when the line is stored."""
        await interaction.response.send_modal(NoteForm(self.reports, report_id))


def admin_sender(
    client: discord.Client, admins: frozenset[int]
) -> Callable[[str], Awaitable[None]]:
    """Send a text to each admin by DM (the daily report summary); a closed DM is logged."""

    async def send(text: str) -> None:
        for admin in sorted(admins):
            try:
                channel = await client.create_dm(discord.Object(admin))
                await channel.send(render.cut(render.md(text), render.CONTENT_LIMIT))
            except discord.HTTPException as error:
                log.warning("could not send the report summary to %s: %s", admin, error)

    return send
