"""Prometheus metrics: what `/metrics` serves when `TUTOR_HTTP` is set.

One module holds every metric so names and labels stay consistent; the core and the
adapters call the small `record_*` helpers rather than touching metric objects. The
registry is the library's default one, so a process has one set of metrics whatever
serves them.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ANSWERS = Counter(
    "tutor_answers_total", "Answers stored, by platform and result", ["platform", "result"]
)
ASKS = Counter(
    "tutor_asks_total", "Questions asked, by platform and purpose", ["platform", "purpose"]
)
UPDATES = Counter(
    "tutor_updates_total", "Platform updates (messages, button presses) handled", ["platform"]
)
HANDLER_SECONDS = Histogram(
    "tutor_handler_seconds",
    "Time to handle one platform update",
    ["platform"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DAILY_DELIVERIES = Counter(
    "tutor_daily_deliveries_total",
    "Daily questions by outcome (sent, blocked, retry_after, unknown, failed)",
    ["platform", "outcome"],
)
SEND_SECONDS = Histogram(
    "tutor_send_seconds",
    "Time for one platform send call of the daily push",
    ["platform"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
RATE_LIMIT_WAITS = Counter(
    "tutor_rate_limit_waits_total",
    "Times a send waited for the platform's rate limit (ours or a 429 retry_after)",
    ["platform"],
)
OPEN_GAMES = Gauge("tutor_open_games", "Duels and group quizzes in progress")
DATABASE_ERRORS = Counter(
    "tutor_database_errors_total", "Database operations that failed (connection lost, timeouts)"
)
PLATFORM_UP = Gauge(
    "tutor_platform_up", "1 while the platform connection works, 0 while it is down", ["platform"]
)


def record_answer(platform: str, correct: bool) -> None:
    ANSWERS.labels(platform, "correct" if correct else "wrong").inc()


def record_ask(platform: str, purpose: str) -> None:
    ASKS.labels(platform, purpose).inc()


def record_update(platform: str, seconds: float) -> None:
    UPDATES.labels(platform).inc()
    HANDLER_SECONDS.labels(platform).observe(seconds)


def count_update(platform: str) -> None:
    """An update whose handling is timed elsewhere or not at all (Discord interactions)."""
    UPDATES.labels(platform).inc()


def record_delivery(platform: str, outcome: str, seconds: float | None = None) -> None:
    DAILY_DELIVERIES.labels(platform, outcome).inc()
    if seconds is not None:
        SEND_SECONDS.labels(platform).observe(seconds)


def record_rate_limit_wait(platform: str) -> None:
    RATE_LIMIT_WAITS.labels(platform).inc()


def record_database_error() -> None:
    DATABASE_ERRORS.inc()
