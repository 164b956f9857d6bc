"""Benchmark: simulated users asking and answering through the tutor engine.

    python -m bench.answers [--users 1000] [--questions 20] [--url DATABASE_URL]

Each user asks for a practice question and answers it, `--questions` times, through the
real engine on a real database (SQLite by default; PostgreSQL with --url). Prints the
answer rate, per-answer latency percentiles, and beside them a bare baseline: the same
writes per answer (insert the attempt, close the ask, upsert the review) issued with the
database driver alone, and the ratio between the two.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.app import start
from bot.config import Settings
from bot.views import QuestionView, UserRef

CONTENT = Path(__file__).resolve().parent.parent / "content"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run_engine(url: str, users: int, questions: int, concurrency: int) -> dict[str, float]:
    """`questions` rounds: every user asks for a question, then every user answers it.

    Answers are sent `concurrency` at a time (a bot handles several updates at once); the
    answer rate is answers over the wall time of the answering phases alone.
    """
    app = await start(Settings(DATABASE_URL=url, TUTOR_CONTENT_DIR=CONTENT))  # type: ignore[call-arg]
    tutor = app.tutor
    rng = random.Random(1)
    refs = [UserRef("bench", str(user), "bench user") for user in range(users)]
    answer_latencies: list[float] = []
    ask_latencies: list[float] = []
    answering_wall = asking_wall = 0.0

    async def in_batches(calls: list[Callable[[], Awaitable[None]]]) -> float:
        started = time.perf_counter()
        if concurrency == 1:
            for call in calls:
                await call()
        else:
            for i in range(0, len(calls), concurrency):
                await asyncio.gather(*(call() for call in calls[i : i + concurrency]))
        return time.perf_counter() - started

    views: dict[int, QuestionView] = {}
    for _round in range(questions):
        views.clear()

        def asker(i: int) -> Callable[[], Awaitable[None]]:
            async def ask() -> None:
                t0 = time.perf_counter()
                views[i] = await tutor.next_question(refs[i])
                ask_latencies.append(time.perf_counter() - t0)

            return ask

        def answerer(i: int) -> Callable[[], Awaitable[None]]:
            async def answer() -> None:
                view = views[i]
                letters = "".join(rng.sample(view.letters, view.select))
                t0 = time.perf_counter()
                await tutor.answer(refs[i], view.ask_id, letters)
                answer_latencies.append(time.perf_counter() - t0)

            return answer

        asking_wall += await in_batches([asker(i) for i in range(users)])
        answering_wall += await in_batches([answerer(i) for i in range(users)])
    await app.close()
    n = len(answer_latencies)
    return {
        "answers": n,
        "answers_per_s": n / answering_wall,
        "asks_per_s": n / asking_wall,
        "answer_p50_ms": 1000 * statistics.median(answer_latencies),
        "answer_p99_ms": 1000 * percentile(answer_latencies, 0.99),
        "ask_p50_ms": 1000 * statistics.median(ask_latencies),
        "ask_p99_ms": 1000 * percentile(ask_latencies, 0.99),
    }


async def run_baseline(url: str, answers: int) -> dict[str, float]:
    """The same three writes per answer, in one transaction each, with the driver alone."""
    now = datetime.now(UTC)
    latencies: list[float] = []
    card = json.dumps({"state": 1})
    if url.startswith("sqlite"):
        import aiosqlite

        path = url.split(":///", 1)[1]
        async with aiosqlite.connect(path) as db:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.executescript(BASELINE_SCHEMA)
            await db.executemany(
                "INSERT INTO b_asks (id, closed_at) VALUES (?, NULL)",
                [(i,) for i in range(answers)],
            )
            await db.commit()
            for i in range(answers):
                t0 = time.perf_counter()
                await db.execute(
                    "INSERT INTO b_attempts (ask_id, user_id, question_id, chosen, correct,"
                    " answered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (i, i % 1000, i % 344, "1", 1, now.isoformat()),
                )
                await db.execute(
                    "UPDATE b_asks SET closed_at = ? WHERE id = ?", (now.isoformat(), i)
                )
                await db.execute(
                    "INSERT INTO b_reviews (user_id, question_id, card, due) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (user_id, question_id) DO UPDATE SET card = excluded.card,"
                    " due = excluded.due",
                    (i % 1000, i % 344, card, now.isoformat()),
                )
                await db.commit()
                latencies.append(time.perf_counter() - t0)
    else:
        import asyncpg

        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(BASELINE_SCHEMA.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY"))
            await conn.executemany(
                "INSERT INTO b_asks (id, closed_at) VALUES ($1, NULL)",
                [(i,) for i in range(answers)],
            )
            for i in range(answers):
                t0 = time.perf_counter()
                async with conn.transaction():
                    await conn.execute(
                        "INSERT INTO b_attempts (ask_id, user_id, question_id, chosen, correct,"
                        " answered_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                        i,
                        i % 1000,
                        i % 344,
                        "1",
                        1,
                        now.isoformat(),
                    )
                    await conn.execute(
                        "UPDATE b_asks SET closed_at = $1 WHERE id = $2", now.isoformat(), i
                    )
                    await conn.execute(
                        "INSERT INTO b_reviews (user_id, question_id, card, due)"
                        " VALUES ($1, $2, $3, $4)"
                        " ON CONFLICT (user_id, question_id) DO UPDATE SET card = excluded.card,"
                        " due = excluded.due",
                        i % 1000,
                        i % 344,
                        card,
                        now.isoformat(),
                    )
                latencies.append(time.perf_counter() - t0)
            await conn.execute("DROP TABLE b_attempts, b_asks, b_reviews")
        finally:
            await conn.close()
    return {
        "answers_per_s": len(latencies) / sum(latencies),
        "answer_p50_ms": 1000 * statistics.median(latencies),
        "answer_p99_ms": 1000 * percentile(latencies, 0.99),
    }


BASELINE_SCHEMA = """
CREATE TABLE IF NOT EXISTS b_asks (id INTEGER PRIMARY KEY, closed_at TEXT);
CREATE TABLE IF NOT EXISTS b_attempts (id INTEGER PRIMARY KEY, ask_id INTEGER, user_id INTEGER,
    question_id INTEGER, chosen TEXT, correct INTEGER, answered_at TEXT,
    UNIQUE (ask_id, user_id));
CREATE TABLE IF NOT EXISTS b_reviews (user_id INTEGER, question_id INTEGER, card TEXT, due TEXT,
    PRIMARY KEY (user_id, question_id));
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        engine = asyncio.run(run_engine(url, args.users, args.questions, args.concurrency))
        baseline_url = f"sqlite+aiosqlite:///{tmp}/baseline.db" if url.startswith("sqlite") else url
        baseline = asyncio.run(run_baseline(baseline_url, int(engine["answers"])))
    backend = url.split("+")[0]
    e, b = engine, baseline
    print(
        f"backend: {backend}   users: {args.users}   questions each: {args.questions}"
        f"   concurrency: {args.concurrency}"
    )
    print(f"engine   answers: {e['answers']:.0f}")
    print(
        f"engine   answer rate: {e['answers_per_s']:.0f}/s"
        f"   p50 {e['answer_p50_ms']:.2f} ms   p99 {e['answer_p99_ms']:.2f} ms"
    )
    print(
        f"engine   ask rate:    {e['asks_per_s']:.0f}/s"
        f"   p50 {e['ask_p50_ms']:.2f} ms   p99 {e['ask_p99_ms']:.2f} ms"
    )
    print(
        f"baseline answer rate: {b['answers_per_s']:.0f}/s"
        f"   p50 {b['answer_p50_ms']:.2f} ms   p99 {b['answer_p99_ms']:.2f} ms"
        "  (the driver alone, same writes)"
    )
    print(f"ratio    engine / baseline answer rate: {e['answers_per_s'] / b['answers_per_s']:.2f}")


if __name__ == "__main__":
    main()
