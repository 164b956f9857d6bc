"""A student's open question (the latest personal ask, neither answered nor skipped), and
skipping it, on SQLAlchemy Core over the store's Database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Table, select, update

from bot.store.database import Database
from bot.store.models import Ask, Attempt
from bot.tutor import GAME_PURPOSES

SERVICE_PURPOSES = tuple(sorted(GAME_PURPOSES))  # duel, groupquiz, single, exam
ASKS: Table = Ask.__table__  # type: ignore[assignment]


class SqlSkips:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open_ask(self, user_id: int) -> int | None:
        return await self.db.read(self._open_ask, user_id)

    def _open_ask(self, conn: Connection, user_id: int) -> int | None:
        # The latest practice-like ask: exam questions and game rounds have services of
        # their own and never block a /quiz.
        latest = conn.execute(
            select(Ask.id, Ask.skipped_at)
            .where(Ask.user_id == user_id, Ask.purpose.not_in(SERVICE_PURPOSES))
            .order_by(Ask.created_at.desc(), Ask.id.desc())
            .limit(1)
        ).first()
        if latest is None or latest.skipped_at is not None:
            return None
        answered = conn.scalar(
            select(Attempt.id).where(Attempt.ask_id == latest.id, Attempt.user_id == user_id)
        )
        return None if answered is not None else int(latest.id)

    async def skip(self, ask_id: int, user_id: int, now: datetime) -> bool:
        """Mark the user's unanswered ask skipped; False if it was answered or skipped."""
        return await self.db.write(self._skip, ask_id, user_id, now)

    def _skip(self, conn: Connection, ask_id: int, user_id: int, now: datetime) -> bool:
        answered = select(Attempt.id).where(Attempt.ask_id == ask_id).exists()
        done = conn.execute(
            update(ASKS)
            .where(
                ASKS.c.id == ask_id,
                ASKS.c.user_id == user_id,
                ASKS.c.skipped_at.is_(None),
                ~answered,
            )
            .values(skipped_at=now)
        )
        return bool(done.rowcount)
