"""Deciding, for one user, which daily delivery is due now and when the next one is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.daily.localtime import end_of_day, local_date, next_occurrence, occurrence, parse_hhmm


@dataclass(frozen=True)
class PlannedDelivery:
    local_date: date
    due_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Plan:
    delivery: PlannedDelivery | None
    next_due_at: datetime


def first_due(now: datetime, daily_time: str, zone_name: str) -> datetime:
    """When a new user (given the default setting) is first due: the next such time."""
    return next_occurrence(now, parse_hhmm(daily_time), ZoneInfo(zone_name))


def due_after_change(now: datetime, daily_time: str, zone_name: str) -> datetime:
    """When a user who just chose a time is due: today at that time, even if it has passed.

    Today's question is then still sent (at once, if the time has passed) unless it was
    sent already: deliveries are unique per local date, so the planner skips to tomorrow.
    """
    zone = ZoneInfo(zone_name)
    return occurrence(local_date(now, zone), parse_hhmm(daily_time), zone)


def plan_user(next_due_at: datetime, now: datetime, daily_time: str, zone_name: str) -> Plan:
    """The delivery due for a user whose `next_due_at` has come, and the one after.

    After downtime, today's question is still sent, late rather than never; days that
    ended while we were down are skipped, so nobody gets a pile of old questions.
    """
    zone = ZoneInfo(zone_name)
    at = parse_hhmm(daily_time)
    today = local_date(now, zone)
    due_day = local_date(next_due_at, zone)
    if due_day < today:  # the due day is over: today's own time decides
        due_at = occurrence(today, at, zone)
        if due_at > now:
            return Plan(None, due_at)
        due_day = today
    else:
        due_at = next_due_at
    delivery = PlannedDelivery(due_day, due_at, end_of_day(due_day, zone))
    following = occurrence(due_day + timedelta(days=1), at, zone)
    return Plan(delivery, max(following, next_occurrence(now, at, zone)))
