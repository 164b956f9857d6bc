"""`tutor run` with TUTOR_HTTP: /healthz follows the platform and the database, /metrics moves
with answers. Driven in-process against the fake Bot API (the fake goes down and comes back)."""

from __future__ import annotations

import asyncio
import re
import socket

import aiohttp

from adapters.runner import run_platforms
from tests.telegram.conftest import Student, ask_id_of, bot_settings, right_letters
from tests.telegram.fake_bot_api import FakeBotAPI


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _status(
    http: aiohttp.ClientSession, url: str, want: int, within: float = 30
) -> dict[str, object]:
    """Poll `url` until it answers `want` (the health result is cached for two seconds)."""
    async with asyncio.timeout(within):
        while True:
            try:
                async with http.get(url) as response:
                    if response.status == want:
                        return await response.json()  # type: ignore[no-any-return]
            except aiohttp.ClientConnectionError:
                pass  # not listening yet
            await asyncio.sleep(0.1)


def _counter(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and ",".join(sorted(match.group(1).split(","))) == wanted:
            return float(match.group(2))
    return 0.0


async def test_healthz_follows_the_platform_and_metrics_count_answers(
    db_url: str, fake: FakeBotAPI, alice: Student
) -> None:
    port = _free_port()
    settings = bot_settings(db_url, fake.url, TUTOR_HTTP=f"127.0.0.1:{port}")
    stop = asyncio.Event()
    run = asyncio.create_task(run_platforms(settings, stop))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            healthy = await _status(http, f"{base}/healthz", 200)
            assert healthy == {
                "status": "ok",
                "components": {"database": "ok", "telegram": "ok"},
            }

            fake.unreachable = True
            down = await _status(http, f"{base}/healthz", 503)
            assert down["status"] == "down"
            components = down["components"]
            assert isinstance(components, dict)
            assert components["database"] == "ok" and components["telegram"] != "ok"

            fake.unreachable = False
            await _status(http, f"{base}/healthz", 200)

            async with http.get(f"{base}/metrics") as response:
                before = _counter(
                    await response.text(),
                    "tutor_answers_total",
                    platform="telegram",
                    result="correct",
                )
            seen = len(fake.sent(alice.chat_id))
            await alice.say("/quiz")
            question = (await fake.wait_for(lambda: fake.sent(alice.chat_id)[seen:]))[0]
            edits = len(fake.calls_to("editMessageText", alice.chat_id))
            await alice.press(question, f"a:{ask_id_of(question)}:{right_letters(question)}")
            # the verdict and explanation come as one edit of the question
            await fake.wait_for(
                lambda: len(fake.calls_to("editMessageText", alice.chat_id)) > edits
            )
            async with http.get(f"{base}/metrics") as response:
                text = await response.text()
            assert response.headers["Content-Type"].startswith("text/plain")
            after = _counter(text, "tutor_answers_total", platform="telegram", result="correct")
            assert after == before + 1
            assert _counter(text, "tutor_asks_total", platform="telegram", purpose="practice") >= 1
            assert _counter(text, "tutor_updates_total", platform="telegram") >= 2
            assert _counter(text, "tutor_handler_seconds_count", platform="telegram") >= 2
            assert "tutor_open_games " in text and "tutor_database_errors_total " in text
    finally:
        stop.set()
        assert await asyncio.wait_for(run, 30) == 0


async def test_tutor_run_waits_for_an_unreachable_bot_api(
    db_url: str, fake: FakeBotAPI, alice: Student
) -> None:
    """Telegram cannot be reached at start: `tutor run` keeps trying, /healthz says 503 and
    why, and once the Bot API answers the bot connects and serves students by itself."""
    fake.unreachable = True
    port = _free_port()
    settings = bot_settings(db_url, fake.url, TUTOR_HTTP=f"127.0.0.1:{port}")
    stop = asyncio.Event()
    run = asyncio.create_task(run_platforms(settings, stop))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            down = await _status(http, f"{base}/healthz", 503)
            components = down["components"]
            assert isinstance(components, dict) and components["database"] == "ok"
            assert components["telegram"] != "ok"
            assert not run.done()  # still running, not exited

            fake.unreachable = False
            await _status(http, f"{base}/healthz", 200, within=120)
            seen = len(fake.sent(alice.chat_id))
            await alice.say("/quiz")
            await fake.wait_for(lambda: fake.sent(alice.chat_id)[seen:])
    finally:
        stop.set()
        assert await asyncio.wait_for(run, 30) == 0
