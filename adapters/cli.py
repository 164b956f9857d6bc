"""The `tutor` command: the composition root that wires settings, database and adapters.

It lives in adapters/ because it is where platforms get chosen; bot/ stays platform-free.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import threading
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.discord.errors import DiscordConfigError
from adapters.reports_cli import content_reports
from bot.app import start
from bot.config import Settings, SettingsError, load_settings
from bot.content.catalog import UnknownPack, catalog, catalog_text, retire_pack, retired_text
from bot.content.importer import ImportRefused, import_paths, known_packs, lint_with_database
from bot.daily.lock import SweepLock, SweepLockHeld
from bot.daily.progress import Progress, progress, remaining
from bot.daily.store import (
    BLOCKED,
    EXPIRED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    STATUSES,
    UNKNOWN,
    DailyStore,
)
from bot.logs import setup_logging
from bot.store import migrate
from bot.store.db import make_engine
from bot.store.problems import connect_problem
from bot.tutor import utcnow

log = logging.getLogger("tutor")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor", description="SAA Tutor: an AWS Solutions Architect – Associate exam tutor."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run", help="run the bots (Telegram/Discord), or a terminal session without tokens"
    )
    sub.add_parser("chat", help="study in the terminal")

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply the migrations")

    content = sub.add_parser("content", help="question banks").add_subparsers(
        dest="action", required=True
    )
    lint = content.add_parser("lint", help="check YAML files or pack folders")
    lint.add_argument("paths", nargs="+", type=Path)
    imp = content.add_parser("import", help="lint and load YAML files or pack folders")
    imp.add_argument("paths", nargs="+", type=Path)
    content.add_parser("list", help="the loaded packs: blueprints, counts, revision")
    retire = content.add_parser("retire", help="stop asking a pack's questions (history kept)")
    retire.add_argument("pack")
    reports = content.add_parser("reports", help="question reports from students")
    reports.add_argument("--days", type=int, default=None, help="only the last N days")

    daily = sub.add_parser("daily", help="the daily question push").add_subparsers(
        dest="action", required=True
    )
    sweep = daily.add_parser("sweep", help="run one sweep now (or as if at --at), then exit")
    sweep.add_argument("--at", type=_instant, help="ISO-8601 time; no offset means UTC")
    status = daily.add_parser("status", help="the day's delivery counts")
    status.add_argument("--date", type=date.fromisoformat, help="local date, YYYY-MM-DD")
    return parser


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 time such as 2026-03-29T07:30:00+02:00"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _quiet_closed_loop(args: threading.ExceptHookArgs) -> None:
    """aiosqlite's worker thread may still report a failed connect after the event loop
    closed (seen under load when the database file cannot be opened); the error has already
    been told in one line, so its 'Event loop is closed' traceback is noise."""
    if isinstance(args.exc_value, RuntimeError) and "Event loop is closed" in str(args.exc_value):
        return
    threading.__excepthook__(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"tutor: {error}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_format)
    threading.excepthook = _quiet_closed_loop
    try:
        return asyncio.run(dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `tutor chat | head`)
        sys.stderr.close()
        return 0
    except Exception as error:
        problem = connect_problem(error, settings.database_url)
        if problem is None:
            raise
        print(f"tutor: DATABASE_URL: {problem}", file=sys.stderr)
        return 2


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "content" and args.action == "lint":
        return await content_lint(settings, args.paths)
    if args.command == "content" and args.action == "import":
        return await content_import(settings, args.paths)
    if args.command == "content" and args.action in ("list", "retire"):
        return await content_catalog(settings, args.action, getattr(args, "pack", ""))
    if args.command == "content" and args.action == "reports":
        return await content_reports(settings, args.days)
    if args.command == "db":
        engine = make_engine(settings.database_url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()
        print("database is up to date")
        return 0
    if args.command == "daily" and args.action == "sweep":
        return await daily_sweep(settings, args.at)
    if args.command == "daily" and args.action == "status":
        return await daily_status(settings, args.date)
    if args.command == "chat":
        return await run_chat(settings)
    if args.command == "run":
        return await run(settings)
    return 2


async def content_lint(settings: Settings, paths: list[Path]) -> int:
    engine = await _existing_database(settings)
    try:
        result = await lint_with_database(engine, paths)
    finally:
        if engine is not None:
            await engine.dispose()
    for problem in result.problems:
        print(problem)
    if result.ok:
        c = result.content
        print(
            f"ok: {len(c.packs)} pack(s), {len(c.concepts)} concept(s), "
            f"{len(c.questions)} question(s)",
            file=sys.stderr,
        )
    return 0 if result.ok else 1


async def _existing_database(settings: Settings) -> AsyncEngine | None:
    """The configured database if it already exists and holds content, to resolve lone files.

    Lint never creates or migrates a database: without one it checks whole packs alone.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return None
    engine = make_engine(settings.database_url)
    try:
        await known_packs(engine)
        return engine
    except Exception as error:
        log.debug("linting without the database: %s", error)
        await engine.dispose()
        return None


async def content_import(settings: Settings, paths: list[Path]) -> int:
    engine = make_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        report = await import_paths(engine, paths)
    except ImportRefused as refused:
        for problem in refused.problems:
            print(problem)
        print("import refused: nothing was changed", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    for line in report.lines():
        print(line)
    return 0


async def content_catalog(settings: Settings, action: str, pack: str) -> int:
    engine = make_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        if action == "list":
            print(catalog_text(await catalog(engine)))
            return 0
        try:
            print(retired_text(await retire_pack(engine, pack)))
        except UnknownPack as unknown:
            print(f"tutor: {unknown.message}; nothing was changed", file=sys.stderr)
            return 1
        return 0
    finally:
        await engine.dispose()


async def daily_sweep(settings: Settings, at: datetime | None) -> int:
    """One sweep through the configured platforms, the same code the scheduler runs."""
    if settings.telegram_token is None and settings.discord_token is None:
        print(
            "tutor daily sweep: no platform to send through: set TELEGRAM_TOKEN or DISCORD_TOKEN",
            file=sys.stderr,
        )
        return 1
    from adapters.daily import channel, channel_dailies, sweeper
    from bot.daily.channel_daily import ChannelPoster, WithChannels
    from bot.daily.sweeper import Channel, DailySweeper

    lock = SweepLock.for_database(settings.database_url)
    try:
        lock.acquire()
    except SweepLockHeld as held:
        print(f"tutor daily sweep: not sweeping: {held}", file=sys.stderr)
        return 1
    app = await start(settings)
    try:
        async with AsyncExitStack() as sessions:
            channels: dict[str, Channel] = {}
            posters: dict[str, ChannelPoster] = {}
            if settings.telegram_token is not None:
                from adapters.telegram.app import build_application
                from adapters.telegram.notifier import TelegramNotifier

                application = await sessions.enter_async_context(build_application(app, settings))
                notifier = TelegramNotifier(application.bot)
                channels["telegram"] = channel(notifier, settings.telegram_daily_rate)
            if settings.discord_token is not None:
                from adapters.discord.client import build_client, rest_session
                from adapters.discord.notifier import DiscordChannelPoster, DiscordNotifier

                client = build_client(app, settings)
                token = settings.discord_token.get_secret_value()
                await sessions.enter_async_context(rest_session(client, token))
                channels["discord"] = channel(DiscordNotifier(client), settings.discord_daily_rate)
                posters["discord"] = DiscordChannelPoster(client)
            plain = sweeper(app, channels)
            work: DailySweeper | WithChannels = plain
            if posters:
                work = WithChannels(plain, channel_dailies(app, posters))
            report = await work.sweep(at or utcnow())
        print(report.line())
        return 0
    except DiscordConfigError as error:
        print(f"tutor daily sweep: {error}", file=sys.stderr)
        return 1
    finally:
        await app.close()
        lock.release()


async def daily_status(settings: Settings, day: date | None) -> int:
    app = await start(settings, seed_content=False)
    try:
        now = utcnow()
        today = now.astimezone(ZoneInfo(settings.default_tz)).date()
        day = day or today
        counts = await DailyStore(app.store.db).counts(day, now if day == today else None)
        sent = await progress(app.store.db, day)
    finally:
        await app.close()
    planned = sum(counts[s] for s in STATUSES)
    print(f"daily questions for {day.isoformat()}:")
    print(
        f"  due        {planned + counts['due_unplanned']}  (planned {planned}, "
        f"not yet planned {counts['due_unplanned']})"
    )
    print(f"  sent       {counts[SENT]}")
    print(f"  pending    {counts[PENDING] + counts[SENDING]}")
    print(f"  blocked    {counts[BLOCKED]}")
    print(
        f"  failed     {counts[FAILED] + counts[UNKNOWN] + counts[EXPIRED]}  (unknown "
        f"{counts[UNKNOWN]}, expired {counts[EXPIRED]})"
    )
    print(
        f"  possible duplicates (resent after a timeout or a crash)  {counts['maybe_duplicates']}"
    )
    print_window(sent, counts[PENDING] + counts[SENDING] + counts["due_unplanned"], settings)
    return 0


def print_window(sent: Progress, to_go: int, settings: Settings) -> None:
    """When the day's push began and last sent, and how long the rest needs."""
    if sent.first is not None and sent.last is not None:
        rate = sent.rate()
        pace = f", {rate:.1f}/s" if rate is not None else ""
        print(
            f"  window     first sent {sent.first:%H:%M:%S}, last {sent.last:%H:%M:%S} UTC "
            f"({(sent.last - sent.first).total_seconds() / 60:.1f} min{pace})"
        )
    if to_go:
        cap = settings.telegram_daily_rate
        print(
            f"  to go      {to_go}: at least {remaining(to_go, cap)} more at "
            f"TELEGRAM_DAILY_RATE={cap:g}/s (replies to students go first)"
        )


async def run_chat(settings: Settings) -> int:
    from adapters.console.session import ConsoleSession, console_user
    from bot.daily.pull import PulledDaily

    app = await start(settings)
    try:
        daily = PulledDaily(app.tutor, app.engine)
        return await ConsoleSession(
            app.tutor,
            console_user(),
            progress=app.progress,
            exams=app.exams,
            daily=daily,
            opened=app.open_questions,
            confidence=app.confidence,
        ).run()
    finally:
        await app.close()


async def run(settings: Settings) -> int:
    if settings.telegram_token is None and settings.discord_token is None:
        if sys.stdin.isatty():
            return await run_chat(settings)
        print(
            "tutor run: no platform token set and no terminal to chat in. Set TELEGRAM_TOKEN "
            "and/or DISCORD_TOKEN to run the bots, or run `tutor chat` in a terminal.",
            file=sys.stderr,
        )
        return 1
    from adapters.runner import run_platforms

    return await run_platforms(settings)


if __name__ == "__main__":
    sys.exit(main())
