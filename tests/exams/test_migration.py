"""Migration 0009 builds the exams table as the model describes it, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.models import Base


def _exam_differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": False})
    found = []
    for diff in compare_metadata(context, Base.metadata):
        if "exams" in repr(diff):
            found.append(diff)
    return found


async def test_the_exams_table_matches_its_model(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_exam_differences) == []
