"""Webhook mode: the bot registers its URL and secret, and refuses requests without it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.telegram.app import TelegramConfigError, build_application
from bot.config import Settings
from tests.telegram.conftest import Harness, Student, bot_settings
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.waiting import eventually

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


# -- what reaches the server before the secret is checked ------------------------------------
def webhook_settings(db_url: str, fake: FakeBotAPI, port: int) -> Settings:
    return bot_settings(
        db_url,
        fake.url,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/hooks/telegram",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=port,
    )


@pytest.fixture
async def hook(db_url: str, fake: FakeBotAPI) -> AsyncIterator[tuple[Harness, int]]:
    port = free_port()
    harness = Harness(fake, webhook_settings(db_url, fake, port))
    await harness.start()
    yield harness, port
    await harness.stop()


async def raw_post(port: int, headers: dict[str, str], body: bytes = b"") -> int:
    """POST the headers (and `body`, maybe less than Content-Length says); the status."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = ["POST /hooks/telegram HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        async with asyncio.timeout(10):
            status = await reader.readline()
        return int(status.split()[1])
    finally:
        writer.close()


async def test_the_secret_is_checked_before_the_body_is_read(hook: tuple[Harness, int]) -> None:
    """A 95 MB body announced without the secret: refused at once, the body never sent.
    (Before: the server waited for, and buffered, the whole body first.)"""
    _harness, port = hook
    huge = {"Content-Type": "application/json", "Content-Length": str(95 * 1024 * 1024)}
    statuses = await asyncio.gather(*(raw_post(port, huge) for _ in range(8)))
    assert statuses == [403] * 8
    wrong = await raw_post(port, {**huge, HEADER: "wrong-secret"})
    assert wrong == 403


async def test_a_body_over_one_mib_is_refused(hook: tuple[Harness, int], alice: Student) -> None:
    harness, port = hook
    announced = {"Content-Type": "application/json", HEADER: SECRET}
    assert await raw_post(port, {**announced, "Content-Length": str(2 * 1024 * 1024)}) == 413
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20))  # 1.25 MiB
    status = await raw_post(port, {**announced, "Transfer-Encoding": "chunked"}, body)
    assert status in (400, 413)
    # the server is still there for real updates
    async with aiohttp.ClientSession() as http:
        update = {"update_id": 9, "message": alice.text_message("/stats")}
        url = f"http://127.0.0.1:{port}/hooks/telegram"
        async with http.post(url, json=update, headers={HEADER: SECRET}) as r:
            assert r.status == 200
    assert "No answers yet" in (await harness.next_message(alice.chat_id, 0))["text"]


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'{"update_id": "x"}', b"\xff\xfe"], ids=str
)
async def test_malformed_json_with_the_right_secret_is_400(
    hook: tuple[Harness, int], body: bytes
) -> None:
    _harness, port = hook
    async with aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/hooks/telegram"
        headers = {HEADER: SECRET, "Content-Type": "application/json"}
        async with http.post(url, data=body, headers=headers) as r:
            assert r.status == 400


async def test_replicas_answer_an_update_delivered_to_both_once(
    db_url: str, fake: FakeBotAPI, alice: Student
) -> None:
    """Two webhook processes on one database; Telegram retries an update at the other one."""
    ports = free_port(), free_port()
    replicas = [Harness(fake, webhook_settings(db_url, fake, port)) for port in ports]
    for replica in replicas:
        await replica.start()
    try:
        update = {"update_id": 77, "message": alice.text_message("/stats")}
        async with aiohttp.ClientSession() as http:
            for port in ports:
                url = f"http://127.0.0.1:{port}/hooks/telegram"
                async with http.post(url, json=update, headers={HEADER: SECRET}) as r:
                    assert r.status == 200
            later = {"update_id": 78, "message": alice.text_message("/help")}
            async with http.post(url, json=later, headers={HEADER: SECRET}) as r:
                assert r.status == 200
        processors = [r.application.update_processor for r in replicas if r.application]

        async def both_handled() -> bool:  # one answered it, the other skipped it
            return sum(getattr(p, "repeats", 0) for p in processors) == 1

        await eventually(both_handled)
        await fake.wait_for(lambda: len(fake.sent(alice.chat_id)) >= 2)
        texts = [m["text"] for m in fake.sent(alice.chat_id)]
        assert sum("No answers yet" in t for t in texts) == 1, texts
    finally:
        for replica in replicas:
            await replica.stop()
