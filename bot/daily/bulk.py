"""Updating many rows, each with its own values, in one statement where it pays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, cast, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from bot.store.statements import dialect_insert


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


def insert_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: Sequence[str],
    conflict: Sequence[str] | None = None,
) -> list[Any]:
    """INSERT the rows (ON CONFLICT (conflict) DO NOTHING if given); the RETURNING rows.

    On PostgreSQL one INSERT ... SELECT FROM unnest(arrays): one parameter per column
    whatever the number of rows, so asyncpg prepares it once (a multi-VALUES insert of 1,000
    rows has 13,000 parameters and a new statement text for each batch size). SQLite takes
    SQLAlchemy's multi-row INSERT.
    """
    if not rows:
        return []
    dialect = conn.dialect.name
    statement: Any = dialect_insert(dialect, table)
    columns = list(rows[0])
    if dialect == "postgresql":
        arrays = [
            cast(
                bindparam(f"a_{c}", [row[c] for row in rows], type_=ARRAY(table.c[c].type)),
                ARRAY(table.c[c].type),
            )
            for c in columns
        ]
        data = select(func.unnest(*arrays).table_valued(*columns).render_derived())
        statement = statement.from_select(columns, data)
    if conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    statement = statement.returning(*(table.c[c] for c in returning))
    if dialect == "postgresql":
        return list(conn.execute(statement).all())
    return list(conn.execute(statement, list(rows)).all())
