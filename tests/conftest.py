"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when configured).

`db_url` is parametrized over both backends. The PostgreSQL case runs only when
TEST_DATABASE_URL is set (CI sets it); otherwise it is skipped with a visible reason.
Each PostgreSQL test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App, start
from bot.config import Settings
from bot.store import migrate
from bot.store.db import make_engine

MINIPACK = Path(__file__).parent / "data" / "minipack"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PG_SKIP_REASON = "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"


def _backends() -> list[object]:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not TEST_DATABASE_URL, reason=PG_SKIP_REASON),
            ],
        ),
    ]


@pytest.fixture(params=_backends())
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'tutor.db'}"
        return
    assert TEST_DATABASE_URL
    name = f"tutor_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url)
    await migrate.upgrade(eng)
    yield eng
    await eng.dispose()


def settings_for(db_url: str, content: Path = MINIPACK, **extra: object) -> Settings:
    return Settings(DATABASE_URL=db_url, TUTOR_CONTENT_DIR=content, **extra)  # type: ignore[call-arg]


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    """The whole core on a real database, seeded with the mini pack."""
    application = await start(settings_for(db_url))
    yield application
    await application.close()
