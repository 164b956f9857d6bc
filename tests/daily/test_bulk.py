"""Bulk inserts of the daily sweep store exactly what SQLAlchemy itself would store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import Connection, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.daily.bulk import insert_rows
from bot.store.models import Delivery, User

BERLIN_SUMMER = timezone(timedelta(hours=2))


def _user(i: int) -> dict[str, object]:
    return {
        "id": i, "display_name": f"u{i}", "created_at": datetime(2026, 3, 1, tzinfo=UTC),
        "active": True, "timezone": "UTC", "daily_time": "09:00", "daily_enabled": True,
    }  # fmt: skip


def _delivery(user_id: int, when: datetime) -> dict[str, object]:
    return {
        "user_id": user_id, "local_date": date(2026, 6, 1), "due_at": when,
        "expires_at": when + timedelta(hours=12), "status": "sending", "not_before": when,
        "attempts": 1, "claimed_at": when, "ask_id": None, "sent_at": None,
        "message_ref": None, "maybe_duplicates": 0, "last_error": None,
    }  # fmt: skip


def _insert_both(conn: Connection) -> tuple[list[tuple[object, ...]], list[object]]:
    conn.execute(insert(User), [_user(1), _user(2), _user(3)])
    # A zone other than UTC and whole seconds: stored as UTC with microseconds either way.
    when = datetime(2026, 6, 1, 9, 0, tzinfo=BERLIN_SUMMER)
    conn.execute(insert(Delivery), [_delivery(1, when)])
    rows = [_delivery(2, when), _delivery(3, when + timedelta(microseconds=5)), _delivery(2, when)]
    returned = insert_rows(
        conn,
        Delivery.__table__,
        rows,
        ("id", "user_id"),
        ("user_id", "local_date"),  # type: ignore[arg-type]
    )
    raw = conn.execute(
        text("SELECT user_id, local_date, due_at, expires_at, not_before, claimed_at"
             " FROM deliveries ORDER BY id")
    ).all()  # fmt: skip
    return [tuple(r) for r in raw], [tuple(r) for r in returned]


async def test_insert_rows_matches_sqlalchemy(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        raw, returned = await conn.run_sync(_insert_both)
        stored = (await conn.execute(select(Delivery).order_by(Delivery.id))).all()
    # The conflicting third row is skipped; the new rows come back with their ids.
    assert [user for _id, user in returned] == [2, 3]  # type: ignore[misc]
    assert raw[0][1:] == raw[1][1:]  # SQLAlchemy's row and ours are stored alike
    assert stored[2].due_at == datetime(2026, 6, 1, 7, 0, 0, 5, tzinfo=UTC)
    assert stored[1].local_date == date(2026, 6, 1)
