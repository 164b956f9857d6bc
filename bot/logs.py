"""Logging set-up: JSON lines for machines, readable lines for people.

Every line carries the platform and, where there is one, the update id and user id of the
update being handled (set with `log_context`, kept in context variables so concurrent
handlers do not mix them up). Message text of users is never logged at INFO, and tokens
are redacted by the Telegram adapter's record factory.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_platform: ContextVar[str | None] = ContextVar("log_platform", default=None)
_update_id: ContextVar[str | None] = ContextVar("log_update_id", default=None)
_user_id: ContextVar[str | None] = ContextVar("log_user_id", default=None)

LOG_FORMATS = ("auto", "json", "text")


@contextmanager
def log_context(
    platform: str | None = None, update_id: object = None, user_id: object = None
) -> Iterator[None]:
    """Tag every log line written inside the block with these ids."""
    tokens = [
        _platform.set(platform),
        _update_id.set(None if update_id is None else str(update_id)),
        _user_id.set(None if user_id is None else str(user_id)),
    ]
    try:
        yield
    finally:
        for var, token in zip((_platform, _update_id, _user_id), tokens, strict=True):
            var.reset(token)


class ContextFilter(logging.Filter):
    """Copies the context variables onto each record (as `platform`, `update_id`, `user_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.platform = _platform.get()
        record.update_id = _update_id.get()
        record.user_id = _user_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("platform", "update_id", "user_id"):
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        tags = " ".join(
            f"{key}={value}"
            for key in ("platform", "update_id", "user_id")
            if (value := getattr(record, key, None)) is not None
        )
        return f"{text} [{tags}]" if tags else text


def setup_logging(level: str, fmt: str = "auto", stream: object = None) -> None:
    """Configure the root logger: JSON lines when stdout is not a terminal (or when asked for).

    Lines go to stderr either way, so a terminal session's answers on stdout stay clean.
    """
    out = stream if stream is not None else sys.stderr
    if fmt == "auto":
        fmt = "text" if sys.stdout.isatty() else "json"
    handler = logging.StreamHandler(out)  # type: ignore[arg-type]
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # httpx logs every request URL, and a Telegram URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
