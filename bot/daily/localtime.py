"""Wall-clock times in a user's zone, across DST.

A local time that does not exist on a day (the clocks jump over it) fires at the next
minute that does; a time that happens twice (the clocks go back) fires at its first
occurrence — and deliveries are keyed by local date, so it can never fire twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

MAX_GAP_MINUTES = 24 * 60  # no zone skips more than a day


@cache
def zone(name: str) -> ZoneInfo:
    """ZoneInfo keeps only a few zones cached; a sweep meets hundreds, thousands of times."""
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def parse_hhmm(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


@lru_cache(maxsize=65536)  # a sweep asks for the same few (day, time, zone) many times
def occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant `at` happens on local `day` (moved forward out of a DST gap)."""
    wall = datetime.combine(day, at)
    for _ in range(MAX_GAP_MINUTES):
        instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            return instant
        wall += timedelta(minutes=1)  # this wall time does not exist today
    raise ValueError(f"no valid local time near {day} {at} in {zone}")


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the local `day` ends (the next day's first valid minute)."""
    return occurrence(day + timedelta(days=1), time(0, 0), zone)


def next_occurrence(after: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first instant strictly after `after` at which the local time is `at`."""
    day = local_date(after, zone)
    for offset in range(3):
        candidate = occurrence(day + timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs within two days")
