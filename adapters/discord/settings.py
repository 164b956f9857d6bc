"""/settings on Discord: one ephemeral message with the settings and what changes them.

The message shows the settings (bot.settings_view) over a track select, the review caps
(10/20/30/50/no cap), "🕗 Time" (the time picker, in place, with "‹ Back"), "🌍 Time zone"
(a form to type a city: Discord shares no location) and daily on/off. A change edits the
message: the core's notice on top, then the settings as they are now.

Every button carries the value it sets (bot.settings_view decides): a stale click (an old
copy, a double click) gets the core's "already …" notice, a forged value its BadSetting
message; nothing changes either way.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from adapters.discord import render
from adapters.discord.buttons import (
    PER_ROW,
    SettingsCapButton,
    SettingsDailyButton,
    SettingsMenuButton,
    SettingsTimeButton,
    SettingsZoneButton,
    TrackSelect,
)
from adapters.discord.people import user_ref
from adapters.discord.replies import guarded
from bot import labels, settings_view, tracks
from bot.settings_view import CITY_QUESTION, Change, StudentSettings
from bot.tracks import TrackMenu
from bot.tutor import Tutor

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
FORM_TIMEOUT_S = 1800.0  # an open form is kept in memory this long (and not across restarts)
MAX_OPTIONS = 25  # a select's options, at most
PICKER_PER_ROW = PER_ROW - 1


def content(current: StudentSettings, head: str = "") -> str:
    text = settings_view.text(current)
    return render.cut(f"{head}\n\n{text}" if head else text, render.CONTENT_LIMIT)


def settings_view_of(current: StudentSettings, menu: TrackMenu) -> discord.ui.View:
    """Track (row 0), reviews a day (row 1), time, zone and daily on/off (row 2)."""
    view = discord.ui.View(timeout=None)
    options = [
        discord.SelectOption(
            label=render.cut(o.title, 100), value=o.key, description=o.key, default=o.chosen
        )
        for o in menu.options
        if len(o.key) <= 100  # longer keys are chosen with /track name:…
    ][:MAX_OPTIONS]
    if options:
        view.add_item(TrackSelect(options))
    for cap in settings_view.REVIEW_CHOICES:
        view.add_item(SettingsCapButton(cap, cap == current.review_cap, row=1))
    view.add_item(SettingsMenuButton("t", row=2))
    view.add_item(SettingsZoneButton(row=2))
    view.add_item(SettingsDailyButton("off" if current.daily.enabled else "on", row=2))
    return view


def time_view(current: StudentSettings) -> discord.ui.View:
    """The time picker, in /settings: a click sets the time and shows the settings."""
    chosen = current.daily.time if current.daily.enabled else ""
    view = discord.ui.View(timeout=None)
    for n, time in enumerate(labels.PICKER_TIMES):
        hhmm = time.replace(":", "")
        view.add_item(SettingsTimeButton(hhmm, time == chosen, row=n // PICKER_PER_ROW))
    rows = (len(labels.PICKER_TIMES) + PICKER_PER_ROW - 1) // PICKER_PER_ROW
    return view.add_item(SettingsMenuButton("m", row=rows))


class ZoneForm(discord.ui.Modal, title="Your time zone"):
    city: discord.ui.Label[ZoneForm] = discord.ui.Label(
        text=CITY_QUESTION,
        description="e.g. Berlin, New York, Sao Paulo, or a zone like Europe/Berlin",
        component=discord.ui.TextInput(max_length=60, required=True, placeholder="Berlin"),
    )

    def __init__(self, menu: SettingsMenu, user_id: int, message_id: int | None) -> None:
        # discord.py keeps open forms by custom_id: one per member and settings message
        super().__init__(timeout=FORM_TIMEOUT_S, custom_id=f"sf:{user_id}:{message_id or 0}")
        self.menu = menu
        self.message_id = message_id  # the settings message to show the new zone

    @guarded()
    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        component = self.city.component
        assert isinstance(component, discord.ui.TextInput)
        await self.menu.zone_typed(interaction, component.value, self.message_id)


class SettingsMenu:
    def __init__(self, tutor: Tutor) -> None:
        self.tutor = tutor

    @guarded()
    async def command(self, interaction: Interaction) -> None:
        ref = user_ref(interaction.user)
        current = await settings_view.load(self.tutor, ref)
        view = settings_view_of(current, await tracks.show(self.tutor, ref))
        await interaction.followup.send(content(current), view=view, ephemeral=True)

    @guarded(update=True)
    async def show(self, interaction: Interaction, menu: str) -> None:
        ref = user_ref(interaction.user)
        current = await settings_view.load(self.tutor, ref)
        if menu == "t":
            prompt = settings_view.TIME_PROMPT.format(zone=current.daily.timezone)
            await self._edit(interaction, content(current, prompt), time_view(current))
        else:
            await self._show(interaction, current)

    @guarded(update=True)
    async def set_time(self, interaction: Interaction, time: str) -> None:
        ref = user_ref(interaction.user)
        await self._changed(interaction, await settings_view.set_time(self.tutor, ref, time))

    @guarded(update=True)
    async def set_cap(self, interaction: Interaction, cap: int) -> None:
        ref = user_ref(interaction.user)
        await self._changed(interaction, await settings_view.set_cap(self.tutor, ref, cap))

    @guarded(update=True)
    async def set_daily_on(self, interaction: Interaction, on: bool) -> None:
        ref = user_ref(interaction.user)
        await self._changed(interaction, await settings_view.set_daily_on(self.tutor, ref, on))

    @guarded(update=True)
    async def set_track(self, interaction: Interaction, key: str) -> None:
        ref = user_ref(interaction.user)
        await self._changed(interaction, await settings_view.set_track(self.tutor, ref, key))

    @guarded(defer=False)
    async def zone_form(self, interaction: Interaction) -> None:
        """A form answers the click itself (it cannot follow a deferral). It closes when
        sent: an unknown city is told, and the button opens the form again."""
        message_id = interaction.message.id if interaction.message else None
        await interaction.response.send_modal(ZoneForm(self, interaction.user.id, message_id))

    async def zone_typed(
        self, interaction: Interaction, place: str, message_id: int | None
    ) -> None:
        """A typed city: the zone (BadSetting, nothing changed, if unknown), told privately;
        the settings message that opened the form shows it."""
        change = await settings_view.set_zone(self.tutor, user_ref(interaction.user), place)
        await interaction.followup.send(settings_view.zone_text(change), ephemeral=True)
        if message_id is None:
            return
        menu = await tracks.show(self.tutor, user_ref(interaction.user))
        try:
            await interaction.followup.edit_message(
                message_id,
                content=content(change.settings, change.notice),
                view=settings_view_of(change.settings, menu),
            )
        except discord.HTTPException as error:  # gone (ephemeral messages do not last)
            log.info("could not edit settings message %s: %s", message_id, error)

    async def _changed(self, interaction: Interaction, change: Change) -> None:
        await self._show(interaction, change.settings, change.notice)

    async def _show(
        self, interaction: Interaction, current: StudentSettings, head: str = ""
    ) -> None:
        menu = await tracks.show(self.tutor, user_ref(interaction.user))
        await self._edit(interaction, content(current, head), settings_view_of(current, menu))

    @staticmethod
    async def _edit(interaction: Interaction, text: str, view: discord.ui.View) -> None:
        """The clicked settings message (ephemeral, so through the interaction) shows it."""
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            await interaction.edit_original_response(content=text, view=view)
        else:  # a forged click on no settings message: say it privately instead
            await interaction.followup.send(text, view=view, ephemeral=True)
