"""Local wall-clock times across DST in Europe/Berlin, America/New_York, Australia/Lord_Howe."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.daily.localtime import end_of_day, next_occurrence, occurrence

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # DST moves the clocks by 30 minutes


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        # an ordinary day
        (date(2026, 3, 1), time(9, 0), BERLIN, utc(2026, 3, 1, 8, 0)),
        # spring forward: 02:00-02:59 does not exist; 02:30 fires at 03:00 (CEST = UTC+2)
        (date(2026, 3, 29), time(2, 30), BERLIN, utc(2026, 3, 29, 1, 0)),
        # fall back: 02:30 happens twice; it fires at the first (CEST)
        (date(2026, 10, 25), time(2, 30), BERLIN, utc(2026, 10, 25, 0, 30)),
        (date(2026, 3, 8), time(2, 15), NEW_YORK, utc(2026, 3, 8, 7, 0)),  # gap -> 03:00 EDT
        (date(2026, 11, 1), time(1, 30), NEW_YORK, utc(2026, 11, 1, 5, 30)),  # first 01:30 EDT
        # Lord Howe springs forward 02:00 -> 02:30: 02:10 fires at 02:30 (UTC+11)
        (date(2026, 10, 4), time(2, 10), LORD_HOWE, utc(2026, 10, 3, 15, 30)),
        # ... and falls back 02:00 -> 01:30: 01:45 happens twice; first is at UTC+11
        (date(2026, 4, 5), time(1, 45), LORD_HOWE, utc(2026, 4, 4, 14, 45)),
    ],
)
def test_occurrence(day: date, at: time, zone: ZoneInfo, expected: datetime) -> None:
    assert occurrence(day, at, zone) == expected


def test_next_occurrence_is_strictly_after() -> None:
    nine = utc(2026, 3, 1, 8, 0)
    assert next_occurrence(nine, time(9, 0), BERLIN) == utc(2026, 3, 2, 8, 0)
    assert next_occurrence(utc(2026, 3, 1, 7, 59), time(9, 0), BERLIN) == nine


def test_day_lengths_across_dst() -> None:
    assert end_of_day(date(2026, 3, 28), BERLIN) == utc(2026, 3, 28, 23, 0)
    # the short day: from 00:00 CET to 00:00 CEST is 23 hours
    assert end_of_day(date(2026, 3, 29), BERLIN) - end_of_day(date(2026, 3, 28), BERLIN) == (
        utc(2026, 3, 29, 22, 0) - utc(2026, 3, 28, 23, 0)
    )
