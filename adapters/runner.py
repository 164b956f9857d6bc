"""`tutor run` with platform tokens: the core and every configured platform in one event loop.

Each platform is an async context manager entered on one AsyncExitStack, so more services
(Discord, the daily scheduler) join the same loop by entering theirs beside Telegram's.
SIGINT and SIGTERM set an event; leaving the stack stops everything in reverse order.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager

from sqlalchemy import text
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from adapters.daily import channel, daily_running
from adapters.http import serving
from bot.app import App, start
from bot.config import Settings
from bot.health import Health

log = logging.getLogger("tutor.run")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def run_platforms(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Run until SIGINT/SIGTERM (or until `stop` is set); the exit status for `tutor run`."""
    if settings.telegram_token is None:
        print(
            "tutor run: the Discord adapter is not built yet, so DISCORD_TOKEN alone cannot "
            "run anything. Set TELEGRAM_TOKEN to run the Telegram bot.",
            file=sys.stderr,
        )
        return 1
    from adapters.telegram.app import TelegramConfigError, build_application, check_settings
    from adapters.telegram.app import running as telegram_running
    from adapters.telegram.notifier import TelegramNotifier

    try:
        check_settings(settings)
    except TelegramConfigError as error:
        print(f"tutor run: {error}", file=sys.stderr)
        return 2
    if settings.discord_token is not None:
        log.warning("DISCORD_TOKEN is set, but the Discord adapter is not built yet: ignored")

    stop = stop or asyncio.Event()
    core = await start(settings)
    try:
        with _stop_on_signals(stop):
            async with AsyncExitStack() as platforms:
                application = build_application(core, settings)
                await platforms.enter_async_context(telegram_running(application, settings))
                channels = {
                    "telegram": channel(
                        TelegramNotifier(application.bot), settings.telegram_daily_rate
                    )
                }
                await platforms.enter_async_context(daily_running(core, channels))
                if settings.http_listen:
                    health = Health()
                    health.add("database", database_check(core))
                    health.add("telegram", telegram_check(application.bot))
                    await platforms.enter_async_context(serving(health, settings.http_listen))
                log.info("running; Ctrl-C or SIGTERM stops")
                await stop.wait()
                log.info("stopping")
    except InvalidToken:
        print("tutor run: Telegram refused TELEGRAM_TOKEN (invalid token)", file=sys.stderr)
        return 1
    except TelegramError as error:
        print(f"tutor run: could not start the Telegram bot: {error}", file=sys.stderr)
        return 1
    finally:
        await core.close()
    return 0


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
