"""`tutor daily sweep` and `tutor daily status`, run as a user runs them: a real process.

The process sends through the fake Bot API server (TELEGRAM_API_URL), which runs in this
test's event loop; so the process is awaited asynchronously while the fake serves it.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import start
from bot.daily.lock import SweepLock
from bot.views import UserRef
from tests.conftest import MINIPACK, settings_for
from tests.telegram.conftest import ALICE_ID, BOB_ID, TOKEN
from tests.telegram.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
SIGN_UP = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# 09:00 in Berlin on 11 March 2026 (CET, UTC+1), written with its offset
ALICE_TIME = "2026-03-11T09:00:00+01:00"


async def tutor(*args: str, db_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TUTOR_CONTENT_DIR": str(MINIPACK),
        "TELEGRAM_TOKEN": "",
        "DISCORD_TOKEN": "",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
        cwd=ROOT,
    )
    try:
        async with asyncio.timeout(120):
            out, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


def telegram_env(fake: FakeBotAPI) -> dict[str, str]:
    return {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url}


async def add_users(db_url: str) -> None:
    """Alice at 09:00 Berlin, Bob at 10:00 Berlin, both set on SIGN_UP day."""
    core = await start(settings_for(db_url))
    try:
        core.tutor.clock = lambda: SIGN_UP
        await core.tutor.set_daily(
            UserRef("telegram", str(ALICE_ID), "Alice"), "09:00", "Europe/Berlin"
        )
        await core.tutor.set_daily(
            UserRef("telegram", str(BOB_ID), "Bob"), "10:00", "Europe/Berlin"
        )
    finally:
        await core.close()


def status_count(output: str, name: str) -> int:
    found = re.search(rf"^\s+{name}\s+(\d+)\b", output, re.MULTILINE)
    assert found, output
    return int(found.group(1))


# -- 5. a sweep from the command line, and its status ----------------------------------------
async def test_sweep_delivers_to_whose_time_has_come_and_status_counts_it(
    db_url: str, fake: FakeBotAPI
) -> None:
    await add_users(db_url)

    done = await tutor("daily", "sweep", "--at", ALICE_TIME, db_url=db_url, **telegram_env(fake))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "planned 1, claimed 1 (1 sent)"
    sent = fake.sent(ALICE_ID)
    assert len(sent) == 1
    assert sent[0]["text"].startswith("☀️ Your daily question\n")
    assert sent[0].get("reply_markup", {}).get("inline_keyboard")
    assert fake.calls_to("sendMessage", BOB_ID) == []  # 10:00 has not come for Bob

    status = await tutor("daily", "status", "--date", "2026-03-11", db_url=db_url)
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("daily questions for 2026-03-11:")
    assert status_count(status.stdout, "sent") == 1
    assert status_count(status.stdout, "pending") == 0
    assert status_count(status.stdout, "blocked") == 0
    assert status_count(status.stdout, "failed") == 0

    # the same instant again, from another process: nothing more
    again = await tutor("daily", "sweep", "--at", ALICE_TIME, db_url=db_url, **telegram_env(fake))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "planned 0, claimed 0"
    assert len(fake.calls_to("sendMessage", ALICE_ID)) == 1

    # an hour later (a naive --at is UTC): Bob's turn
    bobs = await tutor(
        "daily", "sweep", "--at", "2026-03-11T09:00", db_url=db_url, **telegram_env(fake)
    )
    assert bobs.returncode == 0, bobs.stderr
    assert bobs.stdout.strip().splitlines()[-1] == "planned 1, claimed 1 (1 sent)"
    assert len(fake.sent(BOB_ID)) == 1
    assert len(fake.calls_to("sendMessage", ALICE_ID)) == 1
    status = await tutor("daily", "status", "--date", "2026-03-11", db_url=db_url)
    assert status_count(status.stdout, "sent") == 2
    status = await tutor("daily", "status", "--date", "2026-03-12", db_url=db_url)
    assert status_count(status.stdout, "sent") == 0


async def test_a_blocked_user_shows_in_status(db_url: str, fake: FakeBotAPI) -> None:
    await add_users(db_url)
    fake.block(ALICE_ID)
    done = await tutor("daily", "sweep", "--at", ALICE_TIME, db_url=db_url, **telegram_env(fake))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "planned 1, claimed 1 (1 blocked)"
    status = await tutor("daily", "status", "--date", "2026-03-11", db_url=db_url)
    assert (status_count(status.stdout, "sent"), status_count(status.stdout, "blocked")) == (0, 1)


# -- 6. one sweeper per SQLite database --------------------------------------------------------
async def test_sqlite_sweep_refuses_while_another_process_holds_the_lock(
    tmp_path: Path, fake: FakeBotAPI
) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'tutor.db'}"
    await add_users(db_url)
    lock = SweepLock.for_database(db_url)
    lock.acquire()
    try:
        refused = await tutor(
            "daily", "sweep", "--at", ALICE_TIME, db_url=db_url, **telegram_env(fake)
        )
    finally:
        lock.release()
    assert refused.returncode == 1, refused.stdout
    message = refused.stderr.strip()
    assert message.startswith("tutor daily sweep: not sweeping: "), message
    assert f"already run by process {os.getpid()}" in message
    assert "one process sweeps" in message and "PostgreSQL" in message
    assert not fake.calls  # it gave up before reaching Telegram

    # the lock released, the same command sweeps
    done = await tutor("daily", "sweep", "--at", ALICE_TIME, db_url=db_url, **telegram_env(fake))
    assert done.returncode == 0, done.stderr
    assert len(fake.sent(ALICE_ID)) == 1


# -- 7. what the command refuses -----------------------------------------------------------------
async def test_sweep_without_a_token_names_it(tmp_path: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'tutor.db'}"
    done = await tutor("daily", "sweep", "--at", ALICE_TIME, db_url=db_url)
    assert done.returncode == 1
    assert "TELEGRAM_TOKEN" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("tutor daily sweep: ")


@pytest.mark.parametrize("at", ["tomorrow 9am", "2026-03-11T25:00", "2026-13-01", ""])
async def test_a_malformed_at_exits_2(tmp_path: Path, fake: FakeBotAPI, at: str) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'tutor.db'}"
    done = await tutor("daily", "sweep", "--at", at, db_url=db_url, **telegram_env(fake))
    assert done.returncode == 2, done.stdout
    assert "argument --at" in done.stderr
    assert f"{at!r} is not an ISO-8601 time such as 2026-03-29T07:30:00+02:00" in done.stderr
    assert not fake.calls
    assert not (tmp_path / "tutor.db").exists()  # refused before touching the database


async def test_a_malformed_status_date_exits_2(tmp_path: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'tutor.db'}"
    done = await tutor("daily", "status", "--date", "11/03/2026", db_url=db_url)
    assert done.returncode == 2
    assert "argument --date" in done.stderr and "'11/03/2026'" in done.stderr
