"""Fixtures for driving the real Telegram Application against the fake Bot API.

`bot` is the whole thing: the fake server, the real core on the `db_url` database (SQLite,
and PostgreSQL when TEST_DATABASE_URL is set) seeded with the mini pack, and the real
Application polling the fake. Students (`alice`, `bob`, `admin`) send messages and press
buttons by queueing updates; tests then wait on what the bot does, never on time.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from adapters.telegram.app import build_application, running
from adapters.telegram.handlers import TelegramApp
from adapters.telegram.ratelimit import RetryingRateLimiter
from bot.app import App, start
from bot.config import Settings
from bot.tutor import Tutor
from bot.views import UserRef
from tests.conftest import MINIPACK, settings_for
from tests.harness import Restartable
from tests.telegram.fake_bot_api import FakeBotAPI, Json, chat_json

TOKEN = "424242:AAF-test-token-that-must-never-be-logged"
ADMIN_ID = 1001
ALICE_ID = 2002
BOB_ID = 3003
GROUP_ID = -4004


def _answer_key() -> dict[str, bool]:
    """Option text -> correct, for every question of the mini pack."""
    key: dict[str, bool] = {}
    for path in MINIPACK.glob("*.yaml"):
        for question in yaml.safe_load(path.read_text()).get("questions", []):
            for option in question["options"]:
                key[option["text"]] = bool(option.get("correct"))
    return key


ANSWER_KEY = _answer_key()
_OPTION_LINE = re.compile(r"^([A-F])\. (.+)$", re.MULTILINE)


def options_of(message: Json) -> dict[str, str]:
    """Letter -> option text, read from a question message."""
    question = message["text"].split("──────────")[0]
    return dict(_OPTION_LINE.findall(question))


def right_letters(message: Json) -> str:
    return "".join(sorted(k for k, text in options_of(message).items() if ANSWER_KEY[text]))


def wrong_letters(message: Json) -> str:
    right = right_letters(message)
    wrong = [k for k in sorted(options_of(message)) if k not in right]
    return "".join(wrong[: len(right)])


SEPARATOR = "──────────"


def explanation(message: Json) -> Json:
    """An answered question message, its `text` cut to what follows the question."""
    head, _, tail = message["text"].partition(SEPARATOR)
    return {**message, "text": tail.lstrip("\n"), "question_text": head}


def buttons(message: Json) -> list[dict[str, str]]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def button_data(message: Json, label: str) -> str:
    for button in buttons(message):
        if button["text"] == label:
            return button["callback_data"]
    raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons(message)]}")


def ask_id_of(message: Json) -> int:
    return int(buttons(message)[0]["callback_data"].split(":")[1])


def is_multi(message: Json) -> bool:
    return any(b["text"].startswith("Submit") for b in buttons(message))


_message_ids = itertools.count(10_000)


@dataclass
class Student:
    """A Telegram user typing and tapping in one chat (private unless `chat_id` is a group)."""

    fake: FakeBotAPI
    user_id: int
    first_name: str
    chat_id: int = 0
    last_name: str = ""
    queries: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chat_id = self.chat_id or self.user_id

    @property
    def ref(self) -> UserRef:
        return UserRef("telegram", str(self.user_id))

    def user(self) -> Json:
        user: Json = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        return user

    def in_chat(self, chat_id: int) -> Student:
        return Student(self.fake, self.user_id, self.first_name, chat_id, self.last_name)

    def _message(self, **fields: Any) -> Json:
        return {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": chat_json(self.chat_id),
            "from": self.user(),
            **fields,
        }

    def text_message(self, text: str, reply_to: Json | None = None) -> Json:
        fields: Json = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        return self._message(**fields)

    async def say(self, text: str, reply_to: Json | None = None) -> Json:
        message = self.text_message(text, reply_to)
        await self.fake.push("message", message)
        return message

    async def share_location(self, latitude: float, longitude: float) -> Json:
        """A message carrying only a location (the "📍 Share location" keyboard's)."""
        message = self._message(location={"latitude": latitude, "longitude": longitude})
        await self.fake.push("message", message)
        return message

    async def send_file(
        self, name: str, content: bytes, caption: str | None = None, size: int | None = None
    ) -> Json:
        file_id = f"file-{next(_message_ids)}"
        self.fake.add_file(file_id, content)
        fields: Json = {
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_name": name,
                "mime_type": "application/x-yaml",
                "file_size": len(content) if size is None else size,
            }
        }
        if caption:
            fields["caption"] = caption
            if caption.startswith("/"):
                length = len(caption.split()[0])
                fields["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": length}
                ]
        message = self._message(**fields)
        await self.fake.push("message", message)
        return message

    async def press(self, message: Json, data: str) -> str:
        """Press a button carrying `data` on `message`. Like Telegram, the update carries
        the message as it reads now (an old client may still show buttons it no longer has)."""
        message = self.fake.messages.get((self.chat_id, message["message_id"]), message)
        query_id = self.fake.next_query_id()
        self.queries.append(query_id)
        await self.fake.push(
            "callback_query",
            {
                "id": query_id,
                "from": self.user(),
                "chat_instance": f"ci-{self.chat_id}",
                "message": dict(message),
                "data": data,
            },
        )
        return query_id

    async def tap(self, message: Json, label: str) -> str:
        return await self.press(message, button_data(message, label))


@dataclass
class Harness(Restartable):
    """The bot under test: fake server + core + Application, restartable on the same DB."""

    fake: FakeBotAPI
    settings: Settings
    core: App | None = None
    application: TelegramApp | None = None
    _stack: AsyncExitStack | None = None
    backoff: float = 0.05  # between retries of a failed request (production: 1 s)

    async def start(self) -> None:
        self.core = await start(self.settings)
        limiter = RetryingRateLimiter(backoff=self.backoff, max_backoff=4 * self.backoff)
        self.application = build_application(self.core, self.settings, rate_limiter=limiter)
        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(running(self.application, self.settings))

    @property
    def tutor(self) -> Tutor:
        assert self.core is not None
        return self.core.tutor

    # -- waiting on what the bot does ----------------------------------------------------
    async def next_message(self, chat_id: int, seen: int) -> Json:
        """The first message sent to `chat_id` after the first `seen` ones."""
        messages = await self.fake.wait_for(
            lambda: len(self.fake.sent(chat_id)) > seen and self.fake.sent(chat_id)
        )
        return messages[seen]  # type: ignore[no-any-return]

    async def reply(self, student: Student, text: str, reply_to: Json | None = None) -> Json:
        seen = len(self.fake.sent(student.chat_id))
        await student.say(text, reply_to)
        return await self.next_message(student.chat_id, seen)

    async def reply_photo(self, student: Student, text: str) -> Json:
        """The photo the bot sends in answer to `text` (e.g. /stats)."""
        seen = len(self.fake.photos(student.chat_id))
        await student.say(text)
        photos = await self.fake.wait_for(
            lambda: (
                len(self.fake.photos(student.chat_id)) > seen and self.fake.photos(student.chat_id)
            )
        )
        return photos[seen]  # type: ignore[no-any-return]

    async def callback_answer(self, query_id: str) -> Json:
        """The answerCallbackQuery params for a press (what the user saw as a notice)."""
        call = await self.fake.wait_for(
            lambda: next(
                (
                    c
                    for c in self.fake.calls_to("answerCallbackQuery")
                    if str(c.params["callback_query_id"]) == query_id and c.status == 200
                ),
                None,
            )
        )
        return call.params  # type: ignore[no-any-return]

    async def answer(self, student: Student, question: Json, letters: str) -> Json:
        """Answer a private question with `letters` (as its Submit or letter button would);
        the explanation the question message now carries (see `explained`)."""
        await student.press(question, f"a:{ask_id_of(question)}:{letters}")
        return await self.explained(student, question)

    async def explained(self, student: Student, question: Json) -> Json:
        """Wait for the one edit that answers a question: the message, with `text` being
        what was added below the question (verdict and explanation), and its buttons."""
        key = (student.chat_id, question["message_id"])
        message = await self.fake.wait_for(
            lambda: SEPARATOR in self.fake.messages[key]["text"] and self.fake.messages[key]
        )
        return explanation(message)

    async def quiz_until(self, student: Student, multi: bool) -> Json:
        """Ask /quiz until a single- (or multi-) answer question comes (≤ 4 tries: the mini
        pack has four questions and the tutor does not repeat one of the last three)."""
        for _ in range(6):
            question = await self.reply(student, "/quiz")
            if question["text"].startswith("You still have a question open"):
                seen = len(self.fake.sent(student.chat_id))
                await self.callback_answer(await student.tap(question, "Skip it, new question"))
                question = await self.next_message(student.chat_id, seen)
            if is_multi(question) == multi:
                return question
        raise AssertionError("no such question in the mini pack")


def bot_settings(db_url: str, api_url: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "TELEGRAM_ADMINS": str(ADMIN_ID),
    }
    return settings_for(db_url, MINIPACK, **(values | extra))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(db_url: str, fake: FakeBotAPI) -> AsyncIterator[Harness]:
    harness = Harness(fake, bot_settings(db_url, fake.url))
    await harness.start()
    yield harness
    await harness.stop()


@pytest.fixture
def alice(fake: FakeBotAPI) -> Student:
    return Student(fake, ALICE_ID, "Alice", last_name="Liddell")


@pytest.fixture
def bob(fake: FakeBotAPI) -> Student:
    return Student(fake, BOB_ID, "Bob")


@pytest.fixture
def admin(fake: FakeBotAPI) -> Student:
    return Student(fake, ADMIN_ID, "Ada")
