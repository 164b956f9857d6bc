"""What one answer and one ask cost in database round trips, and surviving lost connections.

PostgreSQL: an answer in at most 3 round trips and an ask in at most 2, counted on the wire
by a proxy; no pre-ping per checkout. SQLite (in-process, no round trips): the statements an
answer runs stay few, all in one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bot.app import App, start
from bot.views import UserRef
from tests.asking import next_question
from tests.conftest import settings_for
from tests.roundtrips import RoundTripProxy

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def proxied(db_url: str) -> AsyncIterator[tuple[App, RoundTripProxy | None]]:
    """The core on the test database; on PostgreSQL through a round-trip counting proxy."""
    proxy = None
    url = db_url
    if db_url.startswith("postgresql"):
        parsed = make_url(db_url)
        proxy = RoundTripProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
        url = parsed.set(host="127.0.0.1", port=await proxy.start()).render_as_string(
            hide_password=False
        )
    application = await start(settings_for(url))
    application.tutor.clock = lambda: NOW  # no content revision check in between
    yield application, proxy
    await application.close()
    if proxy is not None:
        await proxy.close()


async def _answer_right(app: App, ref: UserRef, typed: bool) -> None:
    view = await next_question(app.tutor, ref)
    letters = "".join(view.letters[: view.select])
    if typed:
        await app.tutor.answer_open(ref, letters)
    else:
        await app.tutor.answer(ref, view.ask_id, letters)


async def test_round_trips_per_answer_and_ask(
    proxied: tuple[App, RoundTripProxy | None],
) -> None:
    app, proxy = proxied
    ref = UserRef("test", "1", "Ada")
    for typed in (False, True, False, True):  # warm up: user, bank, prepared statements
        await _answer_right(app, ref, typed)
    await app.tutor.stats(ref)
    if proxy is None:
        await _sqlite_statements(app, ref)
        return

    costs: dict[str, int] = {}
    for typed in (False, True):
        proxy.turns = 0
        view = await next_question(app.tutor, ref)
        costs["ask"] = proxy.turns
        proxy.turns = 0
        letters = "".join(view.letters[: view.select])
        if typed:
            await app.tutor.answer_open(ref, letters)
        else:
            await app.tutor.answer(ref, view.ask_id, letters)
        costs["typed answer" if typed else "answer"] = proxy.turns
    proxy.turns = 0
    await app.tutor.stats(ref)
    costs["stats"] = proxy.turns
    assert costs["ask"] <= 2, costs
    assert costs["answer"] <= 3, costs
    assert costs["typed answer"] <= 3, costs
    assert costs["stats"] <= 3, costs  # the user, the counters, the due reviews


async def _sqlite_statements(app: App, ref: UserRef) -> None:
    sync_engine = app.store.db._sync
    assert sync_engine is not None
    statements: list[str] = []
    commits: list[object] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    def commit(conn: object) -> None:
        commits.append(conn)

    event.listen(sync_engine, "before_cursor_execute", count)
    event.listen(sync_engine, "commit", commit)
    try:
        view = await next_question(app.tutor, ref)
        asked = len(statements)
        await app.tutor.answer(ref, view.ask_id, "".join(view.letters[: view.select]))
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)
        event.remove(sync_engine, "commit", commit)
    assert asked == 2, statements  # the practice state (one SELECT), the ask (one INSERT)
    # Context, attempt, question history, concept cards (one executemany), counters: five
    # statements in one transaction (in process: SQLite has no round trips to save).
    assert len(statements) - asked == 5, statements
    assert len(commits) == 2


async def test_answers_survive_killed_backend_connections(db_url: str) -> None:
    """Every backend connection is killed while answers are under way; each user's next
    answer after the kill succeeds (a dead pooled connection is replaced, not pinged)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server connections to lose")
    app = await start(settings_for(db_url))
    app.tutor.clock = lambda: NOW
    refs = [UserRef("test", str(i), f"user {i}") for i in range(4)]
    killing = asyncio.Event()  # set just before the kill: calls from then on may fail
    killed = asyncio.Event()
    answering = asyncio.Event()  # set once answers are flowing on several connections
    failed_before_kill: list[BaseException] = []

    async def load(ref: UserRef) -> int:
        done = 0
        while not killed.is_set():
            try:
                await _answer_right(app, ref, typed=done % 2 == 1)
                done += 1
                if done == 3:
                    answering.set()
            except Exception as error:  # only calls that overlap the kill may fail
                if killing.is_set():
                    await killed.wait()
                    break
                failed_before_kill.append(error)
            await asyncio.sleep(0)
        for typed in (False, True):  # after the kill: must succeed
            await _answer_right(app, ref, typed)
        return done

    async def kill() -> int:
        await answering.wait()
        async with app.engine.connect() as conn:
            killing.set()
            n = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        killed.set()
        return int(n or 0)

    try:
        results = await asyncio.gather(kill(), *(load(ref) for ref in refs))
    finally:
        await app.close()
    assert results[0] >= 1  # some backend connections were killed
    assert not failed_before_kill
