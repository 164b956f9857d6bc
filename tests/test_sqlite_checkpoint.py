"""SQLite: the writer leaves WAL checkpoints to a thread of its own (bot/store/database.py),
so no answer waits for one, and the WAL still does not grow without bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from bot.store.database import CHECKPOINT_EVERY, Database
from bot.store.db import make_engine


def _create(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)"))


def _insert(conn: Connection, n: int) -> None:
    conn.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": "x" * 2000 + str(n)})


def _autocheckpoint(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


async def test_the_wal_is_checkpointed_in_the_background(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    db = Database(engine)
    wal = tmp_path / "w.db-wal"
    try:
        await db.write(_create)

        async def batch() -> int:
            for n in range(CHECKPOINT_EVERY):
                await db.write(_insert, n)
            db._checkpointer.submit(lambda: None).result()  # the batch's checkpoint is done
            return wal.stat().st_size

        first = await batch()
        for _ in range(7):
            size = await batch()
        # Checkpointed, the WAL starts again from its beginning: it stays about the size of
        # a batch or two instead of growing by one each time (8x without the checkpoints).
        assert size < 3 * first
        # ... and the writer never checkpoints itself (asked last: the PRAGMA's read keeps
        # the writer's snapshot, and the WAL then cannot start again)
        assert await db.write(_autocheckpoint) == 0
    finally:
        db.dispose()
        await engine.dispose()


@pytest.mark.parametrize("writes", [CHECKPOINT_EVERY - 1])
async def test_a_disposed_database_schedules_no_checkpoint(tmp_path: Path, writes: int) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    db = Database(engine)
    await db.write(_create)
    for n in range(writes):
        await db.write(_insert, n)
    db.dispose()
    await engine.dispose()
    assert not db._checkpointing
