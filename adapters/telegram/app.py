"""Build the python-telegram-bot Application over the core, and run it in the current loop.

`running()` starts polling (or the webhook server) beside whatever else runs in the event
loop, and stops everything cleanly on exit: the same shape `Application.run_polling` has,
without taking over the loop or its signals. Stopping takes at most DRAIN_SECONDS for the
updates still being handled, and logs what it had to drop.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, BaseRateLimiter, Defaults

from adapters.telegram import redact
from adapters.telegram.content_admin import ContentAdmin
from adapters.telegram.errors import ErrorBoundary
from adapters.telegram.exam import ExamHandlers
from adapters.telegram.group_track import GroupTrack
from adapters.telegram.groups import GroupGames, TelegramGamePublisher
from adapters.telegram.handlers import Handlers, TelegramApp
from adapters.telegram.progress import ProgressHandlers
from adapters.telegram.ratelimit import RetryingRateLimiter
from adapters.telegram.updates import ChatOrderedProcessor, SeenStore
from adapters.telegram.uploads import Uploads
from adapters.telegram.webhook import WebhookServer
from bot.app import App
from bot.config import Settings
from bot.store.seen import SeenEvents
from bot.tutor import utcnow

log = logging.getLogger(__name__)

COMMANDS = (
    BotCommand("start", "Welcome and how it works"),
    BotCommand("quiz", "A practice question now"),
    BotCommand("explain", "A concept card, e.g. /explain S3"),
    BotCommand("stats", "Your progress per exam domain"),
    BotCommand("misses", "Your last wrong answers: retry or read why"),
    BotCommand("exam", "A timed exam: /exam, /exam short, /exam stop, /exam history"),
    BotCommand("settings", "Daily time and zone, reviews a day, track"),
    BotCommand("track", "What you study: pick a pack or exam blueprint"),
    BotCommand("reviews", "At most N reviews a day: /reviews 30"),
    BotCommand("daily", "Daily question: pick a time, /daily 08:30 Berlin"),
    BotCommand("stop", "No more daily questions"),
    BotCommand("help", "What I can do"),
)
ADMIN_COMMANDS = (
    *COMMANDS,
    BotCommand("import", "Import a .yaml file (caption or reply)"),
    BotCommand("content", "Loaded packs; /content retire PACK"),
)
GROUP_COMMANDS = (
    BotCommand("quiz", "A question for everyone; /quiz 5 for a 5-round quiz"),
    BotCommand("duel", "Reply to a member's message to challenge them"),
    BotCommand("leaderboard", "This group's best duellists and quiz players"),
    BotCommand("stopgame", "Stop the game you started or play in"),
    BotCommand("track", "What this group studies (its admins change it)"),
    BotCommand("explain", "A concept card, e.g. /explain S3"),
    BotCommand("help", "What I can do"),
)
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER)
DRAIN_SECONDS = 10.0
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class TelegramConfigError(Exception):
    """A Telegram setting is missing or wrong; the message names the variable."""


def check_settings(settings: Settings) -> None:
    if settings.telegram_token is None:
        raise TelegramConfigError("TELEGRAM_TOKEN is not set")
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret
        if secret is None:
            raise TelegramConfigError(
                "TELEGRAM_WEBHOOK_SECRET must be set in webhook mode (TELEGRAM_WEBHOOK_URL)"
            )
        if not _SECRET_TOKEN.fullmatch(secret.get_secret_value()):
            raise TelegramConfigError(
                "TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -"
            )
        if urlsplit(settings.telegram_webhook_url).scheme not in ("http", "https"):
            raise TelegramConfigError("TELEGRAM_WEBHOOK_URL must be an https:// URL")


def build_application(
    core: App,
    settings: Settings,
    *,
    rate_limiter: BaseRateLimiter | None = None,  # type: ignore[type-arg]
) -> TelegramApp:
    """The Application with every handler, talking to TELEGRAM_API_URL."""
    check_settings(settings)
    assert settings.telegram_token is not None
    token = settings.telegram_token.get_secret_value()
    secret = settings.telegram_webhook_secret
    redact.hide(token, secret.get_secret_value() if secret else None)
    api = settings.telegram_api_url.rstrip("/")
    admins = settings.telegram_admin_ids

    async def post_init(application: TelegramApp) -> None:
        await set_commands(application, admins)

    # Webhook replicas may each get a copy of an update: they agree in the database.
    seen = _DatabaseSeen(core) if settings.telegram_webhook_url else None
    processor = ChatOrderedProcessor(seen)
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        .concurrent_updates(processor)
        .post_init(post_init)
        .build()
    )
    handlers = Handlers(
        core.tutor, admins, core.games, core.reports, core.open_questions, core.confidence
    )
    GroupGames(core.games).register(application)  # before the private-chat handlers
    GroupTrack(core.chat_tracks).register(application)  # a group's own /track, likewise
    ProgressHandlers(core.progress).register(application)  # /stats, /misses and their buttons
    ExamHandlers(core.exams).register(application)  # before the general button handler
    handlers.register(application)
    core.games.attach(TelegramGamePublisher(application.bot))
    Uploads(core.engine, core.tutor, admins).register(application)
    ContentAdmin(core.engine, core.tutor, admins).register(application)
    handlers.register_fallback(application)
    application.add_error_handler(ErrorBoundary(core.tutor, processor))
    return application


class _DatabaseSeen(SeenStore):
    def __init__(self, core: App) -> None:
        self.events = SeenEvents(core.store.db, "telegram")

    async def first_time(self, update_id: int) -> bool:
        return await self.events.first_time(update_id, utcnow())


async def set_commands(application: TelegramApp, admins: frozenset[int]) -> None:
    """Register the command menu; admins also see /import in their private chat."""
    bot = application.bot
    await bot.set_my_commands(COMMANDS)
    await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    for admin in sorted(admins):
        try:
            await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except TelegramError as error:  # the admin has not started the bot yet
            log.info("no /import menu for admin %s yet: %s", admin, error)


@asynccontextmanager
async def running(application: TelegramApp, settings: Settings) -> AsyncIterator[TelegramApp]:
    """Initialize, start fetching updates (webhook or polling), and process them until exit."""
    async with application:  # initialize() ... shutdown()
        if application.post_init is not None:  # run_polling would call it; so do we
            await application.post_init(application)
        updater = application.updater
        assert updater is not None
        webhook: WebhookServer | None = None
        if settings.telegram_webhook_url:
            webhook = await start_webhook(application, settings)
        else:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            log.info("telegram: polling for updates")
        await application.start()
        try:
            yield application
        finally:
            await stop(application, webhook)


async def start_webhook(application: TelegramApp, settings: Settings) -> WebhookServer:
    url = settings.telegram_webhook_url
    secret = settings.telegram_webhook_secret
    assert url is not None and secret is not None  # check_settings made sure
    server = WebhookServer(
        application.bot,
        application.update_queue,
        secret=secret.get_secret_value(),
        path=urlsplit(url).path,
        listen=settings.telegram_webhook_listen,
        port=settings.telegram_webhook_port,
    )
    await server.start()
    await application.bot.set_webhook(
        url, secret_token=secret.get_secret_value(), allowed_updates=ALLOWED_UPDATES
    )
    log.info("telegram: webhook at %s", url)
    return server


async def stop(application: TelegramApp, webhook: WebhookServer | None) -> None:
    """Stop taking updates, give the ones in hand DRAIN_SECONDS, drop the rest, say so."""
    started = time.monotonic()
    processor = application.update_processor
    limiter = application.bot.rate_limiter
    if isinstance(processor, ChatOrderedProcessor):
        processor.begin_drain(DRAIN_SECONDS)
    if isinstance(limiter, RetryingRateLimiter):
        limiter.drain()  # no more retries or backoff: Telegram may be down
    if webhook is not None:
        await webhook.stop()
    assert application.updater is not None
    if application.updater.running:
        await application.updater.stop()
    report = None
    if isinstance(processor, ChatOrderedProcessor):
        report = await processor.drain()
    if application.running:
        await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    abandoned = limiter.drained.retries_abandoned if isinstance(limiter, RetryingRateLimiter) else 0
    if report is not None and (
        report.updates_dropped or report.updates_cut or report.apologies_dropped or abandoned
    ):
        log.warning(
            "telegram: stopped in %.1fs; dropped %d update(s) not yet started and %d cut "
            "short, %d apolog(ies) and %d retr(ies) not delivered",
            time.monotonic() - started,
            report.updates_dropped,
            report.updates_cut,
            report.apologies_dropped,
            abandoned,
        )
    else:
        log.info("telegram: stopped in %.1fs", time.monotonic() - started)
