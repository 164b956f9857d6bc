"""Updating many rows, each with its own values, in one statement where it pays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
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
    runs it as the driver's executemany. `extra` is an additional WHERE condition on the
    table, with no bind parameters of its own.
    """
    if not rows:
        return
    names = [name for name in rows[0] if name != key]
    if conn.dialect.name != "postgresql":
        # The driver's executemany, values converted here (see _sqlite_value).
        where = "id = ?"
        if extra is not None:
            condition = extra.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
            where += f" AND {condition}"
        sets = ", ".join(f"{n} = ?" for n in names)
        conn.exec_driver_sql(
            f"UPDATE {table.name} SET {sets} WHERE {where}",
            _sqlite_rows(rows, [*names, key]),
        )
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
    """INSERT the rows (ON CONFLICT (conflict) DO NOTHING if given); the inserted rows'
    `returning` columns. `table` must have an integer primary key `id`.

    PostgreSQL: one INSERT ... SELECT FROM unnest(arrays) ... RETURNING: one parameter per
    column whatever the number of rows, so asyncpg prepares it once (a multi-VALUES insert
    of 1,000 rows has 13,000 parameters and a new statement text for each batch size).
    SQLite: the driver's executemany with values converted here (SQLAlchemy's per-row
    parameter processing cost more than SQLite's insert), then the new rows read back by
    id: the caller holds SQLite's write lock, so every id above the old maximum is ours.
    """
    if not rows:
        return []
    columns = list(rows[0])
    if conn.dialect.name != "postgresql":
        return _sqlite_insert_rows(conn, table, columns, rows, returning, conflict)
    arrays = [
        cast(
            bindparam(f"a_{c}", [row[c] for row in rows], type_=ARRAY(table.c[c].type)),
            ARRAY(table.c[c].type),
        )
        for c in columns
    ]
    data = select(func.unnest(*arrays).table_valued(*columns).render_derived())
    statement = dialect_insert("postgresql", table).from_select(columns, data)
    if conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    statement = statement.returning(*(table.c[c] for c in returning))
    return list(conn.execute(statement).all())


def _sqlite_insert_rows(
    conn: Connection,
    table: Table,
    columns: list[str],
    rows: Sequence[dict[str, Any]],
    returning: Sequence[str],
    conflict: Sequence[str] | None,
) -> list[Any]:
    before = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    on_conflict = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING" if conflict else ""
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)})"
        f" VALUES ({', '.join('?' for _ in columns)}){on_conflict}"
    )
    conn.exec_driver_sql(sql, _sqlite_rows(rows, columns))
    query = select(*(table.c[c] for c in returning)).where(table.c.id > before)
    return list(conn.execute(query.order_by(table.c.id)).all())


def _sqlite_rows(rows: Sequence[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
    """The rows as tuples of values as SQLAlchemy stores them in SQLite: datetimes as UTC
    text with microseconds (as UtcDateTime + SQLite's DATETIME do), dates as ISO text.
    A batch repeats the same instants (now, due times), so each is converted once."""
    converted: dict[Any, Any] = {}

    def value(v: Any) -> Any:
        if not isinstance(v, date):  # datetime is a date too
            return v
        text = converted.get(v)
        if text is None:
            if isinstance(v, datetime):
                text = v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            else:
                text = v.isoformat()
            converted[v] = text
        return text

    return [tuple(value(row[c]) for c in columns) for row in rows]
