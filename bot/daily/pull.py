"""The daily question where nothing can be pushed (the terminal): it is shown when a session
starts, or on `/daily today`, once the user's daily time has passed and today's is not yet
answered. It is recorded as that local date's delivery, so answering it counts for the
streak exactly as a pushed one does (the sweeper never plans these users: no platform of
theirs is configured)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import tracks
from bot.daily.localtime import end_of_day, local_date, occurrence, parse_hhmm, zone
from bot.store.models import Ask, Attempt, Delivery
from bot.tutor import Tutor
from bot.views import QuestionView, UserRef

SENT = "sent"


class PulledDaily:
    def __init__(self, tutor: Tutor, engine: AsyncEngine) -> None:
        self.tutor = tutor
        self.engine = engine

    async def due(self, ref: UserRef) -> QuestionView | None:
        """Today's daily question if it is due and not yet answered, else None."""
        user = await self.tutor.user(ref)
        if not (user.daily_enabled and user.active):
            return None
        now = self.tutor.clock()
        tz = zone(user.timezone)
        today = local_date(now, tz)
        if now < occurrence(today, parse_hhmm(user.daily_time), tz):
            return None
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(Delivery.ask_id, Ask.question_id, Ask.option_order)
                    .outerjoin(Ask, Ask.id == Delivery.ask_id)
                    .where(Delivery.user_id == user.id, Delivery.local_date == today)
                )
            ).first()
            if row is not None:
                if row.ask_id is None or row.question_id is None:
                    return None
                answered = await conn.scalar(select(exists().where(Attempt.ask_id == row.ask_id)))
                if answered:
                    return None
                order = tuple(int(i) for i in row.option_order.split(","))
                bank = await self.tutor.bank()
                if row.question_id not in bank.questions:
                    return None
                blueprint = tracks.blueprint_in_force(bank, user.track, self.tutor.default_pack)
                return self.tutor.view(bank, row.ask_id, row.question_id, order, "daily", blueprint)
        view = await self.tutor.next_question(ref, purpose="daily")
        await self._record(user.id, today, tz, view.ask_id, now)
        return view

    async def _record(
        self, user_id: int, day: date, tz: ZoneInfo, ask_id: int, now: datetime
    ) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    insert(Delivery).values(
                        user_id=user_id, local_date=day, due_at=now,
                        expires_at=end_of_day(day, tz), status=SENT, not_before=now,
                        attempts=1, ask_id=ask_id, sent_at=now, maybe_duplicates=0,
                    )
                )  # fmt: skip
        except IntegrityError:
            pass  # a second session recorded today's first: this ask is a plain question
