"""Updating many rows, each with its own values, in one statement where it pays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, cast, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY


def update_rows(
    conn: Connection, table: Table, key: str, rows: Sequence[dict[str, Any]], extra: Any = None
) -> None:
    """UPDATE `table` SET <each row's other columns> WHERE table.id = row[key].

    On PostgreSQL this is one UPDATE ... FROM unnest(arrays): the same statement text for
    any number of rows, so asyncpg prepares it once. SQLite (in-process, no round trips)
    runs it as executemany. `extra` is an additional WHERE condition on the table.
    """
    if not rows:
        return
    names = [name for name in rows[0] if name != key]
    if conn.dialect.name != "postgresql":
        statement = update(table).where(table.c.id == bindparam(key))
        if extra is not None:
            statement = statement.where(extra)
        conn.execute(statement.values({n: bindparam(n) for n in names}), list(rows))
        return
    columns = [key, *names]
    types = {key: table.c.id.type, **{n: table.c[n].type for n in names}}
    arrays = [
        cast(bindparam(f"a_{c}", [row[c] for row in rows], type_=ARRAY(types[c])), ARRAY(types[c]))
        for c in columns
    ]
    data = select(func.unnest(*arrays).table_valued(*columns).render_derived(with_types=False))
    source = data.subquery("v")
    statement = update(table).where(table.c.id == source.c[key])
    if extra is not None:
        statement = statement.where(extra)
    conn.execute(statement.values({n: cast(source.c[n], types[n]) for n in names}))
