"""Issue 12: a delivery row is written twice in a sweep: inserted (planned and claimed at
once, with its ask), then updated with its outcome. Counted by the statements that write
the deliveries table (one of each per batch, whatever the batch holds)."""

from __future__ import annotations

import re

from sqlalchemy import event

from bot.app import App
from tests.daily.conftest import add_user, deliveries, make_sweeper, utc
from tests.daily.fakes import FakeNotifier

SET_UP = utc(2026, 3, 1, 0, 30)
WRITES = re.compile(r"^\s*(INSERT INTO|UPDATE)\s+deliveries\b", re.IGNORECASE)


async def test_each_delivery_is_written_twice(core: App) -> None:
    for i in range(5):
        await add_user(core, f"u{i}", "09:00", "Europe/Berlin", SET_UP)  # 08:00 UTC
    sync_engine = core.store.db._sync or core.engine.sync_engine
    writes: list[tuple[str, int]] = []  # (INSERT or UPDATE, rows it reported)

    def seen(_conn: object, cursor: object, statement: str, *_rest: object) -> None:
        if WRITES.match(statement):
            upkeep = "expires_at <=" in statement or "claimed_at <" in statement
            kind = "upkeep" if upkeep else statement.split()[0].upper()
            writes.append((kind, getattr(cursor, "rowcount", -1)))

    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    event.listen(sync_engine, "after_cursor_execute", seen)
    try:
        report = await sweeper.sweep(utc(2026, 3, 1, 8, 0))
    finally:
        event.remove(sync_engine, "after_cursor_execute", seen)
    assert report.claimed == 5 and len(notifier.sent) == 5
    # Expiry and reclaiming of stale sends are set-based and find nothing to change here.
    assert [rows for kind, rows in writes if kind == "upkeep"] == [0, 0], writes
    assert [kind for kind, _rows in writes if kind != "upkeep"] == ["INSERT", "UPDATE"], writes
    rows = await deliveries(core)
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1)] * 5
