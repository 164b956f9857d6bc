"""A fake Telegram Bot API server on 127.0.0.1, for driving the real Application end to end.

It speaks the same HTTP as api.telegram.org (`/bot<token>/<method>` with form or multipart
bodies, `/file/bot<token>/<path>` for downloads), keeps the chats' messages, serves queued
updates to getUpdates (long polling, `offset` confirming), and records every call. It checks
what Telegram checks and the adapter must respect: HTML that parses, messages of at most
4096 characters, callback_data of at most 64 bytes, a callback query answered once.

Faults on demand: a chat that has blocked the bot (403), a 429 with retry_after once, a
connection dropped once, an outage (every connection dropped), the same update delivered
twice. `rate_limit()` enforces Telegram's flood limit on calls that write to a chat: beyond
it, 429 with `retry_after`, counted in `too_many`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import itertools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from tests.waiting import Watched

BOT_ID = 7000
BOT_USERNAME = "saa_tutor_bot"
MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "allowed_updates",
    "scope",
    "link_preview_options",
    "reply_parameters",
    "entities",
    "show_alert",
    "drop_pending_updates",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id"}
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "code",
    "pre",
    "a",
    "tg-spoiler",
    "blockquote",
}
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")

Json = dict[str, Any]
CAPTION_LIMIT = 1024


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Call:
    method: str
    params: Json
    status: int = 200
    result: Any = None
    at: float = 0.0  # time.monotonic() when answered


@dataclass
class Fault:
    kind: str  # "retry_after" | "drop"
    seconds: int = 1


@dataclass
class FakeBotAPI(Watched):
    token: str = field(repr=False)
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], Json] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    answered_queries: set[str] = field(default_factory=set)
    # Called with every call as it is recorded (the capacity benchmark times them).
    listeners: list[Callable[[Call], None]] = field(default_factory=list)
    # While set, every API call (getUpdates too) gets 502 Bad Gateway, as from a proxy whose
    # upstream is gone; `outage()` below drops connections instead and keeps getUpdates.
    unreachable: bool = False
    # getChatMember: (chat id, user id) -> "creator" | "administrator"; anyone else is a
    # plain "member" of any group.
    chat_roles: dict[tuple[int, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Watched.__init__(self)
        self.too_many = 0  # 429s answered because of the rate limit
        self.down = False
        self._bucket: _Bucket | None = None
        # Unconfirmed updates, oldest first (confirmed ones are dropped as the offset moves:
        # a long run must not rescan them), and every update by id for push_again.
        self._updates: collections.deque[Json] = collections.deque()
        self._by_id: dict[int, Json] = {}
        self._again: list[Json] = []  # served once more, whatever the offset
        self._held: dict[int, asyncio.Event] = {}
        self._confirmed = 0
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.url = ""

    # -- server lifecycle ----------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # handler_cancellation: a long poll whose client went away ends at once
        self._runner = web.AppRunner(app, handle_signals=False, handler_cancellation=True)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def stop(self) -> None:
        async with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests arrange --------------------------------------------------------------
    def block(self, chat_id: int) -> None:
        """The user of this private chat has blocked the bot: every call for it gets 403."""
        self.blocked.add(chat_id)

    def retry_after_once(self, method: str, seconds: int = 1) -> None:
        self.faults.setdefault(method, []).append(Fault("retry_after", seconds))

    def drop_once(self, method: str) -> None:
        self.faults.setdefault(method, []).append(Fault("drop"))

    def rate_limit(self, per_second: float = 30.0, burst: int = 30) -> None:
        """Like Telegram's flood control: calls that write to a chat (send*, edit*, copy*,
        forward*) beyond `per_second` (bursts of `burst`) get 429 with retry_after."""
        self._bucket = _Bucket(per_second, burst)

    def hold(self, chat_id: int) -> asyncio.Event:
        """Calls for this chat wait until the returned event is set (a slow chat)."""
        event = self._held[chat_id] = asyncio.Event()
        return event

    def outage(self, down: bool = True) -> None:
        """Telegram cannot deliver: every connection but getUpdates' is dropped until
        outage(False)."""
        self.down = down

    async def push_again(self, update_id: int) -> None:
        """Deliver an update a second time, with the same update_id (Telegram may)."""
        update = self._by_id[update_id]
        async with self._changed:
            self._again.append(copy.deepcopy(update))
            self._changed.notify_all()

    def add_file(self, file_id: str, content: bytes) -> None:
        self.files[file_id] = content

    async def push(self, kind: str, payload: Json) -> int:
        update_id = next(self._update_ids)
        async with self._changed:
            update = {"update_id": update_id, kind: payload}
            self._updates.append(update)
            self._by_id[update_id] = update
            self._changed.notify_all()
        return update_id

    def new_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    # -- what tests read -----------------------------------------------------------------
    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def sent(self, chat_id: int) -> list[Json]:
        """Snapshots of the messages the bot has sent to a chat, as they read now."""
        return [
            copy.deepcopy(self.messages[(chat_id, c.result["message_id"])])
            for c in self.calls_to("sendMessage", chat_id)
            if c.status == 200
        ]

    def photos(self, chat_id: int) -> list[Json]:
        """The photos the bot has sent to a chat (each with its PNG bytes under "png")."""
        out = []
        for c in self.calls_to("sendPhoto", chat_id):
            if c.status == 200:
                message = copy.deepcopy(self.messages[(chat_id, c.result["message_id"])])
                message["png"] = self.files[message["photo"][0]["file_id"]]
                out.append(message)
        return out

    # -- HTTP ----------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if self.unreachable:
            return web.json_response(
                {"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502
            )
        params = await _params(request)
        call = Call(method, params)
        if request.match_info["token"] != self.token:
            return await self._reply(call, ApiError(401, "Unauthorized"))
        fault = self.faults.get(method, []) and self.faults[method].pop(0)
        if self.down and method != "getUpdates":
            fault = Fault("drop")
        if not fault and self._bucket is not None and method.startswith(LIMITED):
            wait = self._bucket.take()
            if wait:
                self.too_many += 1
                fault = Fault("retry_after", wait)
        if fault and fault.kind == "drop":
            await self._record(call, 0)
            assert request.transport is not None
            request.transport.abort()  # the client sees the connection close, no response
            raise asyncio.CancelledError
        if fault and fault.kind == "retry_after":
            error = ApiError(
                429,
                f"Too Many Requests: retry after {fault.seconds}",
                {"retry_after": fault.seconds},
            )
            return await self._reply(call, error)
        held = self._held.get(params.get("chat_id"))  # type: ignore[arg-type]
        if held is not None:
            await held.wait()
        try:
            if params.get("chat_id") in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as error:
            return await self._reply(call, error)
        return await self._reply(call, result)

    async def _reply(self, call: Call, outcome: Any) -> web.Response:
        if isinstance(outcome, ApiError):
            body: Json = {
                "ok": False,
                "error_code": outcome.code,
                "description": outcome.description,
            }
            if outcome.parameters:
                body["parameters"] = outcome.parameters
            await self._record(call, outcome.code)
            return web.json_response(body, status=outcome.code)
        call.result = outcome
        await self._record(call, 200)
        return web.json_response({"ok": True, "result": outcome})

    async def _record(self, call: Call, status: int) -> None:
        call.status = status
        call.at = time.monotonic()
        for listener in self.listeners:
            listener(call)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _download(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        call = Call("download", {"path": path})
        if request.match_info["token"] != self.token:
            await self._record(call, 401)
            return web.Response(status=401)
        file_id = path.rsplit("/", 1)[-1]
        if file_id not in self.files:
            await self._record(call, 404)
            return web.Response(status=404)
        await self._record(call, 200)
        return web.Response(body=self.files[file_id])

    # -- methods -------------------------------------------------------------------------
    async def _m_getMe(self, params: Json) -> Json:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "SAA Tutor",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_deleteWebhook(self, params: Json) -> bool:
        return True

    async def _m_setWebhook(self, params: Json) -> bool:
        return True

    async def _m_setMyCommands(self, params: Json) -> bool:
        return True

    async def _m_getUpdates(self, params: Json) -> list[Json]:
        offset = params.get("offset")
        if isinstance(offset, int) and offset > self._confirmed:
            self._confirmed = offset
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)

        def pending() -> list[Json]:
            while self._updates and self._updates[0]["update_id"] < self._confirmed:
                self._updates.popleft()
            fresh = list(itertools.islice(self._updates, limit))
            return fresh + self._again

        async with self._changed:
            if not pending() and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self._changed.wait_for(lambda: pending() or self._closing)
            served = pending()[:limit]
            self._again = [u for u in self._again if u not in served]
            return served

    async def _m_sendMessage(self, params: Json) -> Json:
        chat_id = int(params["chat_id"])
        message_id = self.new_message_id(chat_id)
        text = _visible_text(params)
        markup = _checked_markup(params.get("reply_markup"))
        message: Json = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat_json(chat_id),
            "from": self._m_bot(),
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message_id)] = message
        if markup and "inline_keyboard" not in markup:
            # Telegram returns only inline keyboards in a Message (reply keyboards and their
            # removal are kept for the tests to read, but not echoed).
            return {k: v for k, v in message.items() if k != "reply_markup"}
        return message

    async def _m_sendPhoto(self, params: Json) -> Json:
        chat_id = int(params["chat_id"])
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo.startswith(b"\x89PNG"):
            raise ApiError(400, "Bad Request: photo is not an uploaded PNG")
        caption = str(params.get("caption", ""))
        if params.get("parse_mode") == "HTML":
            caption = parse_html(caption)
        if len(caption) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
        message_id = self.new_message_id(chat_id)
        self.files[f"photo-{chat_id}-{message_id}"] = photo
        message: Json = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat_json(chat_id),
            "from": self._m_bot(),
            "photo": [{"file_id": f"photo-{chat_id}-{message_id}", "file_unique_id": "p",
                       "width": 800, "height": 600}],
            "caption": caption,
        }  # fmt: skip
        self.messages[(chat_id, message_id)] = message
        return message

    @staticmethod
    def _m_bot() -> Json:
        return {"id": BOT_ID, "is_bot": True, "first_name": "SAA Tutor", "username": BOT_USERNAME}

    def _stored(self, params: Json) -> Json:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    async def _m_editMessageText(self, params: Json) -> Json:
        message = self._stored(params)
        text = _visible_text(params)
        markup = _checked_markup(params.get("reply_markup"))
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = text
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _m_editMessageReplyMarkup(self, params: Json) -> Json:
        message = self._stored(params)
        markup = _checked_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _m_getChatMember(self, params: Json) -> Json:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        if chat_id >= 0 and chat_id != user_id:
            raise ApiError(400, "Bad Request: user not found")
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        status = self.chat_roles.get((chat_id, user_id), "member")
        member: Json = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            rights = (
                "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
                "can_promote_members can_change_info can_invite_users can_post_stories "
                "can_edit_stories can_delete_stories"
            )
            member |= {"can_be_edited": False, "is_anonymous": False}
            member |= {right: right == "can_manage_chat" for right in rights.split()}
        return member

    async def _m_answerCallbackQuery(self, params: Json) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id in self.answered_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answered_queries.add(query_id)
        return True

    async def _m_getFile(self, params: Json) -> Json:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    def next_query_id(self) -> str:
        return str(next(self._query_ids))


LIMITED = ("send", "edit", "copy", "forward")


class _Bucket:
    """A token bucket; `take()` is 0 when a call may go, else whole seconds to wait."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> int:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.rate))


def chat_json(chat_id: int) -> Json:
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": "Study group"}
    return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}


async def _params(request: web.Request) -> Json:
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST":
        if request.content_type == "application/json":
            raw.update(await request.json())
        else:
            form = await request.post()
            raw.update({k: v for k, v in form.items() if isinstance(v, str)})
            # Uploaded files (sendPhoto): their bytes, under the field's name.
            raw.update({k: v.file.read() for k, v in form.items() if hasattr(v, "file")})
    params: Json = {}
    for key, value in raw.items():
        if isinstance(value, str) and key in JSON_FIELDS:
            value = json.loads(value)
        elif isinstance(value, str) and key in INT_FIELDS and re.fullmatch(r"-?\d+", value):
            value = int(value)
        params[key] = value
    return params


def _visible_text(params: Json) -> str:
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        text = parse_html(text)
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > MESSAGE_LIMIT:
        raise ApiError(400, "Bad Request: message is too long")
    return text


def _checked_markup(markup: Any) -> Json | None:
    if not markup:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return dict(markup)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported tag <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: unmatched </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(source: str) -> str:
    """The visible text of Telegram HTML; raises ApiError where Telegram would refuse it."""
    for k, char in enumerate(source):
        if char == "<" and not _TAG.match(source, k):
            raise ApiError(400, f"Bad Request: can't parse entities: stray '<' at {k}")
        if char == "&" and not _ENTITY.match(source, k):
            raise ApiError(400, f"Bad Request: can't parse entities: stray '&' at {k}")
    parser = _Html()
    parser.feed(source)
    parser.close()
    if parser.open:
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed <{parser.open[-1]}>")
    return "".join(parser.text)
