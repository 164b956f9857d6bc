"""Fixtures for driving the real discord.py client against the fake Discord.

`bot` is the whole thing: the fake gateway + REST server, the real core on the `db_url`
database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set) seeded with the mini pack,
and the real client connected to the fake. Members (`alice`, `bob`, `admin`) run slash
commands and click buttons by injecting interactions; tests then wait on what the bot does,
never on time.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from adapters.discord.client import TutorBot, build_client, running
from bot.app import App, start
from bot.config import Settings
from tests.conftest import MINIPACK, settings_for
from tests.discord.fake_discord import (
    ADMIN_PERMISSIONS,
    CHANNEL_ID,
    EPHEMERAL,
    TOKEN,
    FakeDiscord,
    Interaction,
    Json,
    Member,
    buttons,
    message_text,
)
from tests.harness import Restartable
from tests.telegram.conftest import ANSWER_KEY

ALICE_ID = 100_000_000_000_000_002
BOB_ID = 100_000_000_000_000_003
ADMIN_ID = 100_000_000_000_000_001
_OPTION = re.compile(r"^\*\*([A-F])\.\*\* (.+)$", re.MULTILINE)
_ESCAPE = re.compile(r"\\(.)")


def options_of(message: Json) -> dict[str, str]:
    """Letter -> option text, read from a question's embed."""
    description = message["embeds"][0]["description"]
    return {k: _ESCAPE.sub(r"\1", text) for k, text in _OPTION.findall(description)}


def right_letters(message: Json) -> str:
    return "".join(sorted(k for k, text in options_of(message).items() if ANSWER_KEY[text]))


def wrong_letters(message: Json) -> str:
    right = right_letters(message)
    wrong = [k for k in sorted(options_of(message)) if k not in right]
    return "".join(wrong[: len(right)])


def is_round(message: Json) -> bool:
    """A game round still open: its answer buttons are there."""
    return any(b["custom_id"].startswith("g:") for b in buttons(message))


def custom_id(message: Json, letters: str) -> str:
    """The custom_id of the answer button for `letters` on a question message."""
    for button in buttons(message):
        if button.get("label", "").replace("+", "") == letters:
            return str(button["custom_id"])
    raise AssertionError(f"no button {letters} in {[b.get('label') for b in buttons(message)]}")


@dataclass
class Harness(Restartable):
    """The bot under test: fake Discord + core + client, restartable on the same DB."""

    fake: FakeDiscord
    settings: Settings
    core: App | None = None
    client: TutorBot | None = None
    _stack: AsyncExitStack | None = None

    async def start(self) -> None:
        self.core = await start(self.settings)
        self.client = build_client(self.core, self.settings)
        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(running(self.client, TOKEN))
        before = self.fake.identifies
        await self.fake.wait_for(lambda: self.fake.identifies > before)
        assert self.client is not None
        await self.client.wait_until_ready()

    async def reply(self, record: Interaction, index: int = 0) -> Json:
        """The `index`-th message the bot answered an interaction with."""
        return (await self.fake.wait_replies(record, index + 1))[index]

    async def notice(self, record: Interaction) -> str:
        """The private (ephemeral) note the member got for an interaction."""
        reply = await self.reply(record)
        assert reply["flags"] & EPHEMERAL, reply
        return message_text(reply)

    async def posted(
        self, match: Callable[[Json], bool] | str, after: int = 0, channel: int = CHANNEL_ID
    ) -> Json:
        """The first message in the channel (from the `after`-th on) that `match`es: a
        predicate, or text its title/content/description contains."""
        test = match if callable(match) else (lambda m: match in message_text(m))

        def found() -> Json | None:
            return next((m for m in self.fake.channel(channel)[after:] if test(m)), None)

        return await self.fake.wait_for(found)  # type: ignore[no-any-return]

    def seen(self, channel: int = CHANNEL_ID) -> int:
        return len(self.fake.channel(channel))

    async def tick(self, seconds: float) -> int:
        """Let the games act as if `seconds` had passed (no waiting: the clock is given)."""
        return await self.app.games.tick(datetime.now(UTC) + timedelta(seconds=seconds))


def bot_settings(db_url: str, api_url: str, **extra: object) -> Settings:
    values: dict[str, object] = {"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": api_url}
    return settings_for(db_url, MINIPACK, **(values | extra))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(db_url: str, fake: FakeDiscord) -> AsyncIterator[Harness]:
    harness = Harness(fake, bot_settings(db_url, fake.url))
    await harness.start()
    yield harness
    await harness.stop()
    assert not fake.violations, fake.violations  # Discord's limits were kept
    unanswered = [r for r in fake.interactions.values() if not r.acknowledged]
    assert not unanswered, unanswered  # every interaction was answered or deferred


@pytest.fixture
def alice(fake: FakeDiscord) -> Member:
    return fake.add_member(Member(ALICE_ID, "Alice"))


@pytest.fixture
def bob(fake: FakeDiscord) -> Member:
    return fake.add_member(Member(BOB_ID, "Bob"))


@pytest.fixture
def admin(fake: FakeDiscord) -> Member:
    return fake.add_member(Member(ADMIN_ID, "Ada", ADMIN_PERMISSIONS))
