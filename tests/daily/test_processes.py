"""Whole processes: two sweepers on one PostgreSQL database, and kill -9 mid-sweep."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from bot.app import App
from bot.store.models import Delivery, Identity, User
from tests.daily.conftest import utc

ROOT = Path(__file__).resolve().parents[2]
AT = utc(2026, 3, 1, 9, 0)


async def add_due_users(core: App, count: int) -> None:
    """`count` Telegram users, all due at AT (bulk, to keep the test quick)."""
    async with core.engine.begin() as conn:
        ids = (
            await conn.execute(
                insert(User).returning(User.id),
                [
                    {
                        "display_name": f"u{i}", "created_at": AT - timedelta(days=1),
                        "active": True, "timezone": "UTC", "daily_time": "09:00",
                        "daily_enabled": True, "next_due_at": AT,
                    }
                    for i in range(count)
                ],
            )
        ).scalars().all()  # fmt: skip
        await conn.execute(
            insert(Identity),
            [{"user_id": uid, "platform": "telegram", "external_id": str(uid)} for uid in ids],
        )


def worker(
    url: str, at: str, out: Path, delay: float, go: Path | None = None
) -> subprocess.Popen[str]:
    extra = [str(go)] if go else []
    return subprocess.Popen(
        [sys.executable, "-m", "tests.daily.worker", url, at, str(out), str(delay), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sends(out: Path) -> Counter[str]:
    if not out.exists():
        return Counter()
    return Counter(line.split()[0] for line in out.read_text().splitlines() if line.strip())


async def delivery_rows(core: App) -> list[Delivery]:
    async with core.engine.connect() as conn:
        return list((await conn.execute(select(Delivery))).all())  # type: ignore[arg-type]


@pytest.mark.postgres
async def test_two_processes_on_postgresql_no_duplicate_no_miss(
    core: App, db_url: str, tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several sweeping processes share one database on PostgreSQL only")
    await add_due_users(core, 400)
    out, go = tmp_path / "sent.txt", tmp_path / "go"
    procs = [worker(db_url, AT.isoformat(), out, 0.01, go) for _ in range(2)]
    async with asyncio.timeout(120):  # both started up: now they sweep at the same moment
        while len(list(tmp_path.glob("go.ready-*"))) < 2:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            await asyncio.sleep(0.05)
    go.touch()
    for proc in procs:
        _stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
    received = sends(out)
    assert len(received) == 400 and set(received.values()) == {1}  # no miss, no duplicate
    rows = await delivery_rows(core)
    assert len(rows) == 400 and {r.status for r in rows} == {"sent"}


async def test_kill_9_mid_sweep_then_restart(core: App, db_url: str, tmp_path: Path) -> None:
    await add_due_users(core, 150)
    out = tmp_path / "sent.txt"
    victim = worker(db_url, AT.isoformat(), out, 0.05)
    deadline = time.monotonic() + 120
    while sum(sends(out).values()) < 30:  # wait until it is well into the sweep
        assert victim.poll() is None, victim.communicate()[1]
        assert time.monotonic() < deadline, "the worker never got going"
        await asyncio.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert sum(sends(out).values()) < 150  # it really died mid-sweep

    later = (AT + timedelta(minutes=3)).isoformat()  # past the claim lease
    survivor = worker(db_url, later, out, 0.0)
    _stdout, stderr = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, stderr

    received = sends(out)
    rows = {str(r.user_id): r for r in await delivery_rows(core)}
    assert set(received) == set(rows) and len(rows) == 150  # nobody missed
    assert {r.status for r in rows.values()} == {"sent"}
    twice = {user for user, n in received.items() if n > 1}
    assert all(received[user] == 2 for user in twice)
    # every duplicate was a send in flight at the kill, and each one is counted
    assert all(rows[user].maybe_duplicates == 1 for user in twice)
    assert len(twice) <= sum(r.maybe_duplicates for r in rows.values())
    async with core.engine.connect() as conn:
        counted = await conn.scalar(select(func.sum(Delivery.maybe_duplicates)))
    assert counted is not None and counted >= len(twice)
