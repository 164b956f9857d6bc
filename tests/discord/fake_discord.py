"""A fake Discord (gateway websocket + REST API + CDN) on 127.0.0.1 for the real discord.py.

The real client logs in (`GET /users/@me`, `/oauth2/applications/@me`), asks `GET /gateway/bot`
where the gateway is, connects to it, and gets HELLO; on IDENTIFY it gets READY and a
GUILD_CREATE per guild, and heartbeats are acknowledged. Tests inject INTERACTION_CREATE
events (slash commands, autocomplete, button clicks, form submits, in the server channel or
in a member's DM) and read what the bot did: interaction
callbacks, followups, edits, channel messages and DMs, all recorded in order.

It checks what Discord checks and the adapter must respect: an interaction is acknowledged
once (a second callback gets 40060) and within 3 s (late ones are recorded in `late`);
content ≤ 2,000 characters, embeds ≤ 4,096 description / 6,000 in all, ≤ 5 rows of ≤ 5
buttons, labels ≤ 80, custom_id ≤ 100; an ephemeral message is edited only through an
interaction (the channel's endpoint answers 404), and a form (Modal) has a title ≤ 45.
A breach is answered 400 (50035) and recorded in `violations`, so a test can assert there
were none.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from tests.waiting import Watched

Json = dict[str, Any]

APP_ID = 900_000_000_000_000_001
BOT_ID = APP_ID
GUILD_ID = 910_000_000_000_000_001
CHANNEL_ID = 920_000_000_000_000_001
OTHER_CHANNEL_ID = 920_000_000_000_000_002
TOKEN = "ODk5.fake-discord-token.that-must-never-be-logged"
ACK_DEADLINE_S = 3.0
EPHEMERAL = 1 << 6
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
# permissions
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD

CONTENT_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TOTAL_LIMIT = 6000
LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100

_ids = itertools.count(950_000_000_000_000_001)


def snowflake() -> str:
    return str(next(_ids))


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Member:
    """A person on the fake server."""

    id: int
    name: str
    permissions: int = MEMBER_PERMISSIONS

    def user(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.name.lower(),
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": False,
        }

    def member(self) -> Json:
        return {
            "user": self.user(),
            "roles": [],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "permissions": str(self.permissions),
        }


@dataclass
class Call:
    method: str
    path: str
    body: Any
    status: int = 200
    result: Any = None


@dataclass
class Interaction:
    """One interaction sent to the bot, and everything the bot answered to it."""

    id: str
    token: str
    type: int
    user: Member
    channel_id: int
    sent_at: float
    callbacks: list[Json] = field(default_factory=list)  # {"type": .., "data": ..}
    original: Json | None = None  # the response message (type 4/5), as edited
    followups: list[Json] = field(default_factory=list)
    message_id: str | None = None  # for a click: the message the button is on
    loading: bool = False  # deferred with "thinking…", not yet followed up
    modal: Json | None = None  # the form the bot answered with (callback type 9)

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def replies(self) -> list[Json]:
        """The messages this user saw in answer: the response, then the followups."""
        return ([self.original] if self.original else []) + self.followups

    def texts(self) -> list[str]:
        return [message_text(m) for m in self.replies]


def message_text(message: Json) -> str:
    """Content and embeds of a message as plain text, for assertions."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f.get("name", ""), f.get("value", "")]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(p for p in parts if p)


def buttons(message: Json) -> list[Json]:
    return [c for row in message.get("components") or [] for c in row.get("components", [])]


def labels(message: Json) -> list[str]:
    return [str(b.get("label")) for b in buttons(message)]


def title(message: Json) -> str:
    """The title of a message's first embed ("" without one)."""
    return str(message["embeds"][0].get("title") or "") if message.get("embeds") else ""


class FakeDiscord(Watched):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.url = ""
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.late: list[str] = []
        self.interactions: dict[str, Interaction] = {}
        self.messages: dict[str, Json] = {}  # by id, as last edited
        self.channel_messages: dict[int, list[str]] = {}  # channel -> message ids in order
        self.dm_channels: dict[int, int] = {}  # user -> DM channel
        self.dm_blocked: set[int] = set()
        self.no_access: set[int] = set()  # channels the bot was shut out of (403)
        self.attachments: dict[str, bytes] = {}
        self.downloads: list[str] = []  # attachment ids fetched from the CDN
        self.commands: dict[str, list[Json]] = {}  # "global" or guild id -> synced commands
        self.members: dict[int, Member] = {}
        self.identifies = 0
        self.intents = 0  # as the last IDENTIFY asked
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/cdn/{id}/{name}", self._cdn)
        app.router.add_route("*", "/api/v10/{path:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def add_member(self, member: Member) -> Member:
        self.members[member.id] = member
        return member

    @property
    def connected(self) -> bool:
        return any(not ws.closed for ws in self._sockets) and self.identifies > 0

    # -- what tests read ------------------------------------------------------------------
    def channel(self, channel_id: int) -> list[Json]:
        return [self.messages[m] for m in self.channel_messages.get(channel_id, [])]

    def dms(self, user_id: int) -> list[Json]:
        dm = self.dm_channels.get(user_id)
        return self.channel(dm) if dm is not None else []

    def calls_to(self, method: str, path_part: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and path_part in c.path]

    # -- gateway --------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:  # heartbeat
                await ws.send_json({"op": 11})
            elif op == 2:  # identify
                if payload["d"].get("token") != self.token:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                self.identifies += 1
                self.intents = int(payload["d"].get("intents", 0))
                await self._dispatch(ws, "READY", self._ready())
                await self._dispatch(ws, "GUILD_CREATE", self._guild())
                await self._notify()
            elif op == 6:  # resume: not kept; start a new session
                await ws.send_json({"op": 9, "d": False})
        await self._notify()
        return ws

    async def _dispatch(self, ws: web.WebSocketResponse, event: str, data: Json) -> None:
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def push(self, event: str, data: Json) -> None:
        """Send a dispatch event to the bot (waiting until it is connected)."""
        await self.wait_for(lambda: self.connected)
        for ws in self._sockets:
            if not ws.closed:
                await self._dispatch(ws, event, data)

    def bot_user(self) -> Json:
        return {
            "id": str(BOT_ID),
            "username": "saa-tutor",
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
        }

    def _ready(self) -> Json:
        return {
            "v": 10,
            "user": self.bot_user(),
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.url.replace("http", "ws") + "/gateway",
            "application": {"id": str(APP_ID), "flags": 0},
        }

    def _guild(self) -> Json:
        channels = [
            {
                "id": str(cid),
                "type": 0,
                "name": name,
                "position": i,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "rate_limit_per_user": 0,
            }
            for i, (cid, name) in enumerate(
                ((CHANNEL_ID, "study"), (OTHER_CHANNEL_ID, "announcements"))
            )
        ]
        return {
            "id": str(GUILD_ID),
            "name": "SAA study group",
            "icon": None,
            "owner_id": "1",
            "member_count": 1 + len(self.members),
            "large": False,
            "unavailable": False,
            "features": [],
            "channels": channels,
            "threads": [],
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "members": [
                {
                    "user": self.bot_user(),
                    "roles": [],
                    "joined_at": now_iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": now_iso(),
        }

    # -- interactions (what members do) ---------------------------------------------------
    def _interaction(
        self, type_: int, user: Member, channel_id: int, data: Json, **extra: Any
    ) -> tuple[Interaction, Json]:
        record = Interaction(
            snowflake(), f"itoken-{snowflake()}", type_, user, channel_id, time.monotonic()
        )
        self.interactions[record.id] = record
        payload: Json = {
            "id": record.id,
            "application_id": str(APP_ID),
            "type": type_,
            "data": data,
            "guild_id": str(GUILD_ID),
            "channel_id": str(channel_id),
            "channel": {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "study",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            "member": user.member(),
            "token": record.token,
            "version": 1,
            "app_permissions": str(ADMIN_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "attachment_size_limit": 8 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            **extra,
        }
        if channel_id in self.dm_channels.values():  # a DM: no server, a user not a member
            for key in ("guild_id", "member", "guild_locale"):
                payload.pop(key, None)
            payload["user"] = user.user()
            payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [user.user()]}
            payload["context"] = 1
        return record, payload

    async def slash(
        self,
        user: Member,
        name: str,
        options: list[Json] | None = None,
        *,
        channel_id: int = CHANNEL_ID,
        resolved: Json | None = None,
        autocomplete: bool = False,
    ) -> Interaction:
        """A member runs /name (type 2), or types into an autocompleted option (type 4)."""
        data: Json = {
            "id": self._command_id(name),
            "name": name,
            "type": 1,
            "options": options or [],
        }
        if resolved:
            data["resolved"] = resolved
        record, payload = self._interaction(4 if autocomplete else 2, user, channel_id, data)
        await self.push("INTERACTION_CREATE", payload)
        return record

    async def click(self, user: Member, message: Json, custom_id: str) -> Interaction:
        """A member clicks a button with `custom_id` on `message` (as it reads now)."""
        message = self.messages.get(message["id"], message)
        data = {"custom_id": custom_id, "component_type": 2}
        channel_id = int(message["channel_id"])
        record, payload = self._interaction(3, user, channel_id, data, message=dict(message))
        record.message_id = message["id"]
        await self.push("INTERACTION_CREATE", payload)
        return record

    async def choose(
        self, user: Member, message: Json, custom_id: str, *values: str
    ) -> Interaction:
        """A member picks `values` in the select `custom_id` on `message` (as it reads now)."""
        message = self.messages.get(message["id"], message)
        data = {"custom_id": custom_id, "component_type": 3, "values": list(values)}
        channel_id = int(message["channel_id"])
        record, payload = self._interaction(3, user, channel_id, data, message=dict(message))
        record.message_id = message["id"]
        await self.push("INTERACTION_CREATE", payload)
        return record

    async def click_label(self, user: Member, message: Json, label: str) -> Interaction:
        message = self.messages.get(message["id"], message)
        for button in buttons(message):
            if button.get("label") == label:
                return await self.click(user, message, button["custom_id"])
        labels = [b.get("label") for b in buttons(message)]
        raise AssertionError(f"no button {label!r} in {labels}")

    async def submit(self, user: Member, form: Interaction, *values: str) -> Interaction:
        """A member fills in the form (Modal) the bot answered `form` with, one value per
        text input in order, and sends it as Discord does (each input in its Label)."""
        modal = await self.wait_for(lambda: form.modal)
        inputs = [
            c["component"] if c["type"] == 18 else c["components"][0] for c in modal["components"]
        ]
        fields = [
            {"type": 18, "component": {"type": 4, "custom_id": i["custom_id"], "value": value}}
            for i, value in zip(inputs, values, strict=True)
        ]
        data = {"custom_id": modal["custom_id"], "components": fields}
        record, payload = self._interaction(5, user, form.channel_id, data)
        await self.push("INTERACTION_CREATE", payload)
        return record

    def dm_channel(self, user: Member) -> int:
        """The member's DM channel with the bot (a slash command there has no server)."""
        return self.dm_channels.setdefault(user.id, int(snowflake()))

    def attach(self, name: str, content: bytes, size: int | None = None) -> Json:
        """An uploaded file as it appears in an interaction's resolved data."""
        attachment_id = snowflake()
        self.attachments[attachment_id] = content
        return {
            "id": attachment_id,
            "filename": name,
            "size": len(content) if size is None else size,
            "url": f"{self.url}/cdn/{attachment_id}/{name}",
            "proxy_url": f"{self.url}/cdn/{attachment_id}/{name}",
            "content_type": "application/x-yaml",
        }

    def _command_id(self, name: str) -> str:
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return str(command["id"])
        return snowflake()

    async def wait_acknowledged(self, record: Interaction) -> Interaction:
        await self.wait_for(lambda: record.acknowledged)
        return record

    async def wait_replies(self, record: Interaction, count: int = 1) -> list[Json]:
        """The first `count` messages the bot answered the interaction with."""

        def done() -> list[Json] | None:
            replies = [m for m in record.replies if message_text(m) or buttons(m)]
            return replies if len(replies) >= count else None

        return await self.wait_for(done)  # type: ignore[no-any-return]

    async def edited(self, message: Json, test: Callable[[Json], bool]) -> Json:
        """The message once `test` holds for it as last edited (e.g. by a click on it)."""
        current = self.messages
        return await self.wait_for(  # type: ignore[no-any-return]
            lambda: test(current[message["id"]]) and current[message["id"]]
        )

    async def wait_message(self, channel_id: int, seen: int) -> Json:
        """The first message in `channel_id` after the first `seen` ones."""
        messages = await self.wait_for(
            lambda: len(self.channel(channel_id)) > seen and self.channel(channel_id)
        )
        return messages[seen]  # type: ignore[no-any-return]

    # -- REST -----------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body = await _body(request)
        call = Call(request.method, path, body)
        try:
            if request.headers.get("Authorization") != f"Bot {self.token}" and not (
                path.startswith("/interactions/") or path.startswith("/webhooks/")
            ):
                raise ApiError(401, 0, "401: Unauthorized")
            result, status = await self._route(request.method, path, body)
        except ApiError as error:
            call.status = error.status
            self.calls.append(call)
            await self._notify()
            return _json({"code": error.code, "message": error.message}, error.status)
        call.status, call.result = status, result
        self.calls.append(call)
        await self._notify()
        if status == 204:
            return web.Response(status=204)
        return _json(result, status)

    async def _route(self, method: str, path: str, body: Any) -> tuple[Any, int]:
        parts = path.strip("/").split("/")
        match method, parts:
            case "GET", ["users", "@me"]:
                return self.bot_user(), 200
            case "GET", ["oauth2", "applications", "@me"]:
                return self._application(), 200
            case "GET", ["gateway", "bot"]:
                limits = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
                gateway = self.url.replace("http", "ws") + "/gateway"
                return {"url": gateway, "shards": 1, "session_start_limit": limits}, 200
            case "PUT", ["applications", _, "commands"]:
                return self._sync("global", body), 200
            case "PUT", ["applications", _, "guilds", guild, "commands"]:
                return self._sync(guild, body), 200
            case "POST", ["interactions", interaction_id, token, "callback"]:
                return self._callback(interaction_id, token, body), 200
            case "POST", ["webhooks", _, token]:
                record = self._by_token(token)
                if record.loading and record.original is not None:
                    # The first followup after "thinking…" replaces that message (and
                    # keeps its visibility, whatever flags the followup asks for).
                    record.loading = False
                    self._edit(record.original, body)
                    return record.original, 200
                message = self._new_message(record.channel_id, body, BOT_ID)
                record.followups.append(message)
                return message, 200
            case "GET", ["webhooks", _, token, "messages", "@original"]:
                record = self._by_token(token)
                if record.original is None:
                    raise ApiError(404, 10008, "Unknown Message")
                return record.original, 200
            case "PATCH", ["webhooks", _, token, "messages", message_id]:
                record = self._by_token(token)
                if message_id != "@original":
                    target = self.messages.get(message_id)
                elif record.original is None and record.message_id:  # a deferred update
                    target = self.messages.get(record.message_id)
                else:
                    target = record.original
                if target is None:
                    raise ApiError(404, 10008, "Unknown Message")
                self._edit(target, body)
                return target, 200
            case _, ["channels", channel_id, "messages", *_] if int(channel_id) in self.no_access:
                raise ApiError(403, 50001, "Missing Access")
            case "POST", ["channels", channel_id, "messages"]:
                channel = int(channel_id)
                recipient = next((u for u, c in self.dm_channels.items() if c == channel), None)
                if recipient is not None and recipient in self.dm_blocked:
                    raise ApiError(403, 50007, "Cannot send messages to this user")
                return self._new_message(channel, body, BOT_ID), 200
            case "PATCH", ["channels", _, "messages", message_id]:
                target = self.messages.get(message_id)
                if target is None or target["flags"] & EPHEMERAL:  # only through interactions
                    raise ApiError(404, 10008, "Unknown Message")
                self._edit(target, body)
                return target, 200
            case "GET", ["channels", _, "messages", message_id]:
                if message_id not in self.messages:
                    raise ApiError(404, 10008, "Unknown Message")
                return self.messages[message_id], 200
            case "POST", ["users", "@me", "channels"]:
                user = int(body["recipient_id"])
                channel = self.dm_channels.setdefault(user, int(snowflake()))
                recipient = self.members[user].user() if user in self.members else {"id": str(user)}
                return {
                    "id": str(channel),
                    "type": 1,
                    "recipients": [recipient],
                    "last_message_id": None,
                }, 200
        raise ApiError(404, 0, f"404: Not Found ({method} {path})")

    def _application(self) -> Json:
        return {
            "id": str(APP_ID),
            "name": "SAA Tutor",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _sync(self, scope: str, body: list[Json]) -> list[Json]:
        synced = []
        for command in body:
            synced.append(
                {
                    "id": snowflake(),
                    "application_id": str(APP_ID),
                    "version": "1",
                    "type": 1,
                    "options": [],
                    "default_member_permissions": None,
                    "dm_permission": True,
                    "nsfw": False,
                    **command,
                }
            )
        self.commands[scope] = synced
        return synced

    def _by_token(self, token: str) -> Interaction:
        for record in self.interactions.values():
            if record.token == token:
                return record
        raise ApiError(404, 10015, "Unknown Webhook")

    def _callback(self, interaction_id: str, token: str, body: Json) -> Json:
        record = self.interactions.get(interaction_id)
        if record is None or record.token != token:
            raise ApiError(404, 10062, "Unknown interaction")
        if record.callbacks:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - record.sent_at > ACK_DEADLINE_S:
            self.late.append(f"interaction {record.id} acknowledged late")
        kind = body["type"]
        data = body.get("data") or {}
        record.callbacks.append(body)
        resource: Json | None = None
        if kind in (4, 5):  # a message now, or "thinking…" to be edited
            self._check(data)
            record.original = self._new_message(record.channel_id, data, BOT_ID)
            if kind == 5:
                record.loading = True
            resource = {"type": kind, "message": record.original}
        elif kind == 7 and record.message_id in self.messages:  # edit the clicked message
            self._edit(self.messages[record.message_id], data)
            resource = {"type": kind, "message": self.messages[record.message_id]}
        elif kind == 9:  # a form (Modal): its title and inputs are checked like Discord does
            if len(data.get("title", "")) > 45 or not 1 <= len(data.get("components", [])) <= 5:
                self._violation(f"modal {data.get('title')!r}")
            record.modal = data
        elif kind == 8:  # autocomplete choices
            choices = data.get("choices", [])
            if len(choices) > 25:
                self._violation(f"{len(choices)} autocomplete choices (max 25)")
        response: Json = {
            "interaction": {
                "id": record.id,
                "type": record.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            }
        }
        if resource is not None:
            response["resource"] = resource
            response["interaction"]["response_message_id"] = resource["message"]["id"]
        return response

    # -- messages -------------------------------------------------------------------------
    def _new_message(self, channel_id: int, body: Json, author_id: int) -> Json:
        self._check(body)
        message: Json = {
            "id": snowflake(),
            "channel_id": str(channel_id),
            "author": self.bot_user(),
            "content": body.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "components": body.get("components") or [],
            "flags": body.get("flags") or 0,
        }
        if channel_id not in self.dm_channels.values():
            message["guild_id"] = str(GUILD_ID)
        self._attach(message, body)
        self.messages[message["id"]] = message
        if not message["flags"] & EPHEMERAL:
            self.channel_messages.setdefault(channel_id, []).append(message["id"])
        return message

    def _edit(self, message: Json, body: Json) -> None:
        self._check(body)
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ([] if key != "content" else "")
                )
        self._attach(message, body)
        message["edited_timestamp"] = now_iso()

    def _attach(self, message: Json, body: Json) -> None:
        """Uploaded files become the message's attachments (their bytes kept by id)."""
        for filename, content in body.get("_files", []):
            attachment_id = snowflake()
            self.attachments[attachment_id] = content
            message["attachments"].append(
                {"id": attachment_id, "filename": filename, "size": len(content)}
            )

    def _violation(self, text: str) -> None:
        self.violations.append(text)
        raise ApiError(400, 50035, f"Invalid Form Body: {text}")

    def _check(self, body: Json) -> None:
        content = body.get("content") or ""
        if len(content) > CONTENT_LIMIT:
            self._violation(f"content of {len(content)} characters")
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            self._violation(f"{len(embeds)} embeds")
        total = 0
        for embed in embeds:
            description = embed.get("description") or ""
            if len(description) > EMBED_DESCRIPTION_LIMIT:
                self._violation(f"embed description of {len(description)} characters")
            if len(embed.get("title") or "") > 256:
                self._violation("embed title over 256")
            fields = embed.get("fields") or []
            if len(fields) > 25:
                self._violation(f"{len(fields)} embed fields")
            for f in fields:
                if len(f.get("name", "")) > 256 or len(f.get("value", "")) > 1024:
                    self._violation("embed field over 256/1024")
                total += len(f.get("name", "")) + len(f.get("value", ""))
            footer = (embed.get("footer") or {}).get("text", "")
            if len(footer) > 2048:
                self._violation("embed footer over 2048")
            total += len(description) + len(embed.get("title") or "") + len(footer)
        if total > EMBED_TOTAL_LIMIT:
            self._violation(f"embeds of {total} characters in all")
        rows = body.get("components") or []
        if len(rows) > 5:
            self._violation(f"{len(rows)} component rows")
        for row in rows:
            items = row.get("components", [])
            if len(items) > 5:
                self._violation(f"{len(items)} buttons in a row")
            if any(item.get("type") == 3 for item in items) and len(items) > 1:
                self._violation("a select shares its row")
            for item in items:
                options = item.get("options") or []
                if len(options) > 25 or any(
                    len(o.get(k) or "") > 100 for o in options for k in ("label", "value")
                ):
                    self._violation(f"select options of {item.get('custom_id')!r}")
                if len(item.get("label") or "") > LABEL_LIMIT:
                    self._violation(f"button label {item.get('label')!r}")
                if len(item.get("custom_id") or "") > CUSTOM_ID_LIMIT:
                    self._violation(f"custom_id {item.get('custom_id')!r}")

    # -- CDN ------------------------------------------------------------------------------
    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        self.downloads.append(request.match_info["id"])
        await self._notify()
        content = self.attachments.get(request.match_info["id"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="application/octet-stream")


def _json(value: Any, status: int) -> web.Response:
    # discord.py parses a body as JSON only for exactly "application/json" (no charset).
    return web.Response(
        body=json.dumps(value).encode(), status=status, headers={"Content-Type": "application/json"}
    )


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        body: Any = {}
        files: list[tuple[str, bytes]] = []
        while (part := await reader.next()) is not None:
            name = getattr(part, "name", None) or ""
            if name == "payload_json":
                body = json.loads(await part.text())  # type: ignore[union-attr]
            elif name.startswith("files["):  # an uploaded attachment
                files.append((part.filename or "", bytes(await part.read())))  # type: ignore[union-attr]
        if files:
            body["_files"] = files
        return body
    text = await request.text()
    return json.loads(text) if text else None
