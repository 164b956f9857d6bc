"""Keep secrets (the bot token, the webhook secret) out of every log record.

The token is part of every Bot API URL, and libraries log URLs (httpx at INFO, PTB at DEBUG
when it builds the Bot). Rather than hunting for each logger, one log-record factory
replaces the secrets in every record's message and traceback as the record is created, so
every handler (files, the console, pytest's capture) sees only "[REDACTED]".
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

MASK = "[REDACTED]"
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def hide(*secrets: str | None) -> None:
    """Redact these strings from all log records from now on (installs the factory once)."""
    global _installed
    _secrets.update(s for s in secrets if s and len(s) >= 8)
    if _installed:
        return
    base = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        if _secrets:
            _scrub(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: leave it to the handler to report
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        cleaned = redact(text)
        if cleaned != text:  # handlers format exc_text; none may see the raw exception
            record.exc_text, record.exc_info = cleaned, None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
