"""On SQLite only one process may sweep: it holds an exclusive lock on a file beside the
database for as long as it runs (the OS drops the lock if the process dies)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class SweepLockHeld(Exception):
    """Another process already sweeps this SQLite database."""


class SweepLock:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def for_database(cls, database_url: str) -> SweepLock:
        """A lock for a SQLite file; for PostgreSQL none is needed (SKIP LOCKED shares)."""
        url = make_url(database_url)
        if url.get_backend_name() != "sqlite" or not url.database:
            return cls(None)
        return cls(Path(url.database).resolve().with_name(Path(url.database).name + ".sweep.lock"))

    def acquire(self) -> None:
        if self.path is None or self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise SweepLockHeld(
                f"the daily push on this SQLite database is already run by {holder}; on SQLite "
                "one process sweeps (use PostgreSQL to share the work between processes)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
