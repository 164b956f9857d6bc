"""SQLite: the writer leaves WAL checkpoints to a thread of its own (bot/store/database.py),
so no answer waits for one, and what is written still reaches the database file."""

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
    file = tmp_path / "w.db"
    try:
        await db.write(_create)
        for n in range(CHECKPOINT_EVERY - 1):
            await db.write(_insert, n)
        # The writer does not checkpoint: every row is still in the WAL only.
        assert file.stat().st_size < 100_000
        await db.write(_insert, CHECKPOINT_EVERY)  # the batch's last write
        db._checkpointer.submit(lambda: None).result()  # its checkpoint has run
        # ~200 rows of 2 kB each were copied into the database file.
        assert file.stat().st_size > CHECKPOINT_EVERY * 2000
        assert await db.write(_autocheckpoint) == 0  # the writer never checkpoints itself
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
