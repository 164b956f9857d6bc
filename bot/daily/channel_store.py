"""Persistence of channel dailies: each method is one short transaction (bot.store.database).

Claims are a compare-and-set on the row's own time (`next_due_at`, `reveal_at`), so when
several processes sweep one PostgreSQL database a channel is posted to (and revealed) once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from bot.ports import AskRow
from bot.store.database import Database
from bot.store.models import Ask, ChannelDaily


@dataclass(frozen=True)
class ChannelRow:
    id: int
    platform: str
    channel: str
    community: str
    daily_time: str
    timezone: str
    enabled: bool
    next_due_at: datetime | None
    ask_id: int | None
    message_ref: str | None
    reveal_at: datetime | None


_COLUMNS = (
    ChannelDaily.id, ChannelDaily.platform, ChannelDaily.channel, ChannelDaily.community,
    ChannelDaily.daily_time, ChannelDaily.timezone, ChannelDaily.enabled,
    ChannelDaily.next_due_at, ChannelDaily.ask_id, ChannelDaily.message_ref,
    ChannelDaily.reveal_at,
)  # fmt: skip


def _row(row: object) -> ChannelRow:
    return ChannelRow(*row)  # type: ignore[misc]


class ChannelDailyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, platform: str, channel: str) -> ChannelRow | None:
        return await self.db.read(self._get, platform, channel)

    def _get(self, conn: Connection, platform: str, channel: str) -> ChannelRow | None:
        row = conn.execute(
            select(*_COLUMNS).where(
                ChannelDaily.platform == platform, ChannelDaily.channel == channel
            )
        ).first()
        return _row(row) if row is not None else None

    async def set(
        self,
        platform: str,
        channel: str,
        community: str,
        daily_time: str,
        timezone: str,
        next_due_at: datetime,
    ) -> ChannelRow:
        """Turn the channel's daily question on at this time (a new row, or a changed one)."""
        return await self.db.write(
            self._set, platform, channel, community, daily_time, timezone, next_due_at
        )

    def _set(
        self,
        conn: Connection,
        platform: str,
        channel: str,
        community: str,
        daily_time: str,
        timezone: str,
        next_due_at: datetime,
    ) -> ChannelRow:
        values = {
            "community": community, "daily_time": daily_time, "timezone": timezone,
            "enabled": True, "next_due_at": next_due_at,
        }  # fmt: skip
        existing = self._get(conn, platform, channel)
        if existing is None:
            conn.execute(insert(ChannelDaily).values(platform=platform, channel=channel, **values))
        else:
            conn.execute(
                update(ChannelDaily).where(ChannelDaily.id == existing.id).values(**values)
            )
        row = self._get(conn, platform, channel)
        assert row is not None
        return row

    async def turn_off(self, platform: str, channel: str) -> bool:
        """False if the channel had no daily question."""
        return await self.db.write(self._turn_off, platform, channel)

    def _turn_off(self, conn: Connection, platform: str, channel: str) -> bool:
        result = conn.execute(
            update(ChannelDaily)
            .where(ChannelDaily.platform == platform, ChannelDaily.channel == channel)
            .values(enabled=False, next_due_at=None)
        )
        return bool(result.rowcount)

    async def due(
        self, now: datetime, platforms: Sequence[str], limit: int = 200
    ) -> list[ChannelRow]:
        return await self.db.read(self._due, now, tuple(platforms), limit)

    def _due(
        self, conn: Connection, now: datetime, platforms: tuple[str, ...], limit: int
    ) -> list[ChannelRow]:
        rows = conn.execute(
            select(*_COLUMNS)
            .where(
                ChannelDaily.enabled.is_(True),
                ChannelDaily.next_due_at <= now,
                ChannelDaily.platform.in_(platforms),
            )
            .order_by(ChannelDaily.next_due_at)
            .limit(limit)
        ).all()
        return [_row(r) for r in rows]

    async def to_reveal(
        self, now: datetime, platforms: Sequence[str], limit: int = 200
    ) -> list[ChannelRow]:
        return await self.db.read(self._to_reveal, now, tuple(platforms), limit)

    def _to_reveal(
        self, conn: Connection, now: datetime, platforms: tuple[str, ...], limit: int
    ) -> list[ChannelRow]:
        rows = conn.execute(
            select(*_COLUMNS)
            .where(ChannelDaily.reveal_at <= now, ChannelDaily.platform.in_(platforms))
            .order_by(ChannelDaily.reveal_at)
            .limit(limit)
        ).all()
        return [_row(r) for r in rows]

    async def claim_post(self, row: ChannelRow, next_due_at: datetime) -> bool:
        """Move the row on to its next day, if nobody else did: True if this process posts."""
        return await self.db.write(self._claim_post, row, next_due_at)

    def _claim_post(self, conn: Connection, row: ChannelRow, next_due_at: datetime) -> bool:
        result = conn.execute(
            update(ChannelDaily)
            .where(ChannelDaily.id == row.id, ChannelDaily.next_due_at == row.next_due_at)
            .values(next_due_at=next_due_at)
        )
        return bool(result.rowcount)

    async def claim_reveal(self, row: ChannelRow) -> bool:
        return await self.db.write(self._claim_reveal, row)

    def _claim_reveal(self, conn: Connection, row: ChannelRow) -> bool:
        result = conn.execute(
            update(ChannelDaily)
            .where(ChannelDaily.id == row.id, ChannelDaily.reveal_at == row.reveal_at)
            .values(reveal_at=None)
        )
        return bool(result.rowcount)

    async def posted(self, row_id: int, ask_id: int, message_ref: str, reveal_at: datetime) -> None:
        await self.db.write(self._posted, row_id, ask_id, message_ref, reveal_at)

    def _posted(
        self, conn: Connection, row_id: int, ask_id: int, message_ref: str, reveal_at: datetime
    ) -> None:
        conn.execute(
            update(ChannelDaily)
            .where(ChannelDaily.id == row_id)
            .values(ask_id=ask_id, message_ref=message_ref, reveal_at=reveal_at)
        )

    async def retry_at(self, row_id: int, when: datetime) -> None:
        await self.db.write(self._retry_at, row_id, when)

    def _retry_at(self, conn: Connection, row_id: int, when: datetime) -> None:
        conn.execute(update(ChannelDaily).where(ChannelDaily.id == row_id).values(next_due_at=when))

    async def ask(self, ask_id: int) -> AskRow | None:
        return await self.db.read(self._ask, ask_id)

    def _ask(self, conn: Connection, ask_id: int) -> AskRow | None:
        row = conn.execute(
            select(
                Ask.id, Ask.user_id, Ask.group_key, Ask.question_id, Ask.option_order,
                Ask.purpose, Ask.created_at,
            ).where(Ask.id == ask_id)
        ).first()  # fmt: skip
        if row is None:
            return None
        order = tuple(int(i) for i in row.option_order.split(","))
        return AskRow(row.id, row.user_id, row.group_key, row.question_id, order, row.purpose,
                      row.created_at)  # fmt: skip
