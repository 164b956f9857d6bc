"""Health checks (timeouts, failures, caching) and the log formats, on fakes."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import pytest

from bot.config import Settings, parse_host_port
from bot.health import Health
from bot.logs import ContextFilter, JsonFormatter, TextFormatter, log_context, setup_logging


async def test_health_names_what_is_down_and_caches_the_result() -> None:
    now = [0.0]
    calls = {"db": 0}
    state = {"platform": "ok"}

    async def db() -> str | None:
        calls["db"] += 1
        return None

    async def platform() -> str | None:
        if state["platform"] == "raise":
            raise ConnectionError("refused")
        return None

    async def stuck() -> str | None:
        await asyncio.sleep(60)
        return None

    health = Health(timeout=0.05, ttl=2.0, clock=lambda: now[0])
    health.add("database", db)
    health.add("telegram", platform)
    report = await health.report()
    assert report.healthy and report.components == {"database": "ok", "telegram": "ok"}

    state["platform"] = "raise"
    assert (await health.report()).healthy  # cached within ttl
    assert calls["db"] == 1
    now[0] = 5.0
    report = await health.report()
    assert not report.healthy
    assert report.components["telegram"] == "ConnectionError: refused"
    assert report.as_json()["status"] == "down"

    health.add("discord", stuck)
    now[0] = 10.0
    report = await health.report()
    assert report.components["discord"] == "no answer within 0.05 s"


def _record(message: str) -> logging.LogRecord:
    record = logging.LogRecord("tutor.test", logging.INFO, __file__, 1, message, None, None)
    ContextFilter().filter(record)
    return record


def test_json_lines_carry_platform_update_and_user() -> None:
    with log_context("telegram", update_id=42, user_id=7):
        record = _record("handled")
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "handled" and line["level"] == "INFO"
    assert (line["platform"], line["update_id"], line["user_id"]) == ("telegram", "42", "7")
    assert "platform" not in json.loads(JsonFormatter().format(_record("outside")))


def test_text_lines_are_readable_with_tags() -> None:
    with log_context("discord", user_id=9):
        text = TextFormatter().format(_record("hello"))
    assert text.endswith("hello [platform=discord user_id=9]")


def test_setup_logging_honours_the_format() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    setup_logging("INFO", "json", stream)
    logging.getLogger("tutor.x").info("one")
    setup_logging("INFO", "text", stream)
    logging.getLogger("tutor.x").info("two")
    first, second = stream.getvalue().splitlines()
    assert json.loads(first)["message"] == "one"
    assert second.endswith("tutor.x: two")
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_http_setting_is_checked() -> None:
    assert parse_host_port("0.0.0.0:8080") == ("0.0.0.0", 8080)
    assert parse_host_port(":9000") == ("0.0.0.0", 9000)
    for bad in ("8080", "host:99999", "host:http"):
        with pytest.raises(ValueError, match="host:port"):
            parse_host_port(bad)
    with pytest.raises(ValueError, match="TUTOR_HTTP|host:port"):
        Settings(TUTOR_HTTP="nowhere")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="json"):
        Settings(TUTOR_LOG_FORMAT="xml")  # type: ignore[call-arg]
