"""Webhook mode: the bot registers its URL and secret, and refuses requests without it."""

from __future__ import annotations

import socket

import aiohttp
import pytest

from adapters.telegram.app import TelegramConfigError, build_application
from tests.telegram.conftest import Harness, Student, bot_settings
from tests.telegram.fake_bot_api import FakeBotAPI

SECRET = "webhook-Secret_42"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_refuses_a_wrong_or_missing_secret(
    db_url: str, fake: FakeBotAPI, alice: Student
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/telegram"
    settings = bot_settings(
        db_url,
        fake.url,
        TELEGRAM_WEBHOOK_URL=url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=port,
    )
    harness = Harness(fake, settings)
    await harness.start()
    try:
        (registered,) = fake.calls_to("setWebhook")
        assert registered.params["url"] == url
        assert registered.params["secret_token"] == SECRET
        assert not fake.calls_to("getUpdates")  # no polling in webhook mode

        def update(update_id: int, text: str) -> dict[str, object]:
            return {"update_id": update_id, "message": alice.text_message(text)}

        async with aiohttp.ClientSession() as http:
            for update_id, headers in ((1, {}), (2, {HEADER: "wrong-secret"})):
                async with http.post(url, json=update(update_id, "/help"), headers=headers) as r:
                    assert r.status == 403
            async with http.post(url, json=update(3, "/stats"), headers={HEADER: SECRET}) as r:
                assert r.status == 200
        reply = await harness.next_message(alice.chat_id, 0)
        assert "No answers yet" in reply["text"]
        # the refused /help updates were never processed
        assert [m["text"] for m in fake.sent(alice.chat_id)] == [reply["text"]]
    finally:
        await harness.stop()


async def test_webhook_mode_needs_a_secret(db_url: str, fake: FakeBotAPI) -> None:
    settings = bot_settings(db_url, fake.url, TELEGRAM_WEBHOOK_URL="https://bot.example/tg")
    with pytest.raises(TelegramConfigError, match="TELEGRAM_WEBHOOK_SECRET must be set"):
        build_application(None, settings)  # type: ignore[arg-type]
    bad = bot_settings(
        db_url,
        fake.url,
        TELEGRAM_WEBHOOK_URL="https://bot.example/tg",
        TELEGRAM_WEBHOOK_SECRET="no spaces allowed",
    )
    with pytest.raises(TelegramConfigError, match="A-Z, a-z, 0-9"):
        build_application(None, bad)  # type: ignore[arg-type]
