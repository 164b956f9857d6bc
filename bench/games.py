"""Benchmark: many group quizzes at once through the Games service on a real database.

    python -m bench.games [--channels 200] [--members 5] [--rounds 3] [--url DATABASE_URL]

`--channels` quizzes run side by side; in each round every member of every channel answers
(through `Games.answer`, the round checked and the answer stored in one transaction), then
the round's deadline passes and the scheduler's tick closes every round and, after the
pause, opens the next ones. Time is a fake clock, so only the work is measured. Prints the
answer rate with latency percentiles, the tick's rate of transitions (close, open), and the
cost of an idle tick (nothing due) with every quiz open: what each process pays every
second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import start
from bot.config import Settings
from bot.games.service import Games
from bot.games.views import GameView, RoundView, Venue
from bot.store.games import SqlGameStore
from bot.tutor import Tutor
from bot.views import UserRef

CONTENT = Path(__file__).resolve().parent.parent / "content"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class CountingPublisher:
    platform: str = "bench"
    rounds: dict[str, RoundView] = field(default_factory=dict)  # channel -> open round
    posts: int = 0

    async def post(self, venue: Venue, view: GameView) -> str:
        self.posts += 1
        if isinstance(view, RoundView):
            self.rounds[venue.channel] = view
        return str(self.posts)

    async def edit(self, venue: Venue, message_ref: str, view: GameView) -> None:
        return None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(url: str, channels: int, members: int, rounds: int) -> dict[str, float]:
    app = await start(Settings(DATABASE_URL=url, TUTOR_CONTENT_DIR=CONTENT))  # type: ignore[call-arg]
    clock = Clock()
    tutor = Tutor(app.store, clock=clock, rng=random.Random(1))
    games = Games(tutor, SqlGameStore(app.store), clock=clock, rng=random.Random(2))
    publisher = CountingPublisher()
    games.attach(publisher)
    rng = random.Random(3)
    venues = [Venue("bench", str(c), str(c)) for c in range(channels)]
    people = {
        v.channel: [UserRef("bench", f"{v.channel}-{m}", f"member {m}") for m in range(members)]
        for v in venues
    }
    started = time.perf_counter()
    for venue in venues:
        await games.start_quiz(venue, people[venue.channel][0], rounds)
    start_s = time.perf_counter() - started

    latencies: list[float] = []
    answer_wall = tick_wall = 0.0
    transitions = 0
    for _ in range(rounds):
        calls = []
        for venue in venues:
            view = publisher.rounds[venue.channel]
            letters = "ABCDEF"[: len(view.question.options)]
            for ref in people[venue.channel]:
                pick = "".join(sorted(rng.sample(letters, view.question.select)))
                calls.append((ref, view.question.ask_id, pick))
        began = time.perf_counter()
        for ref, ask_id, pick in calls:
            t = time.perf_counter()
            await games.answer(ref, ask_id, pick)
            latencies.append(time.perf_counter() - t)
        answer_wall += time.perf_counter() - began
        for seconds in (91, 6):  # every round times out; then the pause ends
            clock.now += timedelta(seconds=seconds)
            began = time.perf_counter()
            while moved := await games.tick():
                transitions += moved
            tick_wall += time.perf_counter() - began

    # The idle tick: every quiz open again, none due (what each process pays each second).
    for venue in venues:
        await games.start_quiz(venue, people[venue.channel][0], 1)
    idle = []
    for _ in range(50):
        t = time.perf_counter()
        assert await games.tick() == 0
        idle.append(time.perf_counter() - t)
    await app.close()
    answers = len(latencies)
    return {
        "channels": channels,
        "members": members,
        "rounds": rounds,
        "start_quiz_per_s": channels / start_s,
        "answers": answers,
        "answers_per_s": answers / answer_wall,
        "answer_p50_ms": statistics.median(latencies) * 1000,
        "answer_p99_ms": percentile(latencies, 0.99) * 1000,
        "tick_transitions": transitions,
        "tick_transitions_per_s": transitions / tick_wall,
        "idle_tick_ms": statistics.median(idle) * 1000,
        "load_average_1m": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite+aiosqlite:///{folder}/bench.db"
        figures = asyncio.run(run(url, args.channels, args.members, args.rounds))
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
