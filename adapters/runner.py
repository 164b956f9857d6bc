"""`tutor run` with platform tokens: the core and every configured platform in one event loop.

Each platform is an async context manager entered on one AsyncExitStack, so more services
(Discord, the daily scheduler) join the same loop by entering theirs beside Telegram's.
SIGINT and SIGTERM set an event; leaving the stack stops everything in reverse order.

`/healthz` and `/metrics` (TUTOR_HTTP) start first. A platform that cannot be reached at
start (no network yet, the Bot API down) is retried with backoff while `/healthz` says so
(503); only a refused token stops the process.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from typing import TypeVar

from sqlalchemy import text
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from adapters.daily import channel, daily_running
from adapters.discord.errors import DiscordConfigError
from adapters.http import serving
from bot.app import App, start
from bot.config import Settings
from bot.daily.channel_daily import ChannelPoster
from bot.daily.scheduler import Tick
from bot.daily.sweeper import Channel
from bot.health import Health
from bot.reports import DIGEST_EVERY_S, ReportDigest, Send, to_each

log = logging.getLogger("tutor.run")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def run_platforms(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Run until SIGINT/SIGTERM (or until `stop` is set); the exit status for `tutor run`."""
    if settings.telegram_token is not None:
        from adapters.telegram.app import TelegramConfigError, check_settings

        try:
            check_settings(settings)
        except TelegramConfigError as error:
            print(f"tutor run: {error}", file=sys.stderr)
            return 2

    stop = stop or asyncio.Event()
    core = await start(settings)
    try:
        with _stop_on_signals(stop):
            async with AsyncExitStack() as platforms:
                health = Health()
                health.add("database", database_check(core))
                if settings.http_listen:
                    await platforms.enter_async_context(serving(health, settings.http_listen))
                channels: dict[str, Channel] = {}
                posters: dict[str, ChannelPoster] = {}
                to_admins: list[Send] = []  # the daily report summary, per platform
                if settings.telegram_token is not None:
                    started = await _until_connected(
                        "telegram", lambda: _telegram(platforms, core, settings), health, stop
                    )
                    if started is None:
                        return 0  # stopped before Telegram could be reached
                    channels["telegram"], check, telegram_bot = started
                    health.add("telegram", check)
                    if settings.telegram_admin_ids:
                        to_admins.append(telegram_admins(telegram_bot, settings.telegram_admin_ids))
                if settings.discord_token is not None:
                    channels["discord"], posters["discord"], check, to_discord = await _discord(
                        platforms, core, settings
                    )
                    health.add("discord", check)
                    if settings.discord_admin_ids:
                        to_admins.append(to_discord)
                ticks: dict[str, tuple[Tick, float]] = {}
                if to_admins:  # one digest, claimed once a day, sent on every platform
                    digest = ReportDigest(core.reports, to_each(to_admins))
                    ticks["reports-digest"] = (digest.tick, DIGEST_EVERY_S)
                await platforms.enter_async_context(daily_running(core, channels, posters, ticks))
                log.info("running; Ctrl-C or SIGTERM stops")
                await stop.wait()
                log.info("stopping")
    except InvalidToken:
        print("tutor run: Telegram refused TELEGRAM_TOKEN (invalid token)", file=sys.stderr)
        return 1
    except TelegramError as error:
        print(f"tutor run: could not start the Telegram bot: {error}", file=sys.stderr)
        return 1
    except DiscordConfigError as error:
        print(f"tutor run: {error}", file=sys.stderr)
        return 1
    finally:
        await core.close()
    return 0


Check = Callable[[], Awaitable[str | None]]
T = TypeVar("T")
FIRST_RETRY_S, MAX_RETRY_S = 1.0, 60.0


async def _until_connected(
    name: str, connect: Callable[[], Awaitable[T]], health: Health, stop: asyncio.Event
) -> T | None:
    """Connect to a platform, retrying network failures with backoff (1 s doubling to 60 s)
    while /healthz reports it down; None if `stop` is set first. Other errors (a refused
    token) propagate."""
    delay = FIRST_RETRY_S
    health.add(name, _down("connecting"))
    while True:
        try:
            return await connect()
        except NetworkError as error:  # includes TimedOut; InvalidToken is not one
            reason = f"cannot reach it yet ({error}); next try in {delay:g} s"
            log.warning("%s: %s", name, reason)
            health.add(name, _down(reason))
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return None
        except TimeoutError:
            delay = min(delay * 2, MAX_RETRY_S)


def _down(reason: str) -> Check:
    async def check() -> str | None:
        return reason

    return check


def telegram_admins(bot: Bot, admins: frozenset[int]) -> Send:
    """Send to the admins named in TELEGRAM_ADMINS (the daily report summary), through
    the running bot, so within its one send budget."""
    from adapters.telegram import render

    async def send(text: str) -> None:
        for admin in admins:
            try:
                await bot.send_message(admin, render.escaped(text))
            except TelegramError as error:
                log.warning("could not send the report summary to %s: %s", admin, error)

    return send


async def _telegram(
    platforms: AsyncExitStack, core: App, settings: Settings
) -> tuple[Channel, Check, Bot]:
    from adapters.telegram.app import build_application
    from adapters.telegram.app import running as telegram_running
    from adapters.telegram.notifier import TelegramNotifier

    application = build_application(core, settings)
    await platforms.enter_async_context(telegram_running(application, settings))
    notifier = TelegramNotifier(application.bot)
    bot = application.bot
    return channel(notifier, settings.telegram_daily_rate), telegram_check(bot), bot


async def _discord(
    platforms: AsyncExitStack, core: App, settings: Settings
) -> tuple[Channel, ChannelPoster, Check, Send]:
    """Discord's daily channel and poster, its health check, and a send to DISCORD_ADMINS."""
    from adapters.discord.client import build_client
    from adapters.discord.client import running as discord_running
    from adapters.discord.notifier import DiscordChannelPoster, DiscordNotifier
    from adapters.discord.reporting import admin_sender

    assert settings.discord_token is not None
    client = build_client(core, settings)
    await platforms.enter_async_context(
        discord_running(client, settings.discord_token.get_secret_value())
    )

    async def connected() -> str | None:
        return None if client.is_ready() and not client.is_closed() else "gateway not connected"

    notifier = DiscordNotifier(client)
    daily = channel(notifier, settings.discord_daily_rate)
    return (
        daily,
        DiscordChannelPoster(client),
        connected,
        admin_sender(client, settings.discord_admin_ids),
    )


def database_check(core: App) -> Callable[[], Awaitable[str | None]]:
    async def check() -> str | None:
        async with core.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return None

    return check


def telegram_check(bot: Bot) -> Callable[[], Awaitable[str | None]]:
    async def check() -> str | None:
        await bot.get_me()
        return None

    return check


@contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # e.g. not the main thread
            log.debug("cannot handle %s here", sig.name)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
