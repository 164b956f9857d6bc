"""Slash commands and button clicks: decode the interaction, call the core, render, reply.

Every interaction is deferred first (the database can be slow; Discord wants an answer
within 3 s), then answered with a followup. Picks, notices and refusals are ephemeral: only
the member who clicked sees them. Core errors (TutorError, GameError) are shown by the one
boundary in `replies.guarded`.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord import progress, render
from adapters.discord.buttons import (
    PER_ROW,
    ConfidenceButton,
    DailyTimeButton,
    ExplainButton,
    ReportButton,
    SkipButton,
    send_question,
)
from adapters.discord.cards import CardHandlers
from adapters.discord.exam import ExamHandlers
from adapters.discord.games import leaderboard_embed
from adapters.discord.people import PLATFORM, user_ref, venue_of
from adapters.discord.replies import guarded, tell
from adapters.discord.reporting import ReportHandlers
from adapters.discord.settings import SettingsMenu
from adapters.discord.uploads import Uploads
from bot import labels, tracks
from bot.app import App
from bot.daily.channel_daily import ChannelDailies
from bot.errors import BadSetting
from bot.games.service import Games
from bot.open_question import OPEN_NOTICE
from bot.views import DailySetting, Feedback

log = logging.getLogger(__name__)

NOT_IN_SERVER = "Use this command in a server channel."
GROUP_QUIZ_IN_SERVER = (
    "A group quiz is played in a server channel; here /quiz is your own question."
)
MAX_FEEDBACK_CARDS = 4
MANAGE_SERVER = "Only members with the Manage Server permission can do that."

Interaction = discord.Interaction[Any]


def can_manage_server(interaction: Interaction) -> bool:
    """Checked in code: a command's default_permissions is only a hint server admins can
    change, and subcommands have none of their own."""
    return interaction.guild_id is not None and interaction.permissions.manage_guild


def can_manage_channels(interaction: Interaction) -> bool:
    """Manage Server or Manage Channels (in this channel): who may set a channel's track."""
    permissions = interaction.permissions
    return interaction.guild_id is not None and (
        permissions.manage_guild or permissions.manage_channels
    )


class Handlers:
    def __init__(self, core: App, channel_dailies: ChannelDailies) -> None:
        self.core = core
        self.tutor = core.tutor
        self.games: Games = core.games
        self.channel_dailies = channel_dailies
        self.exams = ExamHandlers(core.exams)  # /exam, ephemeral only
        self.uploads = Uploads(core.engine, core.tutor)
        self.cards = CardHandlers(core.tutor)  # /explain and the card buttons
        self.reports = ReportHandlers(core.reports)  # ⚑ Report, its reasons and form
        self.opened = core.open_questions
        self.confidence = core.confidence  # 👍 Sure / 🤔 Unsure under a right answer
        self.settings_menu = SettingsMenu(core.tutor)  # /settings and its buttons

    # -- questions -----------------------------------------------------------------------
    @guarded()
    async def quiz(self, interaction: Interaction, rounds: int | None = None) -> None:
        """In a server channel, a question for everyone; with rounds, a group quiz (the game
        posts in the channel; the member who asked gets a private note). In a DM, the
        member's own practice question, as on Telegram."""
        venue = venue_of(interaction)
        ref = user_ref(interaction.user)
        if venue is None:
            await self._own_question(interaction, rounds)
            return
        if rounds is None:
            notice = await self.games.ask_group(venue, ref)
        else:
            notice = await self.games.start_quiz(venue, ref, rounds)
        await tell(interaction, notice.text)

    async def _own_question(self, interaction: Interaction, rounds: int | None) -> None:
        if rounds is not None:
            await tell(interaction, GROUP_QUIZ_IN_SERVER)
            return
        ref = user_ref(interaction.user)
        open_ask = await self.opened.open_ask(ref)
        if open_ask is not None:  # say so, and offer to skip it (kept as skipped)
            skip = discord.ui.View(timeout=None).add_item(SkipButton(open_ask))
            await interaction.followup.send(OPEN_NOTICE, view=skip, ephemeral=True)
            return
        await send_question(interaction, await self.tutor.next_question(ref))

    @guarded(update=True)
    async def skip(self, interaction: Interaction, ask_id: int) -> None:
        view = await self.opened.skip_and_ask(user_ref(interaction.user), ask_id)
        message = interaction.message
        if message is not None and message.flags.ephemeral:  # the notice: its button goes
            await interaction.edit_original_response(content=labels.SKIPPED, view=None)
        await send_question(interaction, view)

    @guarded()
    async def answer(self, interaction: Interaction, ask_id: int, letters: str) -> None:
        fb = await self.tutor.answer(user_ref(interaction.user), ask_id, letters)
        await interaction.followup.send(
            render.verdict(fb), embed=render.feedback(fb), view=feedback_view(fb), ephemeral=True
        )
        message = interaction.message
        if message is None:
            return
        if fb.purpose == "group":  # keep the buttons: the others may still answer
            answers = await self.tutor.group_answers(fb.ask_id)
            content = render.group_tally(answers)
            await _edit(interaction, message, content=content)
        else:  # a personal question is closed: show how it went, drop the buttons
            await _edit(interaction, message, content=render.result_line(fb), view=None)

    @guarded()
    async def confident(self, interaction: Interaction, ask_id: int, sure: bool) -> None:
        """Sure / unsure about a right answer: the core's note, privately (nothing edited)."""
        marked = await self.confidence.mark(user_ref(interaction.user), ask_id, sure)
        await tell(interaction, marked.text())

    # -- explain / stats -----------------------------------------------------------------
    async def explain_names(self, current: str) -> list[app_commands.Choice[str]]:
        """Up to 25 concept names: those starting with what was typed, then containing it."""
        bank = await self.tutor.bank()
        typed = current.strip().lower()
        names = sorted({c.name for c in bank.concepts.values()}, key=str.lower)
        starts = [n for n in names if n.lower().startswith(typed)]
        contains = [n for n in names if typed in n.lower() and n not in starts]
        picked = (starts + contains)[:25]
        return [app_commands.Choice(name=render.cut(n, 100), value=n[:100]) for n in picked]

    @guarded()
    async def stats(self, interaction: Interaction) -> None:
        await progress.send_stats(interaction, self.core.progress, user_ref(interaction.user))

    @guarded()
    async def misses(self, interaction: Interaction) -> None:
        await progress.send_misses(interaction, self.core.progress, user_ref(interaction.user))

    @guarded()
    async def miss_action(self, interaction: Interaction, kind: str, question_key: int) -> None:
        ref = user_ref(interaction.user)
        await progress.miss_action(interaction, self.core.progress, ref, kind, question_key)

    # -- track / reviews -----------------------------------------------------------------
    @guarded()
    async def track(self, interaction: Interaction, name: str | None) -> None:
        """In a DM, what the member studies; in a server channel, what the channel's games
        and daily question ask from (bot.chat_tracks). With a name ('saa', 'saa/course'),
        switch to it: a channel's only for those who may manage the server or channels."""
        venue = venue_of(interaction)
        if venue is not None:
            chat_tracks = self.core.chat_tracks
            menu = await (
                chat_tracks.choose(venue.group_key, name, can_manage_channels(interaction))
                if name
                else chat_tracks.show(venue.group_key)
            )
            await tell(interaction, menu.text())
            return
        ref = user_ref(interaction.user)
        menu = await (
            tracks.choose(self.tutor, ref, name) if name else tracks.show(self.tutor, ref)
        )
        await tell(interaction, menu.text())

    @guarded()
    async def reviews(self, interaction: Interaction, per_day: int | None) -> None:
        text = "" if per_day is None else str(per_day)
        await tell(
            interaction, await tracks.set_review_cap(self.tutor, user_ref(interaction.user), text)
        )

    async def settings(self, interaction: Interaction) -> None:
        """The member's settings with buttons to change them (only they see it)."""
        await self.settings_menu.command(interaction)

    # -- daily ---------------------------------------------------------------------------
    @guarded()
    async def daily_me(self, interaction: Interaction, time: str | None, zone: str | None) -> None:
        """`time:08:30 zone:Berlin`; a zone alone keeps the time; nothing, the setting with
        a time picker; `time:off` stops it. Discord shares no location: a city names the zone."""
        ref = user_ref(interaction.user)
        if time is None and zone is None:
            setting = await self.tutor.daily_setting(ref)
            await interaction.followup.send(
                render.daily_with_picker(setting), view=picker_view(), ephemeral=True
            )
            return
        if time is not None and time.strip().lower() == "off":
            setting = await self.tutor.daily_off(ref)
        else:
            if time is None:  # a place alone: the zone, at the time already set
                time = (await self.tutor.daily_setting(ref)).time
            setting = await self.tutor.set_daily(ref, time, zone)
        await tell(interaction, render.daily(setting))

    @guarded(update=True)
    async def daily_time(self, interaction: Interaction, time: str) -> None:
        """A time from the picker: set, and the picker message says the new setting."""
        setting = await self.tutor.set_daily(user_ref(interaction.user), time, None)
        await _say_setting(interaction, setting)

    @guarded()
    async def daily_channel(
        self,
        interaction: Interaction,
        channel: discord.abc.GuildChannel,
        time: str | None,
        zone: str | None,
    ) -> None:
        if not can_manage_server(interaction):
            await tell(interaction, MANAGE_SERVER)
            return
        if not isinstance(channel, discord.abc.Messageable):
            await tell(interaction, f"{channel.mention} is not a text channel.")
            return
        if time is not None and time.strip().lower() == "off":
            found = await self.channel_dailies.turn_off(PLATFORM, str(channel.id))
            text = "no daily question any more" if found else "had no daily question"
            await tell(interaction, f"{channel.mention}: {text}.")
            return
        if time is None and zone is not None:
            raise BadSetting("Give a time with the zone, e.g. time:08:30 zone:Europe/Berlin.")
        setting = await self.channel_dailies.set(
            PLATFORM, str(channel.id), str(interaction.guild_id), time or "09:00", zone
        )
        await tell(
            interaction, render.channel_daily(channel.mention, setting.time, setting.timezone)
        )

    # -- admin import --------------------------------------------------------------------
    @guarded()
    async def import_file(self, interaction: Interaction, file: discord.Attachment) -> None:
        if not can_manage_server(interaction):
            await tell(interaction, MANAGE_SERVER)
            return
        await tell(interaction, await self.uploads.load(interaction.user.id, file))

    @guarded()
    async def content(self, interaction: Interaction, retire: str | None) -> None:
        if not can_manage_server(interaction):
            await tell(interaction, MANAGE_SERVER)
            return
        await tell(interaction, await self.uploads.content(interaction.user.id, retire))

    # -- games ---------------------------------------------------------------------------
    @guarded()
    async def duel(
        self, interaction: Interaction, opponent: discord.Member | discord.User, rounds: int | None
    ) -> None:
        venue = venue_of(interaction)
        if venue is None:
            await tell(interaction, NOT_IN_SERVER)
            return
        notice = await self.games.challenge(
            venue,
            user_ref(interaction.user),
            user_ref(opponent),
            rounds,
            opponent_is_bot=opponent.bot,
        )
        await tell(interaction, notice.text)

    @guarded(ephemeral=False)
    async def leaderboard(self, interaction: Interaction, board: str | None) -> None:
        venue = venue_of(interaction)
        if venue is None:
            await tell(interaction, NOT_IN_SERVER)
            return
        view = await self.games.leaderboard(venue, user_ref(interaction.user))
        await interaction.followup.send(embed=leaderboard_embed(view, board))

    @guarded()
    async def stop(self, interaction: Interaction) -> None:
        venue = venue_of(interaction)
        if venue is None:
            await tell(interaction, NOT_IN_SERVER)
            return
        notice = await self.games.stop(venue, user_ref(interaction.user))
        await tell(interaction, notice.text)

    @guarded()
    async def game_answer(self, interaction: Interaction, ask_id: int, letters: str) -> None:
        notice = await self.games.answer(user_ref(interaction.user), ask_id, letters)
        await tell(interaction, notice.text)

    @guarded()
    async def game_action(self, interaction: Interaction, kind: str, game_id: int) -> None:
        games, ref = self.games, user_ref(interaction.user)
        if kind == "a":
            notice = await games.accept(game_id, ref)
        elif kind == "d":
            notice = await games.decline(game_id, ref)
        else:
            notice = await games.reveal(game_id, ref)
        await tell(interaction, notice.text)


def feedback_view(fb: Feedback) -> discord.ui.View:
    """Under the explanation: sure / unsure after a right answer of the member's own (not
    a group question's), the cards it names, and ⚑ Report."""
    view = discord.ui.View(timeout=None)
    if fb.correct and fb.purpose != "group":  # was it a guess? Unsure: back sooner
        view.add_item(ConfidenceButton(fb.ask_id, "s")).add_item(ConfidenceButton(fb.ask_id, "u"))
    for card in fb.concepts[:MAX_FEEDBACK_CARDS]:
        view.add_item(ExplainButton(card.id, card.name))
    return view.add_item(ReportButton(fb.ask_id))


def picker_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for n, time in enumerate(labels.PICKER_TIMES):
        view.add_item(DailyTimeButton(time.replace(":", ""), row=n // (PER_ROW - 1)))
    return view


async def _say_setting(interaction: Interaction, setting: DailySetting) -> None:
    message = interaction.message
    if message is not None and message.flags.ephemeral:  # the picker: its buttons go
        await interaction.edit_original_response(content=render.daily(setting), view=None)
    else:
        await tell(interaction, render.daily(setting))


async def _edit(interaction: Interaction, message: discord.Message, **changes: Any) -> None:
    """Edit a question in place; an edit that cannot be made is not worth failing over.
    An ephemeral message (a question of the member's own) exists only for the app's
    interactions, so it is edited through this one's webhook, not the channel."""
    try:
        if message.flags.ephemeral:
            await interaction.followup.edit_message(message.id, **changes)
        else:
            await message.edit(**changes)
    except discord.HTTPException as error:
        log.info("could not edit message %s: %s", message.id, error)
