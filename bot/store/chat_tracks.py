"""A group chat's own track (bot.chat_tracks) on SQLAlchemy Core, over the store's Database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Table, select

from bot.store.database import Database
from bot.store.models import ChatTrack
from bot.store.statements import dialect_insert

CHAT_TRACKS: Table = ChatTrack.__table__  # type: ignore[assignment]


class SqlChatTracks:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def chat_track(self, chat_key: str) -> str | None:
        return await self.db.read(self._chat_track, chat_key)

    def _chat_track(self, conn: Connection, chat_key: str) -> str | None:
        return conn.scalar(select(ChatTrack.track).where(ChatTrack.chat_key == chat_key))

    async def set_chat_track(self, chat_key: str, track: str, now: datetime) -> None:
        await self.db.write(self._set, chat_key, track, now)

    def _set(self, conn: Connection, chat_key: str, track: str, now: datetime) -> None:
        insert = dialect_insert(conn.dialect.name, CHAT_TRACKS).values(
            chat_key=chat_key, track=track, set_at=now
        )
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=["chat_key"],
                set_={"track": insert.excluded.track, "set_at": insert.excluded.set_at},
            )
        )
