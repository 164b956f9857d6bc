"""The webhook server: Telegram POSTs each update as JSON to our URL.

PTB's built-in server reads the whole body (up to ~100 MB) before it looks at the secret
header, so anyone who knows the URL can make the process buffer huge bodies. This one:

- checks the `X-Telegram-Bot-Api-Secret-Token` header as soon as the headers are in, and
  answers 403 without reading the body;
- refuses a `Content-Length` over MAX_BODY_BYTES (Telegram updates are a few KB) with 413,
  and stops reading a body that grows past it;
- answers 400 to a body that is not a JSON update, and 200 once the update is queued.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot: Bot, queue: asyncio.Queue[object], secret: str) -> None:
        self.bot = bot
        self.queue = queue
        self.secret = secret
        self.chunks: list[bytes] = []
        self.size = 0
        self.refused = False

    def prepare(self) -> None:
        """Runs once the headers are read, before any of the body."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self._refuse(HTTPStatus.FORBIDDEN)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        self.request.connection.set_max_body_size(MAX_BODY_BYTES)  # type: ignore[union-attr]

    def _refuse(self, status: HTTPStatus) -> None:
        self.refused = True
        self.set_status(status)
        self.set_header("Connection", "close")
        self.finish()
        # Do not read (or wait for) a body we are not going to use.
        self.request.connection.close()  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        if self.refused:
            return
        self.size += len(chunk)
        if self.size > MAX_BODY_BYTES:  # a chunked body without a Content-Length
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            self.chunks.clear()
            return
        self.chunks.append(chunk)

    async def post(self) -> None:
        if self.refused:
            return
        try:
            data = json.loads(b"".join(self.chunks))
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not a Telegram update")
            update = Update.de_json(data, self.bot)
        except Exception as error:  # any malformed body is the sender's problem
            log.info("webhook: refused a malformed update: %s", error)
            self.set_status(HTTPStatus.BAD_REQUEST)
            self.finish()
            return
        await self.queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        # Bad requests are answered and logged above; tornado's traceback adds nothing.
        log.debug("webhook: request failed", exc_info=args[1] if len(args) > 1 else None)


class _App(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        pass  # one log line per update is noise; refusals are logged where they happen


class WebhookServer:
    def __init__(
        self,
        bot: Bot,
        queue: asyncio.Queue[object],
        *,
        secret: str,
        path: str,
        listen: str,
        port: int,
    ) -> None:
        route = "/" + path.strip("/")
        app = _App([(rf"{route}/?", UpdateHandler, {"bot": bot, "queue": queue, "secret": secret})])
        # The cap also covers what tornado buffers before a handler sees anything.
        self.server = HTTPServer(
            app, max_body_size=MAX_BODY_BYTES, max_buffer_size=MAX_BODY_BYTES + 64 * 1024
        )
        self.listen = listen
        self.port = port

    async def start(self) -> None:
        self.server.listen(self.port, address=self.listen)

    async def stop(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()
