"""Run a short unit of work (a plain function of a SQLAlchemy Connection) on the database.

Each store method is written once, as synchronous Core code, and runs in one round trip:
- PostgreSQL (asyncpg): on the async engine through `AsyncConnection.run_sync`, the way the
  SQLAlchemy docs offer for running sync-style code on an async connection;
- SQLite: on a pysqlite engine for the same file, in a worker thread. aiosqlite hops to its
  thread for every cursor call (about 30 hops for one answer); doing the whole transaction
  in one hop makes an answer several times faster (see docs/benchmarks.md).
Writers in this process take turns on a lock rather than in SQLite's busy handler, which
sleeps and would stall them; other processes still meet the busy timeout. The writer never
checkpoints the WAL itself (SQLite's automatic checkpoint runs inside the commit that
crosses 1,000 pages, and that answer waits for it: the p99 of answers): every
CHECKPOINT_EVERY writes, a PASSIVE checkpoint runs on a thread of its own, which does not
block the writer.

On PostgreSQL every round trip counts (the client is CPU-bound in SQLAlchemy's async layer):
- reads run with no BEGIN/ROLLBACK (autocommit): each statement sees committed data anyway
  at READ COMMITTED;
- `autocommit` units of work (an answer: a read, then one atomic write statement; an ask:
  one INSERT) run the same way: 2 round trips an answer, 1 an ask;
- `write` units run in one transaction (BEGIN ... COMMIT);
- there is no pre-ping per checkout (3 round trips: BEGIN, ";", ROLLBACK). Connections are
  recycled after an hour, and a connection found dead invalidates the pool (SQLAlchemy's
  disconnect handling); reads and autocommit units are then retried once on a new one.
  Transactional writes are not retried (their outcome is unknown): the caller sees the
  error, and the next call gets a fresh connection.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import metrics
from bot.store.db import SQLITE_BUSY_TIMEOUT_MS, sqlite_pragmas

T = TypeVar("T")
log = logging.getLogger(__name__)

# Writes between two background WAL checkpoints (SQLite). An answer writes a handful of
# pages, so the WAL stays around the size SQLite's own 1,000-page checkpoint would keep.
CHECKPOINT_EVERY = 200


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # The same pool, without BEGIN/COMMIT (PostgreSQL; SQLite runs in its threads).
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._sync: Engine | None = None
        self._write_lock = threading.Lock()
        self._writer: Connection | None = None
        # One thread runs every write of this process, in turn, on one connection.
        self._writer_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-wal")
        self._writes = 0
        self._checkpointing = False
        if self.dialect == "sqlite":
            url = engine.url.set(drivername="sqlite+pysqlite")
            if url.database in (None, "", ":memory:"):
                raise ValueError("SQLite needs a database file, e.g. sqlite+aiosqlite:///tutor.db")
            self._sync = create_engine(
                url,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
                pool_size=8,
            )
            event.listen(self._sync, "connect", sqlite_pragmas)

    async def read(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work`, which only reads."""
        if self._sync is not None:
            return await asyncio.to_thread(self._sqlite_read, work, args)
        return await self._pg_autocommit(work, args)

    async def autocommit(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work` whose writes are one statement, atomic on its own (PostgreSQL: without
        BEGIN/COMMIT; a retry after a lost connection must be harmless). SQLite: as write."""
        if self._sync is not None:
            return await self._sqlite_write_async(work, args)
        return await self._pg_autocommit(work, args)

    async def write(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work` in one transaction."""
        if self._sync is not None:
            return await self._sqlite_write_async(work, args)
        async with self.engine.begin() as conn:
            return await conn.run_sync(work, *args)

    async def _pg_autocommit(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            async with self._autocommit.connect() as conn:
                return await conn.run_sync(work, *args)
        except DBAPIError as error:
            metrics.record_database_error()
            if not error.connection_invalidated:
                raise
            log.warning("database connection lost (%s); retrying once on a new one", error.orig)
        async with self._autocommit.connect() as conn:
            return await conn.run_sync(work, *args)

    async def _sqlite_write_async(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer_thread, self._sqlite_write, work, args)

    def _sqlite_read(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        assert self._sync is not None
        with self._sync.connect() as conn:
            return work(conn, *args)

    def _sqlite_write(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        assert self._sync is not None
        with self._write_lock:
            # Writers take turns, so one connection serves them all: no pool checkout.
            if self._writer is None:
                self._writer = self._sync.connect()
                self._writer.exec_driver_sql("PRAGMA wal_autocheckpoint=0")  # see the docstring
                self._writer.commit()  # (the statement began SQLAlchemy's transaction)
            with self._writer.begin():
                result = work(self._writer, *args)
            self._writes += 1
            if self._writes % CHECKPOINT_EVERY == 0 and not self._checkpointing:
                self._checkpointing = True
                try:
                    self._checkpointer.submit(self._checkpoint)
                except RuntimeError:  # disposed: the last connection to close checkpoints
                    self._checkpointing = False
            return result

    def _checkpoint(self) -> None:
        """Copy the WAL into the database file without blocking writers (PASSIVE)."""
        assert self._sync is not None
        try:
            # A connection of its own, in autocommit and closed after: a pooled one can keep
            # a read mark that stops the WAL from starting again from its beginning.
            path = self._sync.url.database or ""
            timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                conn.close()
        except Exception:  # the next round tries again; a failed checkpoint loses nothing
            log.warning("WAL checkpoint failed", exc_info=True)
        finally:
            self._checkpointing = False

    def dispose(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self._checkpointer.shutdown(wait=True)
        if self._sync is not None:
            self._sync.dispose()
        self._writer_thread.shutdown(wait=False)
