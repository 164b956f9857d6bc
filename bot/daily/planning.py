"""Deciding, for one user, which daily delivery is due now and when the next one is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.daily.localtime import (
    end_of_day,
    local_date,
    next_occurrence,
    occurrence,
    parse_hhmm,
    zone,
)


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
    return next_occurrence(now, parse_hhmm(daily_time), zone(zone_name))


def due_after_change(now: datetime, daily_time: str, zone_name: str) -> datetime:
    """When a user who just chose a time is due: today at that time, even if it has passed.

    Today's question is then still sent (at once, if the time has passed) unless it was
    sent already: deliveries are unique per local date, so the planner skips to tomorrow.
    """
    tz = zone(zone_name)
    return occurrence(local_date(now, tz), parse_hhmm(daily_time), tz)


def plan_user(next_due_at: datetime, now: datetime, daily_time: str, zone_name: str) -> Plan:
    """The delivery due for a user whose `next_due_at` has come, and the one after.

    After downtime, today's question is still sent, late rather than never; days that
    ended while we were down are skipped, so nobody gets a pile of old questions.
    """
    tz = zone(zone_name)
    at = parse_hhmm(daily_time)
    today = local_date(now, tz)
    due_day = local_date(next_due_at, tz)
    if due_day < today:  # the due day is over: today's own time decides
        due_at = occurrence(today, at, tz)
        if due_at > now:
            return Plan(None, due_at)
        due_day = today
    else:
        due_at = next_due_at
    delivery = PlannedDelivery(due_day, due_at, end_of_day(due_day, tz))
    following = occurrence(due_day + timedelta(days=1), at, tz)
    if following <= now:  # only when a late catch-up ran into the next day
        following = next_occurrence(now, at, tz)
    return Plan(delivery, following)
