"""Students report a question (two taps: "⚑ Report", then a reason; a line may follow);
admins list the reports (`tutor content reports`) and get a daily summary."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.errors import AskNotFound, TutorError
from bot.text import one_line
from bot.tutor import Tutor
from bot.views import UserRef

# code (kept in buttons and the database) -> what the student reads
REASONS = {
    "wrong": "Wrong answer",
    "unclear": "Unclear",
    "outdated": "Outdated",
    "typo": "Typo",
}
NOTE_MAX = 500
DIGEST_HOUR_UTC = 8  # admins get the day's reports once a day, from this hour on
DIGEST_EVERY_S = 600.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportRow:
    id: int
    pack: str
    question: str  # the question's id in its pack
    reason: str
    note: str
    reporter: str
    created_at: datetime

    def line(self) -> str:
        note = f" — {self.note}" if self.note else ""
        when = self.created_at.strftime("%Y-%m-%d %H:%M")
        reason = REASONS.get(self.reason, self.reason)
        return f"#{self.id} {when} {self.pack}/{self.question}: {reason}{note}"


class ReportStore(Protocol):
    async def add(self, ask_id: int, user_id: int, reason: str, now: datetime) -> int | None: ...

    async def add_note(self, report_id: int, user_id: int, note: str) -> bool: ...

    async def since(self, after: datetime | None, limit: int = 500) -> list[ReportRow]: ...

    async def claim_digest(self, day: date) -> bool: ...


class NotYourReport(TutorError):
    def __init__(self) -> None:
        super().__init__("I could not find that report of yours; it was stored without a note.")


class Reports:
    def __init__(self, tutor: Tutor, store: ReportStore) -> None:
        self.tutor = tutor
        self.store = store

    async def report(self, ref: UserRef, ask_id: int, reason: str) -> int:
        """Store a report on the question asked as `ask_id`; its id (for a note)."""
        if reason not in REASONS:
            raise TutorError("That is not a reason I know. Tap ⚑ Report again.")
        user_id = await self.tutor.user_id(ref)
        report_id = await self.store.add(ask_id, user_id, reason, self.tutor.clock())
        if report_id is None:
            raise AskNotFound()
        return report_id

    async def add_note(self, ref: UserRef, report_id: int, text: str) -> str:
        note = one_line(text, NOTE_MAX)
        if not note:
            raise TutorError("Send a line of text to add to your report.")
        if not await self.store.add_note(report_id, await self.tutor.user_id(ref), note):
            raise NotYourReport()
        return note

    async def recent(self, days: int | None = None) -> list[ReportRow]:
        after = self.tutor.clock() - timedelta(days=days) if days else None
        return await self.store.since(after)

    async def daily_summary(self) -> str | None:
        """What admins get once a day: the last day's reports, or None when there are none."""
        rows = await self.recent(days=1)
        if not rows:
            return None
        shown = rows[:20]
        more = (
            f"\n… and {len(rows) - len(shown)} more (tutor content reports)"
            if len(rows) > 20
            else ""
        )
        return (
            f"⚑ {len(rows)} question report(s) in the last day:\n"
            + "\n".join(r.line() for r in shown)
            + more
        )


Send = Callable[[str], Awaitable[None]]


def to_each(sends: list[Send]) -> Send:
    """One send that reaches every platform's admins; one platform failing does not stop
    the others."""

    async def send(text: str) -> None:
        for one in sends:
            try:
                await one(text)
            except Exception:
                log.exception("could not send the report summary through %r", one)

    return send


class ReportDigest:
    """The scheduler tick that sends admins the last day's reports once a day: the day is
    claimed in the database first, so a restart or a second process does not send it twice."""

    def __init__(self, reports: Reports, send: Send) -> None:
        self.reports = reports
        self.send = send

    async def tick(self, now: datetime) -> None:
        if now.hour < DIGEST_HOUR_UTC or not await self.reports.store.claim_digest(now.date()):
            return
        summary = await self.reports.daily_summary()
        if summary is not None:
            await self.send(summary)
            log.info("sent the daily question-report summary to the admins")
