"""Benchmark: /stats (the progress report) and /misses for a user with many answers, and
the chart's rendering time.

    python -m bench.progress [--backend sqlite|postgresql|both] [--answers 5000]
                             [--days 90] [--samples 500]

A fresh database with the shipped bank; one user answers `--answers` questions through the
real engine (about 70% right), spread evenly over `--days` days, plus 20 other users with
200 answers each. Then `Progress.report`, `Progress.misses` and `render_png` are timed one
call at a time; p50/p99 in ms. The goal: report p99 under 20 ms on both backends.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.daily import fresh_database, postgres_reachable, settings
from bot.app import App, start
from bot.chart import render_png
from bot.progress import chart_numbers
from bot.views import UserRef

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
GOAL_REPORT_P99_MS = 20.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def answer_many(app: App, ref: UserRef, count: int, start_at: datetime, span: timedelta,
                      rng: random.Random) -> None:  # fmt: skip
    clock = [start_at]
    app.tutor.clock = lambda: clock[0]
    bank = await app.tutor.bank()
    by_id = {(q.id): q for q in bank.questions.values()}
    step = span / max(1, count)
    for _ in range(count):
        view = await app.tutor.next_question(ref)
        question = by_id[view.question_id]
        right = {o.text for o in question.options if o.correct}
        want = rng.random() < 0.7
        good = [o.letter for o in view.options if o.text in right]
        bad = [o.letter for o in view.options if o.text not in right]
        letters = good if want else good[: question.select - 1] + bad[:1]
        await app.tutor.answer(ref, view.ask_id, "".join(letters))
        clock[0] += step
    app.tutor.clock = lambda: NOW


async def run(backend: str, pg_url: str, answers: int, days: int, samples: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database(backend, pg_url, Path(tmp)) as url:
            app = await start(settings(url))
            try:
                rng = random.Random(7)
                heavy = UserRef("telegram", "1", "Heavy")
                began = time.perf_counter()
                await answer_many(
                    app, heavy, answers, NOW - timedelta(days=days), timedelta(days=days), rng
                )
                for n in range(20):
                    other = UserRef("telegram", str(100 + n), f"user {n}")
                    await answer_many(
                        app, other, 200, NOW - timedelta(days=30), timedelta(days=30), rng
                    )
                load = time.perf_counter() - began
                bank = await app.tutor.bank()
                report = await app.progress.report(heavy)
                timings: dict[str, list[float]] = {"report": [], "misses": [], "chart": []}
                for _ in range(samples):
                    t0 = time.perf_counter()
                    report = await app.progress.report(heavy)
                    timings["report"].append(1000 * (time.perf_counter() - t0))
                    t0 = time.perf_counter()
                    await app.progress.misses(heavy)
                    timings["misses"].append(1000 * (time.perf_counter() - t0))
                numbers = chart_numbers(report)
                for _ in range(max(10, samples // 20)):
                    t0 = time.perf_counter()
                    png = render_png(numbers)
                    timings["chart"].append(1000 * (time.perf_counter() - t0))
            finally:
                await app.close()
    print(f"\n{backend}: {len(bank.active_questions)} questions, {len(bank.concepts)} concepts; "
          f"heavy user {report.answered} answers over {days} days, seen {report.seen} "
          f"(loaded through the engine in {load:.0f} s)")  # fmt: skip
    for name, values in timings.items():
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        print(f"  {name:8} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   ({len(values)} calls)")
    print(f"  chart PNG {len(png) / 1024:.0f} KiB")
    ok = percentile(timings["report"], 0.99) < GOAL_REPORT_P99_MS
    print(f"  goal: report p99 < {GOAL_REPORT_P99_MS:.0f} ms -> {'met' if ok else 'MISSED'}")
    return ok


async def main_async(args: argparse.Namespace) -> int:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    ok = True
    for backend in backends:
        if backend == "postgresql" and (why := await postgres_reachable(args.pg_url)):
            print(f"postgresql: skipped ({why})")
            continue
        ok &= await run(backend, args.pg_url, args.answers, args.days, args.samples)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--samples", type=int, default=500)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
