"""Parsing and validating a user's daily-question setting: 'HH:MM [Area/City or city]'.

A zone may be named by its IANA name ("Europe/Berlin") or by a city that names exactly one
zone of the tz database ("Berlin", "new york", "São Paulo"); a shared location is resolved
offline (timezonefinder).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import BadSetting

_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def parse_time(text: str) -> str:
    """'9:05' -> '09:05'; impossible times raise BadSetting."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise BadSetting(f"{text!r} is not a time. Use HH:MM, e.g. /daily 08:30 Berlin")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise BadSetting(f"{text} is not a time of day: hours run 00–23 and minutes 00–59.")
    return f"{hour:02d}:{minute:02d}"


def split_daily(words: list[str]) -> tuple[str | None, str | None]:
    """The words after /daily as (time, place): "08:30 New York", "New York 08:30",
    "Berlin" (place only), "08:30" (time only). Either may be None; neither is checked."""
    if not words:
        return None, None
    if _TIME.fullmatch(words[0]):
        return words[0], " ".join(words[1:]) or None
    if _TIME.fullmatch(words[-1]):
        return words[-1], " ".join(words[:-1]) or None
    if re.fullmatch(r"\d{1,2}[:.h]?\d{0,2}", words[0]):
        return words[0], " ".join(words[1:]) or None  # a time in another form: parse_time says how
    return None, " ".join(words)


def parse_zone(text: str) -> str:
    """An IANA zone name, matched case-insensitively; anything else raises BadSetting."""
    name = text.strip()
    try:
        ZoneInfo(name)
        if "/" in name or name == "UTC":
            return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = {z.lower(): z for z in available_timezones()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = _cities().get(_city_key(name), ())
    if len(found) == 1:
        return found[0]
    if found:
        raise BadSetting(f"{name!r} could be {' or '.join(found)}: send one of those names.")
    raise BadSetting(
        f"I do not know the place {name!r}. Try the biggest city in your time zone, such as "
        "Berlin, New York or Sao Paulo, or a zone name such as Europe/Berlin."
    )


# Zones under these areas are the tz database's own; others ("US/Eastern") are old aliases.
_AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe",
          "Indian", "Pacific")  # fmt: skip


def _city_key(text: str) -> str:
    """'São Paulo' / 'sao_paulo' / 'Sao-Paulo' -> 'saopaulo'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-.']+", "", plain.lower())


@cache
def _cities() -> dict[str, tuple[str, ...]]:
    """City key -> the zones whose last part it is. Of a city's names under one area, the
    longest is kept ("America/Argentina/Buenos_Aires" over its old alias)."""
    by_city: dict[str, dict[str, str]] = {}
    for zone in sorted(available_timezones()):
        area, _, rest = zone.partition("/")
        if area not in _AREAS or not rest:
            continue
        areas = by_city.setdefault(_city_key(zone.rsplit("/", 1)[1]), {})
        if len(zone) > len(areas.get(area, "")):
            areas[area] = zone
    return {city: tuple(sorted(zones.values())) for city, zones in by_city.items()}


def zone_at(latitude: float, longitude: float) -> str:
    """The IANA zone of a place on earth, looked up offline; BadSetting at sea or for
    impossible coordinates."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadSetting("That location is not on earth.")
    zone: str | None = _finder().timezone_at(lng=longitude, lat=latitude)
    if zone is None or "/" not in zone:
        raise BadSetting("I cannot tell the time zone there. Send /daily 08:30 CITY instead.")
    return zone


@cache
def _finder() -> Any:
    from timezonefinder import TimezoneFinder  # loaded on first use: its data is large

    return TimezoneFinder()
