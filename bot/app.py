"""The composition root: settings -> database -> migrations -> content -> tutor."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import heap
from bot.chat_tracks import ChatTracks
from bot.confidence import Confidence
from bot.config import Settings
from bot.content.importer import has_content, import_paths
from bot.exams.service import Exams
from bot.games.service import Games
from bot.open_question import OpenQuestions
from bot.progress import Progress
from bot.reports import Reports
from bot.store import migrate
from bot.store.chat_tracks import SqlChatTracks
from bot.store.confidence import SqlConfidence
from bot.store.db import make_engine
from bot.store.exams import SqlExamStore
from bot.store.games import SqlGameStore
from bot.store.progress import SqlProgressStore
from bot.store.reports import SqlReports
from bot.store.skips import SqlSkips
from bot.store.sql import SqlStore
from bot.tutor import Tutor

log = logging.getLogger(__name__)

# Platforms whose users get daily DMs only once they ask (/daily me on Discord): bots that
# send unasked DMs in bulk get quarantined there.
DAILY_OPT_IN = frozenset({"discord", "console"})


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    store: SqlStore
    tutor: Tutor
    games: Games
    progress: Progress
    exams: Exams
    reports: Reports = field(init=False)
    open_questions: OpenQuestions = field(init=False)
    chat_tracks: ChatTracks = field(init=False)
    confidence: Confidence = field(init=False)

    def __post_init__(self) -> None:
        self.chat_tracks = ChatTracks(self.tutor, SqlChatTracks(self.store.db))
        self.confidence = Confidence(self.tutor, SqlConfidence(self.store.db, self.store.sql))
        self.reports = Reports(self.tutor, SqlReports(self.store.db))
        self.open_questions = OpenQuestions(self.tutor, SqlSkips(self.store.db))

    async def close(self) -> None:
        self.store.db.dispose()
        await self.engine.dispose()
        heap.release()


async def start(settings: Settings, *, seed_content: bool = True) -> App:
    """Open the database, migrate it, load the shipped content into an empty one."""
    engine = make_engine(settings.database_url)
    await migrate.upgrade(engine)
    if seed_content and not await has_content(engine) and settings.content_dir.is_dir():
        report = await import_paths(engine, [settings.content_dir])
        log.info("first start: imported %s: %s", settings.content_dir, "; ".join(report.lines()))
    store = SqlStore(engine)
    tutor = Tutor(
        store,
        default_tz=settings.default_tz,
        daily_opt_in=DAILY_OPT_IN,
        default_pack=settings.default_pack,
    )
    games = Games(tutor, SqlGameStore(store))
    exams = Exams(tutor, SqlExamStore(store))
    progress = Progress(tutor, SqlProgressStore(store.db), exams.finished_summaries)
    app = App(settings, engine, store, tutor, games, progress, exams)
    await tutor.bank()  # loaded now, so that it is frozen with the rest (bot/heap.py)
    heap.settle()
    return app
