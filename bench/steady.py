"""Benchmark: the engine after a month of use, at 1,000 and at 50,000 users.

    python -m bench.steady [--backend sqlite|postgresql|both] [--users 50000] [--days 30]
                           [--practice 20] [--heavy 5000] [--small 1000] [--samples 1000]
                           [--keep DIR]

For each backend and each world (the small one, then the large one), a fresh database is
loaded in bulk with SQL (no engine calls): users with a Telegram identity, `--days` days of
daily deliveries, each with its daily ask answered, `--practice` practice asks and answers
per user per day, what those answers left (per-question history, a concept card per concept
of the questions answered), the per-domain counters, and one heavy user with `--heavy`
answers (every question answered). With `--keep DIR` the loaded databases are kept (SQLite
files in DIR, PostgreSQL databases `bench_steady_<shape>`) and a later run of the same
shape reuses them instead of loading again (it migrates them first, and times just after
the asks earlier runs added). Then the real engine (`Tutor` on `SqlStore`) is timed,
one call at a time, on random users: next question, answer by button, ask, typed answer,
/stats; and /stats and next question for the heavy user. Prints p50/p99 per operation and
the ratio large/small of each, with the goals. On PostgreSQL it also measures answers/s
through the engine beside the floor: the same two statements (the context read and the
one-statement write) sent with asyncpg alone, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, make_url, select, text

from bench.daily import fresh_database, postgres_reachable, settings
from bot.app import App, start
from bot.store.db import make_engine
from bot.store.models import Ask
from bot.views import QuestionView, UserRef

DEFAULT_PG = os.environ.get("BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PLATFORM = "telegram"
USER_CHUNK = 2000  # users loaded per INSERT ... SELECT (one transaction each)
CARD = {
    "card_id": 1748000000000, "state": 2, "step": None, "stability": 12.83,
    "difficulty": 5.317, "due": "2026-06-03T10:00:00+00:00",
    "last_review": "2026-05-24T10:00:00+00:00",
}  # fmt: skip
GOAL_P99_MS = {"sqlite": 5.0, "postgresql": 10.0}
GOAL_HEAVY_STATS_P99_MS = 20.0
GOAL_RATIO = 1.5
GOAL_FLOOR_SHARE = 0.6


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# -- bulk loading ------------------------------------------------------------------------
@dataclass(frozen=True)
class World:
    users: int
    days: int
    practice: int  # practice answers per user per day
    heavy: int  # answers of the one heavy user (id users + 1)
    questions: int = 0  # filled in after the content import
    # (pack, concept, first question on it) for each concept of the bank, ditto
    concepts: tuple[tuple[str, str, int], ...] = ()
    # Timing starts here: NOW, or in a kept world just after the asks of earlier runs
    # (their questions are answered; the typed answer needs the newest ask to be open).
    timed_from: datetime = NOW

    @property
    def key(self) -> str:
        """Names a kept database (--keep): the world's shape."""
        return f"{self.users}u_{self.days}d_{self.practice}p_{self.heavy}h"

    @property
    def heavy_id(self) -> int:
        return self.users + 1

    @property
    def per_user(self) -> int:
        return self.days * (self.practice + 1)  # asks (and answers) of each ordinary user


class Loader:
    """INSERT ... SELECT over generated numbers: generate_series on PostgreSQL, a table of
    numbers on SQLite. Timestamps are computed in SQL in each backend's storage format.

    `conn` is a SQLAlchemy Connection (PostgreSQL) or a plain sqlite3 connection (SQLite:
    the bulk load runs without a journal, then the file goes back to WAL)."""

    def __init__(self, conn: Any, world: World, pg: bool) -> None:
        self.conn = conn
        self.pg = pg
        self.w = world
        self.start = NOW - timedelta(days=world.days)

    def series(self, name: str, lo: int, hi: int) -> tuple[str, str]:
        """(FROM item, WHERE condition) for `name.i` running over lo..hi."""
        if self.pg:
            return f"generate_series({lo}, {hi}) AS {name}(i)", "true"
        return f"nums AS {name}", f"{name}.i BETWEEN {lo} AND {hi}"

    def at(self, seconds: str) -> str:
        """SQL for start + `seconds` (an SQL integer expression), as the column stores it."""
        if self.pg:
            return f"(TIMESTAMPTZ '{self.start.isoformat()}' + ({seconds}) * INTERVAL '1 second')"
        base = self.start.strftime("%Y-%m-%d %H:%M:%S")
        return f"(strftime('%Y-%m-%d %H:%M:%f', '{base}', ({seconds}) || ' seconds') || '000')"

    def day(self, days: str) -> str:
        if self.pg:
            return f"(DATE '{self.start.date().isoformat()}' + ({days}))"
        return f"date('{self.start.date().isoformat()}', ({days}) || ' days')"

    def run(self, sql: str, **params: Any) -> None:
        if self.pg:
            self.conn.execute(text(sql), params)
        else:
            self.conn.execute(sql, params)

    def prepare(self) -> None:
        if not self.pg:
            w = self.w
            biggest = max(w.users + 1, w.days, w.practice + 1, w.heavy, w.questions) + 1
            self.run("CREATE TEMP TABLE nums (i INTEGER PRIMARY KEY)")
            self.run(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :m)"
                " INSERT INTO nums SELECT i FROM n",
                m=biggest,
            )

    def users(self, lo: int, hi: int) -> None:
        u, uw = self.series("u", lo, hi)
        true = "true" if self.pg else "1"
        self.run(
            "INSERT INTO users (id, display_name, created_at, active, timezone, daily_time,"
            " daily_enabled, next_due_at, streak, best_streak)"
            f" SELECT u.i, 'user ' || u.i, {self.at('0')}, {true}, 'UTC', '09:00', {true},"
            f" {self.at(f'{self.w.days * 86400 + 86400 - 3 * 3600}')}, 0, 0 FROM {u} WHERE {uw}"
        )
        self.run(
            "INSERT INTO identities (id, user_id, platform, external_id)"
            f" SELECT u.i, u.i, '{PLATFORM}', CAST(u.i AS VARCHAR(20)) FROM {u} WHERE {uw}"
        )

    def asks_and_attempts(self, lo: int, hi: int) -> None:
        """Per user and day: `practice` practice asks, then the daily one (k = practice);
        every one answered, 70% right. Ask ids are dense per user, so attempts reuse them."""
        w = self.w
        u, uw = self.series("u", lo, hi)
        d, dw = self.series("d", 0, w.days - 1)
        k, kw = self.series("k", 0, w.practice)
        ask_id = f"((u.i - 1) * {w.per_user} + d.i * {w.practice + 1} + k.i + 1)"
        question = f"(1 + (u.i * 31 + d.i * 17 + k.i * 7) % {w.questions})"
        seconds = "(d.i * 86400 + 9 * 3600 + k.i * 120 + u.i % 1800)"
        purpose = f"CASE WHEN k.i = {w.practice} THEN 'daily' ELSE 'practice' END"
        self.run(
            "INSERT INTO asks (id, user_id, group_key, question_id, option_order, purpose,"
            " created_at, message_ref)"
            f" SELECT {ask_id}, u.i, NULL, {question}, '2,0,3,1', {purpose}, {self.at(seconds)},"
            f" NULL FROM {u}, {d}, {k} WHERE {uw} AND {dw} AND {kw}"
            " ORDER BY 1"
        )
        self._attempts(f"a.user_id BETWEEN {lo} AND {hi}")

    def heavy_user(self) -> None:
        w = self.w
        first = w.users * w.per_user
        k, kw = self.series("k", 0, w.heavy - 1)
        seconds = f"(k.i * {max(1, w.days * 86400 // max(1, w.heavy))})"
        self.run(
            "INSERT INTO asks (id, user_id, group_key, question_id, option_order, purpose,"
            " created_at, message_ref)"
            f" SELECT {first} + k.i + 1, {w.heavy_id}, NULL, 1 + (k.i * 7) % {w.questions},"
            f" '2,0,3,1', 'practice', {self.at(seconds)}, NULL FROM {k} WHERE {kw} ORDER BY 1"
        )
        self._attempts(f"a.user_id = {w.heavy_id}")

    def _attempts(self, which: str) -> None:
        correct = "(a.id % 10 < 7)"
        self.run(
            "INSERT INTO attempts (id, ask_id, user_id, question_id, domain_id, chosen,"
            " correct, answered_at)"
            f" SELECT a.id, a.id, a.user_id, a.question_id, q.domain_id, '0', {correct},"
            f" a.created_at FROM asks a JOIN questions q ON q.id = a.question_id WHERE {which}"
            " ORDER BY a.id"
        )

    def reviews(self, lo: int, hi: int, answered: int | None = None) -> None:
        """What happened to each question the user has answered (all of them, after a
        month), and a concept card for each concept of those questions, half of them due."""
        u, uw = self.series("u", lo, hi)
        q, qw = self.series("q", 1, self.w.questions)
        answered = answered or min(self.w.questions, self.w.per_user)
        true = "true" if self.pg else "1"
        self.run(
            "INSERT INTO reviews (user_id, question_id, last_correct, last_seen_at, answers,"
            " wrong)"
            f" SELECT u.i, q.i, {true}, {self.at('0')}, 2, 1"
            f" FROM {u}, {q} WHERE {uw} AND {qw} AND q.i <= {answered} ORDER BY 1, 2"
        )
        if not self.w.concepts:
            return
        card = json.dumps(CARD).replace("'", "''")
        concepts = " UNION ALL ".join(
            f"SELECT {n} AS n, '{pack}' AS pack, '{concept}' AS concept, {first} AS first_q"
            for n, (pack, concept, first) in enumerate(self.w.concepts)
        )
        due = self.at(f"({self.w.days} * 86400 + ((u.i + c.n) % 10 - 5) * 86400)")
        self.run(
            "INSERT INTO concept_cards (user_id, pack_id, concept, card, due, last_question_id,"
            " last_seen_at, ask_id, prev_card)"
            f" SELECT u.i, c.pack, c.concept, '{card}', {due}, c.first_q, {self.at('0')}, NULL,"
            f" NULL FROM {u}, ({concepts}) AS c WHERE {uw} AND c.first_q <= {answered}"
            " ORDER BY 1, 2, 3"
        )

    def deliveries(self, lo: int, hi: int) -> None:
        w = self.w
        u, uw = self.series("u", lo, hi)
        d, dw = self.series("d", 0, w.days - 1)
        ask_id = f"((u.i - 1) * {w.per_user} + d.i * {w.practice + 1} + {w.practice} + 1)"
        due = self.at("d.i * 86400 + 9 * 3600")
        self.run(
            "INSERT INTO deliveries (user_id, local_date, due_at, expires_at, status,"
            " not_before, attempts, claimed_at, ask_id, sent_at, message_ref,"
            " maybe_duplicates, last_error)"
            f" SELECT u.i, {self.day('d.i')}, {due}, {self.at('d.i * 86400 + 86400')}, 'sent',"
            f" {due}, 1, {due}, {ask_id}, {due}, 'm', 0, NULL"
            f" FROM {u}, {d} WHERE {uw} AND {dw} ORDER BY 1, 2"
        )

    def counters(self) -> None:
        correct = "CASE WHEN a.correct THEN 1 ELSE 0 END"
        # each answer under its question's domain in every blueprint (as the answer path)
        each = "json_each_text" if self.pg else "json_each"
        self.run(
            "INSERT INTO domain_counts"
            " (user_id, pack_id, blueprint_id, domain_id, answered, correct)"
            f" SELECT a.user_id, q.pack_id, b.key, b.value, count(*), sum({correct})"
            " FROM attempts a JOIN questions q ON q.id = a.question_id"
            f" JOIN {each}(q.domains) b ON 1 = 1"
            " GROUP BY a.user_id, q.pack_id, b.key, b.value"
        )

    def finish(self) -> None:
        if self.pg:
            for table in ("users", "identities", "asks", "attempts", "deliveries"):
                self.run(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
        else:
            self.run("DROP TABLE nums")


def _pg_step(conn: Connection, step: Callable[[Loader], None], world: World) -> None:
    # Bench load only: the rows are consistent by construction, so no foreign-key
    # triggers per row, and no wait for the WAL flush at each commit.
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    conn.execute(text("SET LOCAL synchronous_commit = off"))
    step(Loader(conn, world, pg=True))


def _sqlite_step(lite: sqlite3.Connection, step: Callable[[Loader], None], world: World) -> None:
    lite.execute("BEGIN")
    step(Loader(lite, world, pg=False))
    lite.execute("COMMIT")


async def _concepts(app: App) -> tuple[tuple[str, str, int], ...]:
    """Each concept of the bank with the first question on it."""
    first: dict[tuple[str, str], int] = {}
    for question in sorted((await app.tutor.bank()).questions.values(), key=lambda q: q.key):
        for concept in question.concepts:
            first.setdefault((question.pack, concept), question.key)
    return tuple((pack, concept, q) for (pack, concept), q in first.items())


async def load_world(url: str, world: World, say: Callable[[str], None]) -> World:
    """Migrate, import the shipped bank, then bulk-load the world. Returns it with the
    number of questions filled in."""
    t0 = time.perf_counter()
    app = await start(settings(url))
    try:
        n = await app.store.db.read(
            lambda c: c.execute(text("SELECT count(*), min(id), max(id) FROM questions")).one()
        )
        count, first, last = n
        assert first == 1 and last == count, "question ids must be 1..n in a fresh database"
        world = replace(world, questions=int(count), concepts=await _concepts(app))
        loader_steps: list[tuple[str, Callable[[Loader], None]]] = [("prepare", Loader.prepare)]
        for lo in range(1, world.users + 1, USER_CHUNK):
            hi = min(world.users, lo + USER_CHUNK - 1)
            loader_steps += [
                ("users", lambda ld, lo=lo, hi=hi: ld.users(lo, hi)),  # type: ignore[misc]
                ("asks+attempts", lambda ld, lo=lo, hi=hi: ld.asks_and_attempts(lo, hi)),  # type: ignore[misc]
                ("reviews", lambda ld, lo=lo, hi=hi: ld.reviews(lo, hi)),  # type: ignore[misc]
                ("deliveries", lambda ld, lo=lo, hi=hi: ld.deliveries(lo, hi)),  # type: ignore[misc]
            ]
        heavy = world.heavy_id

        def heavy_user(ld: Loader) -> None:
            ld.users(heavy, heavy)
            ld.heavy_user()
            ld.reviews(heavy, heavy, ld.w.questions)  # every question answered

        loader_steps += [
            ("heavy user", heavy_user),
            ("counters", Loader.counters),
            ("finish", Loader.finish),
        ]
        spent: dict[str, float] = {}
        pg = app.store.db.dialect == "postgresql"
        lite = None
        if not pg:
            await app.close()  # the load needs the file to itself to turn the journal off
            lite = sqlite3.connect(
                app.engine.url.database or "", isolation_level=None, check_same_thread=False
            )
            # A bench load, not the engine: no journal, no syncs, a big cache.
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-500000"):
                lite.execute(f"PRAGMA {pragma}")
        last_report = time.perf_counter()
        for i, (name, step) in enumerate(loader_steps):
            s0 = time.perf_counter()
            if lite is None:
                await app.store.db.write(_pg_step, step, world)
            else:
                await asyncio.to_thread(_sqlite_step, lite, step, world)
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - s0
            if time.perf_counter() - last_report > 30:
                say(
                    f"  loading: step {i + 1}/{len(loader_steps)}"
                    f" ({time.perf_counter() - t0:.0f} s)"
                )
                last_report = time.perf_counter()
        s0 = time.perf_counter()
        if lite is not None:
            lite.execute("PRAGMA journal_mode=WAL")
            lite.close()
        else:
            async with app.engine.connect() as conn:
                await conn.execute(text("ANALYZE"))  # as autovacuum would after a load
                await conn.commit()
        spent["analyze" if pg else "close"] = time.perf_counter() - s0
    finally:
        await app.close()
    rows = world.users * world.per_user + world.heavy
    say(
        f"loaded {world.users:,} users + 1 heavy, {world.days} days, {world.practice} practice"
        f"/day: {rows:,} asks and answers, {world.users * world.days:,} deliveries,"
        f" {world.users * min(world.questions, world.per_user) + world.questions:,} question"
        f" history rows, concept cards for the {len(world.concepts)} concepts of the bank in"
        f" {time.perf_counter() - t0:.0f} s ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in spent.items() if v >= 0.5)
        + ")"
    )
    return world


@asynccontextmanager
async def world_database(
    backend: str, args: argparse.Namespace, tmp: Path, world: World
) -> AsyncIterator[tuple[str, bool]]:
    """(URL, already loaded?): a fresh database, or with --keep the kept one for this
    world's shape (created when missing, loaded if it does not hold the world yet)."""
    if not args.keep:
        async with fresh_database(backend, args.pg_url, tmp) as url:
            yield url, False
        return
    if backend == "sqlite":
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"steady_{world.key}.db"
        url = f"sqlite+aiosqlite:///{path}"
        loaded = path.exists() and await _holds(url, world)
        if path.exists() and not loaded:
            path.unlink()  # a load that did not finish, or another world
        yield url, loaded
        return
    name = f"bench_steady_{world.key}"
    url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
    admin = make_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            loaded = bool(exists) and await _holds(url, world)
            if exists and not loaded:
                await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if not loaded:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    yield url, loaded


async def _holds(url: str, world: World) -> bool:
    """Whether a kept database holds this world: its users and the heavy user's answers
    (a load that stopped half-way has not counted the heavy user yet)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            users = await conn.scalar(text("SELECT count(*) FROM users"))
            heavy = await conn.scalar(
                text("SELECT count(*) FROM domain_counts WHERE user_id = :u"),
                {"u": world.heavy_id},
            )
        return users == world.users + 1 and bool(heavy)
    except Exception:  # no tables yet, or another schema: load it again
        return False
    finally:
        await engine.dispose()


async def reuse_world(url: str, world: World, say: Callable[[str], None]) -> World:
    """A kept world: migrated to today's schema (a migration may run here), not reloaded.
    The answers earlier timing runs added stay (a few thousand, against millions), and
    this run is timed just after them (about a day later per earlier run)."""
    t0 = time.perf_counter()
    app = await start(settings(url))
    try:
        count = await app.store.db.read(
            lambda c: c.execute(text("SELECT count(*) FROM questions")).scalar_one()
        )
        latest = await app.store.db.read(
            lambda c: c.execute(select(func.max(Ask.created_at))).scalar_one()
        )
        world = replace(
            world,
            questions=int(count),
            concepts=await _concepts(app),
            timed_from=max(NOW, latest + timedelta(minutes=1)),
        )
    finally:
        await app.close()
    say(f"reusing the kept world of {world.users:,} users ({time.perf_counter() - t0:.1f} s)")
    return world


# -- timing the engine ---------------------------------------------------------------------
OPERATIONS = ("next question", "answer (button)", "ask", "typed answer", "stats")
HEAVY_OPERATIONS = ("heavy: stats", "heavy: next question", "heavy: answer (button)")


@dataclass
class Timings:
    ms: dict[str, list[float]] = field(default_factory=dict)

    async def time(self, name: str, call: Awaitable[Any]) -> Any:
        t0 = time.perf_counter()
        result = await call
        self.ms.setdefault(name, []).append(1000 * (time.perf_counter() - t0))
        return result

    def p(self, name: str, fraction: float) -> float:
        values = self.ms[name]
        return statistics.median(values) if fraction == 0.5 else percentile(values, fraction)


def right_letters(view: QuestionView, rng: random.Random) -> str:
    return "".join(rng.sample(view.letters, view.select))


class Timed:
    """The engine on one loaded world, timed one call at a time on random users."""

    def __init__(self, app: App, world: World, samples: int, seed: int) -> None:
        self.app, self.world = app, world
        self.rng = random.Random(seed)
        self.timings = Timings()
        self.clock = [world.timed_from]
        app.tutor.clock = lambda: self.clock[0]
        users = self.rng.sample(range(1, world.users + 1), min(world.users, samples + 50))
        self.refs = [UserRef(PLATFORM, str(u), f"user {u}") for u in users]
        self.heavy = UserRef(PLATFORM, str(world.heavy_id), f"user {world.heavy_id}")
        self.questions: list[Any] = []

    async def warm_up(self) -> None:
        """Connections, prepared statements, caches: 50 users' rounds, untimed."""
        self.questions = (await self.app.tutor.bank()).active_questions
        for ref in self.refs[:50]:
            await self.round(ref, None)
        self.refs = self.refs[50:]

    async def round(self, ref: UserRef, t: Timings | None) -> None:
        tutor, rng = self.app.tutor, self.rng

        def timed(name: str, call: Awaitable[Any]) -> Awaitable[Any]:
            return t.time(name, call) if t is not None else call

        view = await timed("next question", tutor.next_question(ref))
        await timed("answer (button)", tutor.answer(ref, view.ask_id, right_letters(view, rng)))
        user_id = await tutor.user_id(ref)
        asked = await timed("ask", tutor.ask(rng.choice(self.questions), "practice", user_id))
        await timed("typed answer", tutor.answer_open(ref, right_letters(asked, rng)))
        await timed("stats", tutor.stats(ref))

    async def sample(self, i: int) -> None:
        self.clock[0] = self.world.timed_from + timedelta(seconds=i)
        await self.round(self.refs[i % len(self.refs)], self.timings)  # small worlds: again

    async def heavy_sample(self, i: int) -> None:
        self.clock[0] = self.world.timed_from + timedelta(days=1, seconds=i)
        t, tutor = self.timings, self.app.tutor
        view = await t.time("heavy: next question", tutor.next_question(self.heavy))
        await t.time(
            "heavy: answer (button)",
            tutor.answer(self.heavy, view.ask_id, right_letters(view, self.rng)),
        )
        await t.time("heavy: stats", tutor.stats(self.heavy))


async def time_worlds(
    urls: dict[int, str], worlds: dict[int, World], samples: int, seed: int
) -> dict[int, Timings]:
    """Both worlds timed in turns, sample by sample, so that the load of this shared
    machine weighs on both alike and their ratio compares like with like."""
    timed: dict[int, Timed] = {}
    try:
        for users, url in urls.items():
            timed[users] = Timed(await start(settings(url)), worlds[users], samples, seed)
            await timed[users].warm_up()
        for i in range(samples):
            for t in timed.values():
                await t.sample(i)
        for i in range(max(50, samples // 5)):
            for t in timed.values():
                await t.heavy_sample(i)
    finally:
        for t in timed.values():
            await t.app.close()
    return {users: t.timings for users, t in timed.items()}


async def answers_per_second(url: str, world: World, n: int, seed: int) -> tuple[float, float]:
    """PostgreSQL: answers/s through the engine, and the floor: the same context read and
    one-statement write per answer sent with asyncpg alone (prepared once), in the same run."""
    import asyncpg

    from bot.store.statements import Statements

    app = await start(settings(url))
    rng = random.Random(seed)
    app.tutor.clock = lambda: NOW + timedelta(days=1)
    try:
        users = rng.sample(range(1, world.users + 1), 2 * n)
        refs = [UserRef(PLATFORM, str(u), f"user {u}") for u in users]
        views = [await app.tutor.next_question(ref) for ref in refs]
        for ref, view in zip(refs[:20], views[:20], strict=True):  # warm-up
            await app.tutor.answer(ref, view.ask_id, right_letters(view, rng))
        t0 = time.perf_counter()
        for ref, view in zip(refs[20:n], views[20:n], strict=True):
            await app.tutor.answer(ref, view.ask_id, right_letters(view, rng))
        engine_rate = (n - 20) / (time.perf_counter() - t0)
        # The floor on the other half of the asks: same statements, same parameters' shape.
        sql = Statements("postgresql")
        dialect = app.engine.dialect
        context = sql.answer_context.compile(dialect=dialect)
        write = sql.store_answer.compile(dialect=dialect)
        asks = [(u, v) for u, v in zip(users[n:], views[n:], strict=True)]
        bank = await app.tutor.bank()
    finally:
        await app.close()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        read_stmt = await conn.prepare(context.string)
        write_stmt = await conn.prepare(write.string)
        order = list(write.positiontup or [])

        async def floor_answer(user: int, view: QuestionView) -> None:
            row = await read_stmt.fetchrow(user, view.ask_id)
            assert row is not None
            question = bank.questions[row["question_id"]]
            cards = json.dumps(
                [
                    {"pack": question.pack, "concept": c, "card": CARD,
                     "due": NOW.isoformat(), "prev": CARD}
                    for c in question.concepts
                ]
            )  # fmt: skip
            values = {
                "v_ask": view.ask_id, "v_user": user, "v_question": row["question_id"],
                "v_domain": "x", "v_chosen": "0", "v_correct": True, "v_right": 1,
                "v_wrong": 0, "v_at": NOW, "v_cards": cards,
            }  # fmt: skip
            params = write.construct_params(values)
            await write_stmt.fetchrow(*(params[name] for name in order))

        for user, view in asks[:20]:
            await floor_answer(user, view)
        t0 = time.perf_counter()
        for user, view in asks[20:]:
            await floor_answer(user, view)
        floor_rate = (len(asks) - 20) / (time.perf_counter() - t0)
    finally:
        await conn.close()
    return engine_rate, floor_rate


# -- the run -------------------------------------------------------------------------------
async def bench_backend(backend: str, args: argparse.Namespace, tmp: Path) -> bool:
    def say(line: str) -> None:
        print(f"[steady/{backend}] {line}", flush=True)

    if backend == "postgresql":
        why = await postgres_reachable(args.pg_url)
        if why:
            say(f"skipped: PostgreSQL not reachable ({why})")
            return True
    say(f"load average at start: {load_avg()}")
    rates: tuple[float, float] | None = None
    shapes = {n: World(n, args.days, args.practice, args.heavy) for n in (args.small, args.users)}
    async with (
        world_database(backend, args, tmp, shapes[args.small]) as (small_url, small_loaded),
        world_database(backend, args, tmp, shapes[args.users]) as (large_url, large_loaded),
    ):
        urls = {args.small: small_url, args.users: large_url}
        loaded = {args.small: small_loaded, args.users: large_loaded}
        worlds: dict[int, World] = {}
        for users, url in urls.items():
            if loaded[users]:
                worlds[users] = await reuse_world(url, shapes[users], say)
            else:
                worlds[users] = await load_world(url, shapes[users], say)
        say(f"timing the engine, both worlds in turns (load average {load_avg()})")
        t0 = time.perf_counter()
        results = await time_worlds(urls, worlds, args.samples, args.seed)
        say(f"timed in {time.perf_counter() - t0:.0f} s (load average {load_avg()})")
        if backend == "postgresql":
            rates = await answers_per_second(
                large_url, worlds[args.users], args.rate_answers, args.seed
            )
    small, large = results[args.small], results[args.users]
    goal = GOAL_P99_MS[backend]
    holds = True
    say(f"{'operation':<24} {'p50 1k':>8} {'p99 1k':>8} {'p50 big':>8} {'p99 big':>8}"
        f" {'ratio p50':>9}  goals")  # fmt: skip
    for name in OPERATIONS + HEAVY_OPERATIONS:
        s50, s99 = small.p(name, 0.5), small.p(name, 0.99)
        b50, b99 = large.p(name, 0.5), large.p(name, 0.99)
        ratio = b50 / s50
        if name == "heavy: stats":
            ok = b99 < GOAL_HEAVY_STATS_P99_MS
            goals = f"p99 < {GOAL_HEAVY_STATS_P99_MS:.0f} ms: {'holds' if ok else 'MISSED'}"
        elif name.startswith("heavy"):
            ok = True
            goals = "(no goal)"
        else:
            ok_p99, ok_ratio = b99 < goal, ratio <= GOAL_RATIO
            ok = ok_p99 and ok_ratio
            goals = (
                f"p99 < {goal:.0f} ms: {'holds' if ok_p99 else 'MISSED'};"
                f" ratio <= {GOAL_RATIO}: {'holds' if ok_ratio else 'MISSED'}"
            )
        holds &= ok
        say(f"{name:<24} {s50:8.2f} {s99:8.2f} {b50:8.2f} {b99:8.2f} {ratio:9.2f}  {goals}")
    if rates is not None:
        engine_rate, floor_rate = rates
        share = engine_rate / floor_rate
        ok = share >= GOAL_FLOOR_SHARE
        holds &= ok
        say(
            f"answers/s at {args.users:,} users: engine {engine_rate:,.0f}/s, floor (asyncpg"
            f" alone, same two statements) {floor_rate:,.0f}/s: {share:.2f} of the floor"
            f"   goal >= {GOAL_FLOOR_SHARE}: {'holds' if ok else 'MISSED'}"
        )
    say(f"load average at end: {load_avg()}")
    return holds


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--users", type=int, default=50_000, help="the large world")
    parser.add_argument("--small", type=int, default=1_000, help="the small world")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--practice", type=int, default=20, help="practice answers/user/day")
    parser.add_argument("--heavy", type=int, default=5_000, help="the heavy user's answers")
    parser.add_argument("--samples", type=int, default=1_000, help="users timed per world")
    parser.add_argument("--rate-answers", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--tmp", help="folder for the SQLite files (default: a temp folder)")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the loaded databases (SQLite files in DIR; PostgreSQL databases named"
        " bench_steady_<shape>) and reuse them when a later run asks for the same world",
    )
    return parser.parse_args(argv)


def main() -> None:
    args = parse()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load_avg()};"
        f" worlds of {args.small:,} and {args.users:,} users, {args.days} days,"
        f" {args.practice} practice answers/user/day, heavy user {args.heavy:,} answers,"
        f" {args.samples:,} users timed per world",
        flush=True,
    )
    holds = True
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for backend in backends:
            holds &= asyncio.run(bench_backend(backend, args, Path(tmp)))
    print("all goals hold" if holds else "some goals MISSED (see above)")
    sys.exit(0 if holds else 1)


if __name__ == "__main__":
    main()
