"""Benchmarks of the daily push (issue 5), each figure measured in one run.

    python -m bench.daily [--bench sweep rate naive] [--backend sqlite postgresql]
                          [--users 100000] [--rate-users 15000] [--rate 1000]
                          [--naive-users 100000] [--pg-url URL]

sweep  The planner, claiming and marking through a null sender (a Notifier that returns at
       once), for --users users all due at one instant, on each --backend: one
       `DailySweeper.sweep(now)` with no budget, timed, in a fresh process whose peak RSS
       (VmHWM) is the memory figure. Then checked: every user got exactly one message
       and one `sent` delivery. Floors (issue 12): 4,000 deliveries/s, under 150 MB peak.
rate   The same pipeline through a sender limited to --rate messages/s (the sweeper's
       `RateLimiter` in the `Channel`), posting with aiohttp to a fake HTTP endpoint on
       127.0.0.1 that runs in another process, for --rate-users users. The achieved
       rate, (sends - burst) / (first to last send), as a fraction of R; floor 0.97.
naive  The start-up time and memory of one APScheduler cron job per user (what
       python-telegram-bot's JobQueue.run_daily per user amounts to) for --naive-users
       users, beside ours: the single interval job of `DailyScheduler` over a sweeper whose
       planner state is in the database. See bench/naive_scheduler.py.

Users are bulk-inserted with SQLAlchemy Core (users + a Telegram identity each) into a
database that `bot.app.start` migrated and seeded with the shipped content/, with varied
time zones and daily times, each `next_due_at` set to today's local time so that everyone
is due at the sweep instant. SQLite uses a fresh file; PostgreSQL a fresh database made
(and dropped afterwards) on the server of --pg-url.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from array import array
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import make_url

from bench.naive_scheduler import ZONES, peak_rss_bytes, rss_bytes
from bot.app import start
from bot.config import Settings
from bot.daily.localtime import occurrence
from bot.daily.ratelimit import RateLimiter
from bot.daily.store import DailyStore
from bot.daily.sweeper import Channel, DailySweeper, SweepReport
from bot.store.db import make_engine
from bot.store.models import Ask, Delivery, Identity, User
from bot.views import QuestionView

CONTENT = Path(__file__).resolve().parent.parent / "content"
DEFAULT_PG = os.environ.get("BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
# The sweep instant: a Monday in June, when none of ZONES changes its clocks; its local
# time is past midnight in every one of them, so each user can be due "today".
SWEEP_AT = datetime(2025, 6, 16, 11, 30, tzinfo=UTC)
INSERT_CHUNK = 10_000
MB = 1024 * 1024

USERS: Table = User.__table__  # type: ignore[assignment]
IDENTITIES: Table = Identity.__table__  # type: ignore[assignment]


# -- senders -----------------------------------------------------------------------------
class NullNotifier:
    """Sends nothing and returns at once; counts the sends per user (ids 1..users)."""

    platform = "telegram"

    def __init__(self, users: int) -> None:
        self.counts = array("H", bytes(2 * (users + 1)))
        self.sent = 0

    async def send_question(self, external_id: str, view: QuestionView) -> str:
        self.counts[int(external_id)] += 1
        self.sent += 1
        return f"{external_id}:{self.sent}"


class HttpNotifier:
    """Posts each question to the fake endpoint, as a Bot API client would."""

    platform = "telegram"

    def __init__(self, session: Any, url: str) -> None:
        self.session = session
        self.url = url
        self.started: list[float] = []  # when each send left the limiter

    async def send_question(self, external_id: str, view: QuestionView) -> str:
        self.started.append(time.monotonic())
        payload = {
            "chat_id": external_id,
            "text": view.scenario,
            "options": [option.text for option in view.options],
            "ask_id": view.ask_id,
        }
        async with self.session.post(self.url, json=payload) as response:
            response.raise_for_status()
            body = await response.json()
        return f"{external_id}:{body['result']['message_id']}"


class TimedStore(DailyStore):
    """The DailyStore, with the time spent in each of its calls added up."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seconds: Counter[str] = Counter()

    async def _timed(self, name: str, call: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return await call
        finally:
            self.seconds[name] += time.perf_counter() - t0

    async def schedule_unscheduled(self, *a: Any, **k: Any) -> int:
        return await self._timed("upkeep", super().schedule_unscheduled(*a, **k))  # type: ignore[no-any-return]

    async def expire(self, *a: Any, **k: Any) -> int:
        return await self._timed("upkeep", super().expire(*a, **k))  # type: ignore[no-any-return]

    async def reclaim_stale(self, *a: Any, **k: Any) -> int:
        return await self._timed("upkeep", super().reclaim_stale(*a, **k))  # type: ignore[no-any-return]

    async def plan(self, *a: Any, **k: Any) -> int:
        return await self._timed("plan", super().plan(*a, **k))  # type: ignore[no-any-return]

    async def plan_and_claim(self, *a: Any, **k: Any) -> Any:
        return await self._timed("plan", super().plan_and_claim(*a, **k))

    async def claim(self, *a: Any, **k: Any) -> Any:
        return await self._timed("claim", super().claim(*a, **k))

    async def finish(self, *a: Any, **k: Any) -> None:
        await self._timed("finish", super().finish(*a, **k))


# -- databases -----------------------------------------------------------------------------
def settings(url: str) -> Settings:
    return Settings(DATABASE_URL=url, TUTOR_CONTENT_DIR=CONTENT)  # type: ignore[call-arg]


@asynccontextmanager
async def fresh_database(backend: str, pg_url: str, tmp: Path) -> AsyncIterator[str]:
    """A URL to an empty database: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp / f'daily-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"bench_daily_{uuid.uuid4().hex[:12]}"
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def postgres_reachable(pg_url: str) -> str | None:
    """None if the server answers, else why not."""
    engine = make_engine(pg_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return None
    except Exception as error:  # any failure to connect: say it and skip
        return f"{type(error).__name__}: {error}".splitlines()[0]
    finally:
        await engine.dispose()


def user_chunks(users: int, now: datetime, seed: int) -> list[list[dict[str, Any]]]:
    """Users 1..users in chunks, each due today at a local time at or before `now`."""
    rng = random.Random(seed)
    zones = [ZoneInfo(name) for name in ZONES]
    local_now = {zone: now.astimezone(zone) for zone in zones}
    chunks: list[list[dict[str, Any]]] = []
    for first in range(1, users + 1, INSERT_CHUNK):
        chunk = []
        for i in range(first, min(users, first + INSERT_CHUNK - 1) + 1):
            zone = zones[rng.randrange(len(zones))]
            here = local_now[zone]
            minute = rng.randint(0, here.hour * 60 + here.minute)
            at = dtime(minute // 60, minute % 60)
            due = occurrence(here.date(), at, zone)
            assert due <= now, (zone, at)
            chunk.append(
                {
                    "id": i, "display_name": f"bench {i}", "created_at": now, "active": True,
                    "timezone": zone.key, "daily_time": f"{at:%H:%M}", "daily_enabled": True,
                    "next_due_at": due, "streak": 0, "best_streak": 0,
                }
            )  # fmt: skip
        chunks.append(chunk)
    return chunks


async def populate(url: str, users: int, now: datetime, seed: int) -> float:
    """Migrate and seed a fresh database, then bulk-insert the users. Returns seconds."""
    t0 = time.perf_counter()
    app = await start(settings(url))
    try:
        for chunk in user_chunks(users, now, seed):
            identities = [
                {"id": i, "user_id": i, "platform": "telegram", "external_id": str(i)}
                for i in (u["id"] for u in chunk)
            ]
            await app.store.db.write(_insert, chunk, identities)
        if app.store.db.dialect == "postgresql":
            await app.store.db.write(_after_bulk_load_pg)
    finally:
        await app.close()
    return time.perf_counter() - t0


def _insert(conn: Any, users: list[dict[str, Any]], identities: list[dict[str, Any]]) -> None:
    conn.execute(USERS.insert(), users)
    conn.execute(IDENTITIES.insert(), identities)


def _after_bulk_load_pg(conn: Any) -> None:
    # Explicit ids leave the sequences behind; and give the planner its statistics, as
    # autovacuum would soon after a load like this.
    for table in ("users", "identities"):
        last = f"(SELECT max(id) FROM {table})"
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})"))
        conn.execute(text(f"ANALYZE {table}"))


async def verify(url: str, users: int, now: datetime) -> dict[str, int]:
    """What the database says after the sweep."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            statuses = select(Delivery.status, func.count()).group_by(Delivery.status)
            by_status: dict[str, int] = dict((await conn.execute(statuses)).all())  # type: ignore[arg-type]
            row = (
                await conn.execute(
                    select(
                        func.count(Delivery.user_id.distinct()),
                        func.count(Delivery.message_ref),
                        func.max(Delivery.attempts),
                    ).where(Delivery.status == "sent")
                )
            ).one()
            asks = await conn.scalar(select(func.count()).where(Ask.purpose == "daily"))
            still_due = await conn.scalar(select(func.count()).where(User.next_due_at <= now))
    finally:
        await engine.dispose()
    return {
        "deliveries": sum(by_status.values()),
        "sent": by_status.get("sent", 0),
        "sent_users": row[0],
        "with_message_ref": row[1],
        "max_attempts": row[2] or 0,
        "daily_asks": asks or 0,
        "still_due": still_due or 0,
    }


# -- 1. sweep through a null sender, in a fresh process ------------------------------------
async def sweep_child(url: str, users: int, trace: bool) -> dict[str, Any]:
    app = await start(settings(url))
    notifier = NullNotifier(users)
    store = TimedStore(app.store.db)
    channel = Channel(notifier, RateLimiter(1e9, burst=10**9))
    sweeper = DailySweeper(store, app.tutor, {"telegram": channel})
    await app.tutor.bank()  # a running process has it loaded already
    rss0, peak0 = rss_bytes(), peak_rss_bytes()
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    report = await sweeper.sweep(SWEEP_AT)
    elapsed = time.perf_counter() - t0
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    tracemalloc.stop()
    peak1 = peak_rss_bytes()
    await app.close()
    counts = notifier.counts
    return {
        "elapsed_s": elapsed,
        "report": report_dict(report),
        "phases_s": dict(store.seconds),
        "sends": notifier.sent,
        "users_sent_to": sum(1 for n in counts if n),
        "max_sends_per_user": max(counts),
        "rss_before": rss0,
        "peak_rss_before": peak0,
        "peak_rss": peak1,
        "traced_peak": traced_peak,
    }


def report_dict(report: SweepReport) -> dict[str, Any]:
    return {"planned": report.planned, "claimed": report.claimed, "outcomes": report.outcomes}


async def bench_sweep(backend: str, args: argparse.Namespace, tmp: Path) -> bool:
    n = args.users
    async with fresh_database(backend, args.pg_url, tmp) as url:
        setup_s = await populate(url, n, SWEEP_AT, args.seed)
        child = run_child({"mode": "sweep", "url": url, "users": n, "trace": args.tracemalloc})
        db = await verify(url, n, SWEEP_AT)
    elapsed, phases = child["elapsed_s"], child["phases_s"]
    rate = n / elapsed
    peak_mb = child["peak_rss"] / MB
    correct = (
        child["sends"] == n
        and child["users_sent_to"] == n
        and child["max_sends_per_user"] == 1
        and db["sent"] == db["deliveries"] == db["sent_users"] == db["with_message_ref"] == n
        and db["daily_asks"] == n
        and db["still_due"] == 0
        and db["max_attempts"] == 1
    )
    say = tagged(f"sweep/{backend}")
    say(f"{n} users, all due at {SWEEP_AT:%Y-%m-%d %H:%M}Z (setup: migrate, seed, bulk insert:"
        f" {setup_s:.1f} s)")  # fmt: skip
    say(f"one sweep(now), no budget: {elapsed:.2f} s -> {rate:,.0f} deliveries/s"
        f"   floor 4,000/s: {ok(rate >= 4000)}")  # fmt: skip
    rest = elapsed - sum(phases.values())
    say(f"in the store: plan {phases.get('plan', 0):.2f} s, claim {phases.get('claim', 0):.2f} s,"
        f" finish {phases.get('finish', 0):.2f} s, upkeep {phases.get('upkeep', 0):.2f} s; "
        + (f"sending and the rest {rest:.2f} s" if rest >= 0 else
           "(store calls overlap sending, so these add up to more than the sweep)"))  # fmt: skip
    say(f"peak RSS of the sweeping process (VmHWM): {peak_mb:.0f} MB   floor < 150 MB:"
        f" {ok(peak_mb < 150)}   (RSS before the sweep {child['rss_before'] / MB:.0f} MB,"
        f" peak before {child['peak_rss_before'] / MB:.0f} MB)")  # fmt: skip
    if child["traced_peak"] is not None:
        say(f"tracemalloc peak during the sweep: {child['traced_peak'] / MB:.1f} MB"
            " (the sweep above ran traced, hence slower)")  # fmt: skip
    say(f"check: sends {child['sends']} to {child['users_sent_to']} users, at most"
        f" {child['max_sends_per_user']} each; deliveries {db['deliveries']}: {db['sent']} sent to"
        f" {db['sent_users']} users, {db['with_message_ref']} with a message id, at most"
        f" {db['max_attempts']} attempt(s); daily asks {db['daily_asks']}; users still due"
        f" {db['still_due']}: {ok(correct)}")  # fmt: skip
    say(f"sweep report: {child['report']}")
    return rate >= 4000 and peak_mb < 150 and correct


# -- 2. through a rate-limited sender to a fake HTTP endpoint ----------------------------
def serve_fake_api() -> None:
    """A stand-in for a chat platform's send endpoint, on 127.0.0.1 (run in its own process)."""
    from aiohttp import web

    counts: Counter[str] = Counter()

    async def send(request: web.Request) -> web.Response:
        body = await request.json()
        counts[body["chat_id"]] += 1
        return web.json_response({"ok": True, "result": {"message_id": sum(counts.values())}})

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response(
            {
                "requests": sum(counts.values()),
                "distinct": len(counts),
                "max_per_id": max(counts.values(), default=0),
            }
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/send", send)
        app.router.add_get("/stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(port, flush=True)
        # Serve until the parent closes our stdin (or dies): no orphan outlives a run.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await runner.cleanup()

    asyncio.run(main())


async def bench_rate(backend: str, args: argparse.Namespace, tmp: Path) -> bool:
    import aiohttp

    n, rate, in_flight = args.rate_users, args.rate, args.in_flight
    burst = args.burst if args.burst is not None else max(1, int(rate))  # as adapters/daily.py
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.daily", "--serve-fake-api",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{int(await server.stdout.readline())}"
        async with fresh_database(backend, args.pg_url, tmp) as url:
            setup_s = await populate(url, n, SWEEP_AT, args.seed)
            app = await start(settings(url))
            connector = aiohttp.TCPConnector(limit=in_flight)
            async with aiohttp.ClientSession(connector=connector) as session:
                notifier = HttpNotifier(session, f"{base}/send")
                limiter = RateLimiter(rate, burst=burst)
                channel = Channel(notifier, limiter, in_flight=in_flight)
                store = TimedStore(app.store.db)
                sweeper = DailySweeper(store, app.tutor, {"telegram": channel})
                await app.tutor.bank()
                t0 = time.perf_counter()
                report = await sweeper.sweep(SWEEP_AT)
                elapsed = time.perf_counter() - t0
                async with session.get(f"{base}/stats") as response:
                    served = await response.json()
            await app.close()
            db = await verify(url, n, SWEEP_AT)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        try:
            await asyncio.wait_for(server.wait(), 10)
        except TimeoutError:
            server.kill()
            await server.wait()
    stamps = sorted(notifier.started)
    window = stamps[-1] - stamps[0]
    # The bucket is full when sending starts: at most `burst` + R * window sends fit in the
    # window, so (sends - burst) / window is R when the limiter is what holds sending back,
    # and less when the pipeline cannot keep up.
    achieved = (len(stamps) - burst) / window
    phases = store.seconds
    correct = (
        served["requests"] == served["distinct"] == n
        and served["max_per_id"] == 1
        and db["sent"] == db["sent_users"] == db["deliveries"] == n
    )
    say = tagged(f"rate/{backend}")
    say(f"{n} users, R = {rate:g} messages/s, burst {burst}, in_flight {in_flight},"
        f" sweeper batch {sweeper.batch} (setup {setup_s:.1f} s)")  # fmt: skip
    say(f"one sweep(now): {elapsed:.2f} s; first to last send {window:.2f} s")
    say(f"achieved rate (sends - burst) / window: {achieved:,.1f}/s = {achieved / rate:.3f} R"
        f"   floor 0.97 R: {ok(achieved / rate >= 0.97)}")  # fmt: skip
    plain = len(stamps) / window
    say(f"plain sends / window: {plain:,.1f}/s = {plain / rate:.3f} R;"
        f" users / whole sweep (planning included): {n / elapsed:,.1f}/s ="
        f" {n / elapsed / rate:.3f} R")  # fmt: skip
    say(f"in the store: plan {phases.get('plan', 0):.2f} s, claim {phases.get('claim', 0):.2f} s,"
        f" finish {phases.get('finish', 0):.2f} s")  # fmt: skip
    say(f"check: the endpoint got {served['requests']} requests for {served['distinct']} users,"
        f" at most {served['max_per_id']} each; deliveries sent {db['sent']} of"
        f" {db['deliveries']}: {ok(correct)}")  # fmt: skip
    say(f"sweep report: {report_dict(report)}")
    return achieved / rate >= 0.97 and correct


# -- 3. one APScheduler job per user, beside ours ------------------------------------------
def bench_naive(args: argparse.Namespace) -> bool:
    n = args.naive_users
    runs = {}
    for kind in ("naive", "ours"):
        for trace in (False, True):
            spec = {"mode": "startup", "kind": kind, "users": n, "seed": args.seed, "trace": trace}
            runs[kind, trace] = run_child(spec)
    naive, ours = runs["naive", False], runs["ours", False]
    naive_t, ours_t = runs["naive", True], runs["ours", True]
    say = tagged("naive")
    say(f"{n} users; each start-up measured in a fresh process (its inputs made before)")
    say(f"{'':36} {'naive: 1 job/user':>18} {'ours: 1 job':>12} {'naive/ours':>11}")
    rows = [
        ("jobs in the scheduler", naive["jobs"], ours["jobs"], "{:,.0f}"),
        ("start-up: add job(s) + start(), s", naive["startup_s"], ours["startup_s"], "{:.4f}"),
        ("RSS growth, MB", naive["rss_growth_bytes"], ours["rss_growth_bytes"], "{:.2f}"),
        ("peak RSS (VmHWM) growth, MB", naive["peak_rss_growth_bytes"],
         ours["peak_rss_growth_bytes"], "{:.2f}"),
        ("tracemalloc kept, MB", naive_t["traced_bytes"], ours_t["traced_bytes"], "{:.3f}"),
        ("tracemalloc peak, MB", naive_t["traced_peak_bytes"], ours_t["traced_peak_bytes"],
         "{:.3f}"),
    ]  # fmt: skip
    for label, a, b, fmt in rows:
        if label.endswith("MB"):
            a, b = a / MB, b / MB
        ratio = f"{a / b:,.0f}x" if b > 0 else "-"
        say(f"{label:36} {fmt.format(a):>18} {fmt.format(b):>12} {ratio:>11}")
    say("ours keeps no per-user state in memory: who is due next is users.next_due_at, an")
    say("indexed column each sweep reads in batches, so its start-up does not grow with users.")
    return True


# -- plumbing ------------------------------------------------------------------------------
def ok(condition: bool) -> str:
    return "holds" if condition else "FAILS"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def tagged(tag: str) -> Any:
    def say(line: str) -> None:
        print(f"[{tag}] {line}", flush=True)

    return say


def run_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its last stdout line is the JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.daily", "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child {spec['mode']} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def child_main(spec: dict[str, Any]) -> None:
    if spec["mode"] == "sweep":
        result = asyncio.run(sweep_child(spec["url"], spec["users"], spec["trace"]))
    else:
        from bench.naive_scheduler import measure

        result = measure(spec["kind"], spec["users"], spec["seed"], spec["trace"])
    print(json.dumps(result))


async def run(args: argparse.Namespace) -> bool:
    print(
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}),"
        f" Python {sys.version.split()[0]}, {sys.platform};"
        f" load average {load()} (other work on the machine skews the figures)"
    )
    backends: list[str] = list(dict.fromkeys(args.backend))
    if "postgresql" in backends and set(args.bench) & {"sweep", "rate"}:
        why = await postgres_reachable(args.pg_url)
        if why:
            print(f"postgresql: skipped, cannot reach {args.pg_url}: {why}")
            backends.remove("postgresql")
    held = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for backend in backends if "sweep" in args.bench else []:
            held &= await bench_sweep(backend, args, tmp)
        for backend in backends if "rate" in args.bench else []:
            held &= await bench_rate(backend, args, tmp)
    if "naive" in args.bench:
        held &= bench_naive(args)
    print(f"load average at the end: {load()}")
    print("all floors hold" if held else "SOME FLOOR OR CHECK FAILS")
    return held


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.daily",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--bench", nargs="+", choices=("sweep", "rate", "naive"),
        default=["sweep", "rate", "naive"], help="which benchmarks to run (default: all three)",
    )  # fmt: skip
    parser.add_argument(
        "--backend", nargs="+", choices=("sqlite", "postgresql"),
        default=["sqlite", "postgresql"],
        help="databases for sweep and rate (default: both; PostgreSQL is skipped, saying why,"
        " if --pg-url cannot be reached)",
    )  # fmt: skip
    parser.add_argument(
        "--users", type=int, default=100_000, help="users for sweep (default 100000)"
    )
    parser.add_argument(
        "--rate-users", type=int, default=15_000, help="users for rate (default 15000)"
    )
    parser.add_argument(
        "--rate", type=float, default=1000.0, help="R, messages/s for rate (default 1000)"
    )
    parser.add_argument(
        "--burst", type=int, default=None,
        help="the rate limiter's burst for rate (default: R, as adapters/daily.py wires it)",
    )  # fmt: skip
    parser.add_argument(
        "--in-flight", type=int, default=32,
        help="Channel.in_flight (and aiohttp connections) for rate (default 32, the Channel's)",
    )  # fmt: skip
    parser.add_argument(
        "--naive-users", type=int, default=100_000, help="users for naive (default 100000)"
    )
    parser.add_argument(
        "--pg-url", default=DEFAULT_PG,
        help="a PostgreSQL server to make a fresh database on, and drop it after (default"
        " $BENCH_PG_URL or postgresql+asyncpg://postgres@127.0.0.1:5432/test)",
    )  # fmt: skip
    parser.add_argument(
        "--tracemalloc", action="store_true",
        help="also trace the sweep's Python heap (its peak is printed; the sweep runs slower)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="seed for times, zones and choices")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--serve-fake-api", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = parse()
    if args.child:
        child_main(json.loads(args.child))
    elif args.serve_fake_api:
        serve_fake_api()
    else:
        raise SystemExit(0 if asyncio.run(run(args)) else 1)


if __name__ == "__main__":
    main()
