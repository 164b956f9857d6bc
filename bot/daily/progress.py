"""How far a day's daily push has got: when its first and last messages went out.

`tutor daily status` shows it beside the counts, with the time the rest needs at the
configured rate, so an admin sees the window the push takes (it only gets what replies to
students leave of the bot's ~30 messages/s).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, func, select

from bot.store.database import Database
from bot.store.models import Delivery

SENT = "sent"


@dataclass(frozen=True)
class Progress:
    sent: int
    first: datetime | None  # when the sweep that sent the first one began (UTC)
    last: datetime | None

    def rate(self) -> float | None:
        """Messages per second so far, once the push has run for a while."""
        if self.first is None or self.last is None:
            return None
        span = (self.last - self.first).total_seconds()
        return self.sent / span if span >= 60 else None


async def progress(db: Database, day: date) -> Progress:
    return await db.read(_progress, day)


def _progress(conn: Connection, day: date) -> Progress:
    sent, first, last = conn.execute(
        select(func.count(), func.min(Delivery.sent_at), func.max(Delivery.sent_at)).where(
            Delivery.local_date == day, Delivery.status == SENT
        )
    ).one()
    return Progress(int(sent), _aware(first), _aware(last))


def _aware(value: datetime | str | None) -> datetime | None:
    # Aggregates skip the column type's processing: SQLite hands back text, naive UTC.
    if value is None:
        return None
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def remaining(pending: int, rate_per_s: float) -> timedelta:
    return timedelta(seconds=round(pending / rate_per_s)) if rate_per_s > 0 else timedelta(0)
