"""Parsing and validating a user's daily-question setting: 'HH:MM [Area/City]'."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import BadSetting

_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def parse_time(text: str) -> str:
    """'9:05' -> '09:05'; impossible times raise BadSetting."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise BadSetting(f"{text!r} is not a time. Use HH:MM, e.g. /daily 08:30 Europe/Berlin")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise BadSetting(f"{text} is not a time of day: hours run 00–23 and minutes 00–59.")
    return f"{hour:02d}:{minute:02d}"


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
    raise BadSetting(
        f"{name!r} is not a time zone I know. Use an IANA name such as Europe/Berlin, "
        "America/New_York or Asia/Tokyo."
    )
