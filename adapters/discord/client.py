"""The Discord client over the core: slash commands, persistent buttons, and running it in
the current event loop beside the other platforms.

Services are injected into the Client subclass (discord.py's advanced_startup example);
`setup_hook` registers the DynamicItem buttons and syncs the commands: to DISCORD_GUILD_IDS
at once while developing, or globally. The intents are the default ones: nothing here reads
message content, so no privileged intent is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.daily import channel_dailies
from adapters.discord.buttons import DYNAMIC_ITEMS, stale_click
from adapters.discord.errors import DiscordConfigError
from adapters.discord.exam import EXAM_ITEMS, register_exam
from adapters.discord.games import DiscordGamePublisher
from adapters.discord.handlers import Handlers
from bot import metrics
from bot.app import App
from bot.config import Settings

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]


class TutorBot(discord.Client):
    def __init__(self, handlers: Handlers, guilds: tuple[int, ...] = (), api_url: str = "") -> None:
        super().__init__(intents=discord.Intents.default())
        self.handlers = handlers
        self.guilds_to_sync = guilds
        self.tree = app_commands.CommandTree(self)
        register_commands(self.tree, handlers)
        register_exam(self.tree, handlers.exams)
        if api_url:
            # discord.py keeps its API base in a class attribute: one Discord per process.
            Route.BASE = f"{api_url.rstrip('/')}/api/v10"
        self._use_api_gateway = bool(api_url)
        self.rest_only = False  # logged in to send (e.g. one sweep): no gateway, no sync

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS, *EXAM_ITEMS)
        if self.rest_only:
            return
        if self._use_api_gateway:  # the gateway this API names (a fake one in tests)
            _shards, url, _limits = await self.http.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        if self.guilds_to_sync:
            for guild_id in self.guilds_to_sync:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
            log.info("discord: commands synced to guilds %s", self.guilds_to_sync)
        else:
            await self.tree.sync()
            log.info("discord: commands synced globally")

    async def on_interaction(self, interaction: Interaction) -> None:
        metrics.count_update("discord")
        if interaction.type is discord.InteractionType.component:
            await stale_click(interaction)

    async def on_ready(self) -> None:
        log.info("discord: connected as %s", self.user)


def register_commands(tree: app_commands.CommandTree[Any], h: Handlers) -> None:
    @tree.command(
        description="A question for this channel (in a DM, your own); rounds: a group quiz"
    )
    @app_commands.describe(rounds="Play a group quiz of this many rounds (1-10), in a server")
    async def quiz(
        interaction: Interaction, rounds: app_commands.Range[int, 1, 10] | None = None
    ) -> None:
        await h.quiz(interaction, rounds)

    @tree.command(description="Challenge a member to a duel")
    @app_commands.describe(opponent="Who you challenge", rounds="How many rounds (3-10)")
    @app_commands.guild_only()
    async def duel(
        interaction: Interaction,
        opponent: discord.Member,
        rounds: app_commands.Range[int, 3, 10] | None = None,
    ) -> None:
        await h.duel(interaction, opponent, rounds)

    @tree.command(description="The server's best duellists and quiz players")
    @app_commands.describe(board="Only one of the two boards")
    @app_commands.guild_only()
    async def leaderboard(
        interaction: Interaction, board: Literal["duels", "quiz"] | None = None
    ) -> None:
        await h.leaderboard(interaction, board)

    @tree.command(description="End the game running in this channel")
    @app_commands.guild_only()
    async def stop(interaction: Interaction) -> None:
        await h.stop(interaction)

    @tree.command(description="A concept card, e.g. S3; without a name, all cards by category")
    @app_commands.describe(name="The service or concept; leave out to browse the cards")
    async def explain(
        interaction: Interaction, name: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        await h.cards.explain(interaction, name)

    @explain.autocomplete("name")
    async def explain_names(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await h.explain_names(current)

    @tree.command(description="Your progress per exam domain (only you see it)")
    async def stats(interaction: Interaction) -> None:
        await h.stats(interaction)

    @tree.command(description="Your last wrong answers: retry or read why (only you see it)")
    async def misses(interaction: Interaction) -> None:
        await h.misses(interaction)

    @tree.command(description="What you (in a DM) or this channel study: packs and exam blueprints")
    @app_commands.describe(name="A pack or pack/blueprint to switch to, e.g. saa")
    async def track(
        interaction: Interaction, name: app_commands.Range[str, 1, 81] | None = None
    ) -> None:
        await h.track(interaction, name)

    @tree.command(description="At most this many spaced-repetition reviews a day")
    @app_commands.describe(per_day="0 to 500; leave out to see the current cap")
    async def reviews(
        interaction: Interaction, per_day: app_commands.Range[int, 0, 500] | None = None
    ) -> None:
        await h.reviews(interaction, per_day)

    @tree.command(description="Your daily question, reviews a day and track (only you see it)")
    async def settings(interaction: Interaction) -> None:
        await h.settings(interaction)

    daily = app_commands.Group(name="daily", description="The daily question")

    @daily.command(name="me", description="Your own daily question by DM (or time:off)")
    @app_commands.describe(
        time="HH:MM, or off; leave out to pick one",
        zone="Your city (Berlin, New York, Sao Paulo) or zone (Europe/Berlin)",
    )
    async def daily_me(
        interaction: Interaction,
        time: app_commands.Range[str, 1, 10] | None = None,
        zone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        await h.daily_me(interaction, time, zone)

    @daily.command(
        name="channel", description="The group's daily question in a channel (Manage Server)"
    )
    @app_commands.describe(
        channel="Where to post it",
        time="HH:MM (default 09:00), or off",
        zone="A city (Berlin) or zone (Europe/Berlin)",
    )
    @app_commands.guild_only()
    async def daily_channel(
        interaction: Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 10] | None = None,
        zone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        await h.daily_channel(interaction, channel, time, zone)

    tree.add_command(daily)

    @tree.command(
        name="import", description="Load a .yaml question or concept file (Manage Server)"
    )
    @app_commands.describe(file="A .yaml file of at most 1 MiB")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def import_(interaction: Interaction, file: discord.Attachment) -> None:
        await h.import_file(interaction, file)

    @tree.command(description="The loaded packs; retire one to stop asking it (Manage Server)")
    @app_commands.describe(retire="The id of a pack to retire (its questions are no longer asked)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def content(
        interaction: Interaction, retire: app_commands.Range[str, 1, 40] | None = None
    ) -> None:
        await h.content(interaction, retire)


async def _login(client: TutorBot, token: str) -> None:
    try:
        await client.login(token)
    except discord.LoginFailure as error:
        raise DiscordConfigError("Discord refused DISCORD_TOKEN (invalid token)") from error


@asynccontextmanager
async def rest_session(client: TutorBot, token: str) -> AsyncIterator[TutorBot]:
    """Logged in over REST only: enough to send messages and DMs (`tutor daily sweep`)."""
    client.rest_only = True
    async with client:
        await _login(client, token)
        yield client


@asynccontextmanager
async def running(client: TutorBot, token: str) -> AsyncIterator[TutorBot]:
    """Log in and keep the gateway connected in this loop until the block exits."""
    async with client:
        await _login(client, token)
        connection = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
        try:
            yield client
        finally:
            await client.close()
            connection.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await connection
            log.info("discord: stopped")


def build_client(core: App, settings: Settings) -> TutorBot:
    """The client with every command and button, talking to DISCORD_API_URL."""
    if settings.discord_token is None:
        raise DiscordConfigError("DISCORD_TOKEN is not set")
    handlers = Handlers(core, channel_dailies(core))
    client = TutorBot(handlers, settings.discord_guilds, settings.discord_api_url)
    core.games.attach(DiscordGamePublisher(client))
    return client
