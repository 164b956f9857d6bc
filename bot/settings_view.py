"""/settings: a student's daily question, review cap and track, shaped once for every platform.

`load` reads them, `text` shows them (with the commands that change each, for the terminal),
and the `set_*` functions change one value. A change to the value already in force changes
nothing and says so (`Change.changed` is False), so a double tap or a stale button on a
platform with buttons only ever gets a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import tracks
from bot.schedule_setting import parse_zone
from bot.tutor import MAX_REVIEW_CAP
from bot.views import DailySetting

if TYPE_CHECKING:
    from bot.tutor import Tutor
    from bot.views import UserRef

# The review caps offered as choices; MAX_REVIEW_CAP stands for "no cap".
REVIEW_CHOICES = (10, 20, 30, 50, MAX_REVIEW_CAP)

TIME_PROMPT = "When should your daily question come? Times are in {zone}."
ZONE_PROMPT = (
    "Your time zone: {zone}.\nShare your location (I keep only the zone's name), or type your city."
)
CITY_QUESTION = "Which city are you in?"
CITY_PROMPT = f"{CITY_QUESTION} Type its name, e.g. Berlin, New York or Sao Paulo."
REVIEWS_PROMPT = "How many spaced-repetition reviews a day, at most? New questions fill the rest."


@dataclass(frozen=True)
class StudentSettings:
    daily: DailySetting
    review_cap: int
    track: str  # the track's title
    track_key: str  # "pack/blueprint"


@dataclass(frozen=True)
class Change:
    settings: StudentSettings  # as they are now
    notice: str  # what to tell the student (a toast on Telegram)
    changed: bool


async def load(tutor: Tutor, ref: UserRef) -> StudentSettings:
    user = await tutor.user(ref)
    menu = await tracks.show(tutor, ref)
    key = next((o.key for o in menu.options if o.chosen), "")
    return StudentSettings(await tutor.daily_setting(ref), user.review_cap, menu.current, key)


def daily_text(daily: DailySetting) -> str:
    if daily.enabled:
        return f"{daily.time} ({daily.timezone})"
    return f"off (zone {daily.timezone})"


def cap_text(cap: int) -> str:
    if cap <= 0:
        return "none, new questions only"
    if cap >= MAX_REVIEW_CAP:
        return "no cap"
    return f"at most {cap}"


def cap_label(cap: int) -> str:
    """A review-cap choice as a button reads."""
    return "No cap" if cap >= MAX_REVIEW_CAP else str(cap)


def rows(settings: StudentSettings) -> list[tuple[str, str]]:
    """(what, its value) per setting, in the order every platform shows them."""
    return [
        ("Daily question", daily_text(settings.daily)),
        ("Reviews a day", cap_text(settings.review_cap)),
        ("Track", settings.track),
    ]


# How each setting is changed by typing, in the terminal (the chat platforms have buttons).
COMMANDS = (
    "/daily HH:MM CITY, e.g. /daily 08:30 Berlin; /daily off",
    "/reviews N, e.g. /reviews 20 (0: none)",
    "/track NAME (/track lists them)",
)


def text(settings: StudentSettings, commands: tuple[str, ...] = ()) -> str:
    """The settings as plain text; with `commands` (one a setting), each followed by the
    command that changes it."""
    lines = ["Your settings"]
    for k, (what, value) in enumerate(rows(settings)):
        lines.append(f"{what}: {value}")
        if commands:
            lines.append(f"  change: {commands[k]}")
    return "\n".join(lines)


# -- changes ---------------------------------------------------------------------------------
async def set_time(tutor: Tutor, ref: UserRef, time: str) -> Change:
    """The daily question at `time` (HH:MM) in the zone already set; turns it on."""
    now = await load(tutor, ref)
    if now.daily.enabled and now.daily.time == time:
        return Change(now, f"Your daily question is already at {time}.", False)
    setting = await tutor.set_daily(ref, time, None)
    return Change(
        await load(tutor, ref), f"Daily question at {setting.time} ({setting.timezone})", True
    )


async def set_daily_on(tutor: Tutor, ref: UserRef, on: bool) -> Change:
    now = await load(tutor, ref)
    if now.daily.enabled == on:
        return Change(now, f"Your daily question is already {'on' if on else 'off'}.", False)
    if on:
        setting = await tutor.set_daily(ref, now.daily.time, None)
        notice = f"Daily question on: {setting.time} ({setting.timezone})"
    else:
        await tutor.daily_off(ref)
        notice = "Daily question off. /quiz still works any time."
    return Change(await load(tutor, ref), notice, True)


async def set_zone(tutor: Tutor, ref: UserRef, place: str) -> Change:
    """The time zone of a city or zone name (BadSetting, nothing changed, if unknown). The
    daily question stays on or off as it was."""
    zone = parse_zone(place)
    now = await load(tutor, ref)
    if zone == now.daily.timezone:
        return Change(now, f"Your time zone is already {zone}.", False)
    if now.daily.enabled:  # moves the next question to the new zone's time
        await tutor.set_daily(ref, now.daily.time, zone)
    else:
        await tutor.store.update_user(await tutor.user_id(ref), timezone=zone)
    return Change(await load(tutor, ref), f"Time zone: {zone}", True)


def zone_text(change: Change) -> str:
    """The reply to a shared location or a typed city: the zone, and what it means."""
    daily = change.settings.daily
    head = f"Time zone: {daily.timezone}." if change.changed else change.notice
    if daily.enabled:
        return f"{head} Your daily question comes at {daily.time} there."
    return f"{head} Your daily question is off: /settings turns it on."


async def set_cap(tutor: Tutor, ref: UserRef, cap: int) -> Change:
    now = await load(tutor, ref)
    if cap == now.review_cap:
        return Change(now, f"Reviews a day: already {cap_text(cap)}.", False)
    await tutor.set_review_cap(ref, cap)  # BadSetting, nothing changed, outside 0-500
    return Change(await load(tutor, ref), f"Reviews a day: {cap_text(cap)}", True)


async def set_track(tutor: Tutor, ref: UserRef, key: str) -> Change:
    now = await load(tutor, ref)
    if key == now.track_key:
        return Change(now, f"You already study {now.track}.", False)
    menu = await tracks.choose(tutor, ref, key)  # BadSetting if that track is gone
    return Change(await load(tutor, ref), f"You study: {menu.current}", True)
