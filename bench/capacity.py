"""Interactive capacity of the Telegram bot (issue 14), each figure measured in one run.

    python -m bench.capacity [--students 100 500 2000] [--window 45] [--push-users 10000]
                             [--saturate-with 500] [--push-students 100] [--think 10]
                             [--url POSTGRESQL_SERVER_URL]

N simulated students do quiz+answer cycles through the real Application (polling, handlers,
core, database) against the project's fake Bot API (tests/telegram/fake_bot_api.py) on
127.0.0.1, which enforces Telegram's flood limit: 30 calls/s that write to a chat (send*,
edit*), 429 with retry_after beyond it.

A cycle: the student sends /quiz, waits for the question, taps an answer (a multi-answer
question: taps its letters, then Submit), and waits for the verdict. Measured:

- acknowledgement: from a button press to Telegram receiving answerCallbackQuery (the toast);
- cycle: the time a student waits in a cycle (question + verdict), thinking excluded;
- cycles/s: completed in the window, and served (calls to students per second / calls per
  cycle), against the ceiling 30 / calls per cycle (2, plus one per letter tapped in a
  multi-answer question; the mean over the run's cycles);
- 429s the fake answered (goal: 0).

The bot is `tutor run` in a process of its own (the real composition root: Application,
handlers, core, database, the daily scheduler), started on a fresh database for each run.
A run warms up until every student has been through the send queue once, then measures
for --window seconds.

Runs:
1. saturation: N students for each --students, no thinking, no daily push;
2. the same with --push-users users due for their daily question (the real scheduler and
   sweeper sending through the same bot, at TELEGRAM_DAILY_RATE, lower priority), for
   --saturate-with students: the push must yield to them;
3. --push-students students who think --think seconds (mean) between cycles, below the
   ceiling, without and then with the push.

The students and the fake run in this process; the machine's 2 cores are shared with both
(and whatever else runs): the load average is printed with each run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.daily import fresh_database, populate
from tests.telegram.fake_bot_api import Call, FakeBotAPI, chat_json

CONTENT = Path(__file__).resolve().parent.parent / "content"
TOKEN = "5555:bench-token-for-the-capacity-benchmark"
TELEGRAM_RATE = 30.0
FIRST_STUDENT = 10_000_000  # chat ids above the daily users' (1..push users)
WARMUP_S = 5.0
SELECT = {"TWO": 2, "THREE": 3, "FOUR": 4}
Json = dict[str, Any]


def pct(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Events:
    """Futures resolved by the fake's calls: a question sent to a chat, a query answered,
    a message edited."""

    def __init__(self, fake: FakeBotAPI) -> None:
        self.waiting: dict[tuple[Any, ...], asyncio.Future[Call]] = {}
        fake.listeners.append(self.on_call)

    def expect(self, *key: Any) -> asyncio.Future[Call]:
        future: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        self.waiting[key] = future
        return future

    def on_call(self, call: Call) -> None:
        if call.status != 200:
            return
        p = call.params
        if call.method == "sendMessage":
            key: tuple[Any, ...] = ("sent", int(p["chat_id"]))
        elif call.method == "answerCallbackQuery":
            key = ("ack", str(p["callback_query_id"]))
        elif call.method.startswith("editMessage"):
            key = ("edit", int(p["chat_id"]), int(p["message_id"]))
        else:
            return
        future = self.waiting.pop(key, None)
        if future is not None and not future.done():
            future.set_result(call)


@dataclass
class Tally:
    acks: list[float] = field(default_factory=list)
    acked_at: list[float] = field(default_factory=list)
    cycles: list[float] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)  # rate-limited calls each cycle made
    errors: int = 0


class Student:
    def __init__(
        self, fake: FakeBotAPI, events: Events, user_id: int, tally: Tally, think: float
    ) -> None:
        self.fake, self.events, self.user_id = fake, events, user_id
        self.tally, self.think = tally, think
        self.rng = random.Random(user_id)
        self.message_ids = itertools.count(1_000_000)

    def _message(self, **fields: Any) -> Json:
        user = {"id": self.user_id, "is_bot": False, "first_name": f"s{self.user_id}"}
        return {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": chat_json(self.user_id),
            "from": user,
            **fields,
        }

    async def press(self, message: Json, data: str) -> float:
        """Tap a button; how long until Telegram got the acknowledgement."""
        query_id = f"{self.user_id}-{next(self.message_ids)}"
        acked = self.events.expect("ack", query_id)
        pressed = time.monotonic()
        current = self.fake.messages.get((self.user_id, message["message_id"]), message)
        await self.fake.push(
            "callback_query",
            {
                "id": query_id,
                "from": {"id": self.user_id, "is_bot": False, "first_name": "s"},
                "chat_instance": f"ci-{self.user_id}",
                "message": dict(current),
                "data": data,
            },
        )
        call = await acked
        self.tally.acks.append(call.at - pressed)
        self.tally.acked_at.append(call.at)
        return call.at

    async def cycle(self) -> None:
        asked = self.events.expect("sent", self.user_id)
        started = time.monotonic()
        text = "/quiz"
        entity = [{"type": "bot_command", "offset": 0, "length": 5}]
        await self.fake.push("message", self._message(text=text, entities=entity))
        question = (await asked).result
        waited = time.monotonic() - started
        await self._think()
        buttons = [b for row in question["reply_markup"]["inline_keyboard"] for b in row]
        key = ("edit", self.user_id, question["message_id"])
        answers = [b["callback_data"] for b in buttons if b["callback_data"].startswith("a:")]
        calls = 2  # the question, and the edit that answers it
        if answers:  # one letter
            edited = self.events.expect(*key)
            pressed = time.monotonic()
            await self.press(question, self.rng.choice(answers))
        else:  # Select TWO/THREE: tap letters (each redraws the keyboard), then Submit
            match = re.search(r"Select (TWO|THREE|FOUR)", question["text"])
            count = SELECT[match.group(1)] if match else 2
            letters = sorted({b["text"][-1] for b in buttons if b["text"] != "Submit"})
            picks = self.rng.sample(letters, count)
            message = question
            for k in range(count):
                redrawn = self.events.expect(*key)
                pressed = time.monotonic()
                await self.press(
                    message, f"t:{question_ask(buttons)}:{''.join(sorted(picks[: k + 1]))}"
                )
                message = (await redrawn).result
                waited += time.monotonic() - pressed
            calls += count  # each tap redraws the keyboard
            edited = self.events.expect(*key)
            pressed = time.monotonic()
            await self.press(message, f"a:{question_ask(buttons)}:{''.join(sorted(picks))}")
        await edited
        end = time.monotonic()
        self.tally.cycles.append(waited + end - pressed)
        self.tally.done_at.append(end)
        self.tally.calls.append(calls)

    async def _think(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    async def run(self, until: float) -> None:
        await asyncio.sleep(self.rng.uniform(0, 1))  # students do not start in lockstep
        while time.monotonic() < until:
            try:
                await self.cycle()
            except Exception:  # counted: a student whose cycle broke starts another
                self.tally.errors += 1
            await self._think()


def far_from_nine() -> str:
    """A zone where it is about 21:00 now: the students (new users, daily question at 09:00
    by default) get no daily question of their own during the run."""
    hours = (21 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-hours:+d}"  # the Etc zones' signs are inverted: Etc/GMT-2 is UTC+2


def question_ask(buttons: list[Json]) -> str:
    return str(buttons[0]["callback_data"].split(":")[1])


async def measure(
    url: str, students: int, window: float, think: float, push_users: int
) -> dict[str, Any]:
    """One run: `tutor run` on a fresh database against the fake; `students` cycle for
    `window` s (after a warm-up), with or without `push_users` due for their daily question."""
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    if push_users:
        await populate(url, push_users, datetime.now(UTC), seed=1)
    fake = FakeBotAPI(TOKEN)
    fake_url = await fake.start()
    fake.rate_limit(per_second=TELEGRAM_RATE, burst=int(TELEGRAM_RATE))
    events = Events(fake)
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "run",
        env={
            **os.environ, "DATABASE_URL": url, "TUTOR_CONTENT_DIR": str(CONTENT),
            "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_URL": fake_url, "DISCORD_TOKEN": "",
            "TUTOR_LOG_LEVEL": "WARNING", "TUTOR_DEFAULT_TZ": far_from_nine(),
        },
        stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    tally = Tally()
    try:
        await fake.wait_for(lambda: fake.calls_to("getUpdates"), within=120)
        # Warm up until every student has been through the queue once: the steady state.
        warmup = max(WARMUP_S, students * 2.2 / TELEGRAM_RATE)
        began = time.monotonic()
        start_at, until = began + warmup, began + warmup + window
        crowd = [
            asyncio.create_task(Student(fake, events, FIRST_STUDENT + k, tally, think).run(until))
            for k in range(students)
        ]
        await asyncio.sleep(warmup)
        first_call, first_429 = len(fake.calls), fake.too_many
        await asyncio.sleep(until - time.monotonic())
        for student in crowd:  # cycles still waiting at the end of the window are not counted
            student.cancel()
        await asyncio.gather(*crowd, return_exceptions=True)
        in_window = fake.calls[first_call:]
        bot.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        await asyncio.wait_for(bot.wait(), 60)
        stop_s = time.monotonic() - stopping
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
        await fake.stop()

    limited = [
        c for c in in_window
        if c.status == 200 and c.method.startswith(("send", "edit")) and c.at <= until
    ]  # fmt: skip
    to_daily = [c for c in limited if int(c.params["chat_id"]) < FIRST_STUDENT]
    to_students = len(limited) - len(to_daily)
    counted = [k for k, at in enumerate(tally.done_at) if start_at <= at <= until]
    cycles = [tally.cycles[k] for k in counted]
    done = len(counted)
    # The mix of single- and multi-answer questions: over every cycle of the run (at 2,000
    # students only a few cycles end inside the window).
    per_cycle = statistics.fmean(tally.calls) if tally.calls else float("nan")
    acks = [t for t, at in zip(tally.acks, tally.acked_at, strict=True) if at >= start_at]
    return {
        "students": students,
        "think_s": think,
        "push_users": push_users,
        "window_s": round(until - start_at, 1),
        "stop_s": round(stop_s, 1),
        "cycles": done,
        "cycles_per_s": round(done / window, 2),
        # Every call to a student belongs to a cycle: the rate cycles are served at, which
        # cycles completed in a window shorter than a few cycles only approximate.
        "cycles_per_s_served": round(to_students / window / per_cycle, 2),
        "calls_per_cycle": round(per_cycle, 2),
        "ceiling": round(TELEGRAM_RATE / per_cycle, 2),
        "ack_p50_ms": round(1000 * pct(acks, 0.5), 1),
        "ack_p99_ms": round(1000 * pct(acks, 0.99), 1),
        "cycle_p50_s": round(pct(cycles, 0.5), 2),
        "cycle_p99_s": round(pct(cycles, 0.99), 2),
        "cycle_mean_s": round(statistics.fmean(cycles), 2) if cycles else None,
        "daily_sent": len(to_daily),
        "daily_per_s": round(len(to_daily) / window, 2),
        "sends_per_s": round(len(limited) / window, 2),
        "warmup_s": round(warmup, 1),
        "http_429": fake.too_many - first_429,
        "http_429_warmup": first_429,
        "errors": tally.errors,
        "exit": bot.returncode,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


async def run_one(args: argparse.Namespace, students: int, think: float, push: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        backend = "postgresql" if args.url else "sqlite"
        async with fresh_database(backend, args.url or "", Path(tmp)) as url:
            result = await measure(url, students, args.window, think, push)
    result["backend"] = backend
    print(json.dumps(result), flush=True)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__)
    parser.add_argument("--students", type=int, nargs="*", default=[100, 500, 2000])
    parser.add_argument("--window", type=float, default=45.0, help="seconds measured per run")
    parser.add_argument("--push-users", type=int, default=10_000)
    parser.add_argument("--push-students", type=int, default=100)
    parser.add_argument("--saturate-with", type=int, default=500, help="students, with push")
    parser.add_argument("--think", type=float, default=10.0, help="mean think time, seconds")
    parser.add_argument("--url", help="a PostgreSQL server URL (default: SQLite files)")
    return parser.parse_args(argv)


async def amain(args: argparse.Namespace) -> None:
    for students in args.students:
        await run_one(args, students, 0.0, 0)
    if args.push_users:
        # Saturated by students: the push must yield (replies first).
        await run_one(args, args.saturate_with, 0.0, args.push_users)
        # Students who think between cycles, below the ceiling: with and without the push.
        await run_one(args, args.push_students, args.think, 0)
        await run_one(args, args.push_students, args.think, args.push_users)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(amain(parse(argv)))


if __name__ == "__main__":
    main()
