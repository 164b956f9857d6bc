"""Run the Alembic migrations programmatically (for `tutor db upgrade`, `run`, `chat`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
# Replicas that start together must not run the same migration twice: on PostgreSQL the
# upgrade holds this transaction-scoped advisory lock (SQLite serialises writers anyway).
MIGRATION_LOCK_KEY = 0x5AA7_0710


def alembic_config() -> Config:
    return Config(str(ALEMBIC_INI))


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` on the given engine, in one transaction."""

    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        await connection.run_sync(_run)
