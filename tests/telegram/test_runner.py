"""`tutor run`: the core and Telegram in the current event loop, stopped by SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from adapters.runner import run_platforms
from tests.telegram.conftest import Student, bot_settings
from tests.telegram.fake_bot_api import FakeBotAPI


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_runs_until_a_stop_signal(
    db_url: str, fake: FakeBotAPI, alice: Student, sig: signal.Signals
) -> None:
    run = asyncio.create_task(run_platforms(bot_settings(db_url, fake.url)))
    await fake.wait_for(lambda: fake.calls_to("deleteWebhook") or run.done())  # polling soon
    assert not run.done(), run.result()
    await alice.say("/help")
    await fake.wait_for(lambda: fake.sent(alice.chat_id))
    # the runner handles the signal (else it would end pytest): check before sending it
    assert signal.getsignal(sig) not in (signal.SIG_DFL, signal.default_int_handler)
    os.kill(os.getpid(), sig)
    assert await asyncio.wait_for(run, 30) == 0
    # the handlers are removed again
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


async def test_a_bad_telegram_setting_stops_before_starting(
    db_url: str, fake: FakeBotAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = bot_settings(db_url, fake.url, TELEGRAM_WEBHOOK_URL="https://bot.example/tg")
    assert await run_platforms(settings) == 2
    assert "TELEGRAM_WEBHOOK_SECRET must be set" in capsys.readouterr().err
    assert not fake.calls


async def test_a_refused_token_is_reported(
    db_url: str, fake: FakeBotAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = bot_settings(db_url, fake.url, TELEGRAM_TOKEN="999:wrong-token-for-this-bot")
    assert await run_platforms(settings) == 1
    assert "Telegram refused TELEGRAM_TOKEN" in capsys.readouterr().err
