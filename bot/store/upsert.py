"""INSERT ... ON CONFLICT for both SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_for(connection: AsyncConnection, table: Any) -> Any:
    """The dialect's own `insert` for a table or mapped class, with on_conflict_do_*."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
