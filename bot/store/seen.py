"""Platform events (e.g. Telegram update ids) already handled, shared by every process.

Telegram may deliver an update twice, and with several webhook replicas the second copy can
reach another process. The first process to insert (platform, event id) handles it; the
others find the row and skip. Rows older than KEEP are deleted now and then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Connection, String, Table, delete
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.database import Database
from bot.store.models import Base, UtcDateTime
from bot.store.statements import dialect_insert

KEEP = timedelta(days=1)
PRUNE_EVERY = 1000  # inserts


class SeenEvent(Base):
    __tablename__ = "seen_events"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SeenEvents:
    def __init__(self, db: Database, platform: str) -> None:
        self.db = db
        self.platform = platform
        table: Table = SeenEvent.__table__  # type: ignore[assignment]
        self._insert = dialect_insert(db.dialect, table).on_conflict_do_nothing()
        self._inserts = 0

    async def first_time(self, event_id: int, now: datetime) -> bool:
        """True the first time any process asks about this event; False ever after."""
        self._inserts += 1
        prune = self._inserts % PRUNE_EVERY == 1
        return await self.db.write(self._claim, event_id, now, prune)

    def _claim(self, conn: Connection, event_id: int, now: datetime, prune: bool) -> bool:
        if prune:
            conn.execute(delete(SeenEvent).where(SeenEvent.seen_at < now - KEEP))
        row = {"platform": self.platform, "event_id": event_id, "seen_at": now}
        return conn.execute(self._insert, row).rowcount == 1
