"""Moving a test database's schema to a revision with Alembic, on the test's connection."""

from __future__ import annotations

from alembic import command
from sqlalchemy.engine import Connection

from bot.store import migrate


def migrate_to(connection: Connection, revision: str) -> None:
    """Upgrade to "head", else downgrade to `revision` (for `AsyncConnection.run_sync`)."""
    config = migrate.alembic_config()
    config.attributes["connection"] = connection
    (command.upgrade if revision == "head" else command.downgrade)(config, revision)
