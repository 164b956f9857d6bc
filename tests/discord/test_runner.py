"""`tutor run` with DISCORD_TOKEN: Discord alone, or beside Telegram in one event loop."""

from __future__ import annotations

import asyncio

import pytest

from adapters.runner import run_platforms
from bot.config import SettingsError, load_settings
from tests.discord.conftest import bot_settings
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord, Member, message_text
from tests.telegram.conftest import TOKEN as TELEGRAM_TOKEN
from tests.telegram.conftest import Student
from tests.telegram.conftest import bot_settings as telegram_settings
from tests.telegram.fake_bot_api import FakeBotAPI


async def test_discord_alone_runs_until_stopped(
    db_url: str, fake: FakeDiscord, alice: Member
) -> None:
    stop = asyncio.Event()
    run = asyncio.create_task(run_platforms(bot_settings(db_url, fake.url), stop))
    await fake.wait_for(lambda: fake.connected or run.done())
    assert not run.done(), run.result()
    stats = (await fake.wait_replies(await fake.slash(alice, "stats")))[0]
    assert stats["flags"] & EPHEMERAL and "No answers yet" in message_text(stats)
    stop.set()
    assert await asyncio.wait_for(run, 30) == 0
    await fake.wait_for(lambda: not fake.connected)


async def test_discord_and_telegram_run_in_one_loop(
    db_url: str, fake: FakeDiscord, alice: Member
) -> None:
    telegram = FakeBotAPI(TELEGRAM_TOKEN)
    await telegram.start()
    try:
        settings = telegram_settings(
            db_url, telegram.url, DISCORD_TOKEN=fake.token, DISCORD_API_URL=fake.url
        )
        stop = asyncio.Event()
        run = asyncio.create_task(run_platforms(settings, stop))
        await fake.wait_for(lambda: fake.connected or run.done())
        assert not run.done(), run.result()
        student = Student(telegram, 2002, "Alice")
        await student.say("/help")
        await telegram.wait_for(lambda: telegram.sent(student.chat_id))
        stats = (await fake.wait_replies(await fake.slash(alice, "stats")))[0]
        assert "No answers yet" in message_text(stats)
        stop.set()
        assert await asyncio.wait_for(run, 30) == 0
    finally:
        await telegram.stop()


async def test_a_refused_discord_token_is_reported(
    db_url: str, fake: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = bot_settings(db_url, fake.url, DISCORD_TOKEN="not-the-token")
    assert await run_platforms(settings, asyncio.Event()) == 1
    assert "Discord refused DISCORD_TOKEN" in capsys.readouterr().err
    assert not fake.identifies


def test_guild_ids_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_GUILD_IDS", "1, 22")
    assert load_settings().discord_guilds == (1, 22)
    monkeypatch.setenv("DISCORD_GUILD_IDS", "12,abc")
    with pytest.raises(SettingsError, match="DISCORD_GUILD_IDS: 'abc' is not a numeric"):
        load_settings()
