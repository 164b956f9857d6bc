"""A group channel's own daily question: posted at the channel's time, revealed later.

Unlike a member's daily question (one DM per user, bot.daily.sweeper), this is one message
in a channel that anyone there answers with its buttons, once each (a group ask). After
REVEAL_AFTER the answer, its explanation and who got it right are posted below it. Runs
from the daily sweep's scheduler job, beside the member sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.chat_tracks import ChatTracks
from bot.daily.channel_store import ChannelDailyStore, ChannelRow
from bot.daily.localtime import next_occurrence, parse_hhmm, zone
from bot.daily.planning import due_after_change
from bot.daily.sweeper import DailySweeper, SweepReport
from bot.errors import NoQuestions
from bot.schedule_setting import parse_time, parse_zone
from bot.tutor import Tutor
from bot.views import Feedback, GroupAnswer, QuestionView

log = logging.getLogger(__name__)

REVEAL_AFTER = timedelta(hours=8)  # a working day to answer in
RETRY_AFTER = timedelta(minutes=1)  # a failed post is tried again this much later


class ChannelPoster(Protocol):
    """Posts in a platform's group channels (the Discord adapter implements it)."""

    platform: str

    async def post_question(self, channel: str, view: QuestionView) -> str:
        """Post the question with its answer buttons; the message's reference."""
        ...

    async def post_reveal(
        self, channel: str, message_ref: str | None, reveal: Feedback, answers: list[GroupAnswer]
    ) -> None:
        """Close the question (`message_ref`) and post its answer and who got it right."""
        ...


@dataclass(frozen=True)
class ChannelSetting:
    time: str
    timezone: str
    next_at: datetime


class ChannelDailies:
    """Settings and sweeps of channel dailies."""

    def __init__(
        self,
        store: ChannelDailyStore,
        tutor: Tutor,
        posters: Mapping[str, ChannelPoster] | None = None,
        reveal_after: timedelta = REVEAL_AFTER,
        chat_tracks: ChatTracks | None = None,
    ) -> None:
        self.store = store
        self.tutor = tutor
        self.chat_tracks = chat_tracks  # the channel's own track; None: the default one
        self.posters = dict(posters or {})
        self.reveal_after = reveal_after

    async def set(
        self, platform: str, channel: str, community: str, time_text: str, zone_text: str | None
    ) -> ChannelSetting:
        """Turn a channel's daily question on; a bad time or zone raises BadSetting."""
        time = parse_time(time_text)
        tz = parse_zone(zone_text) if zone_text else self.tutor.default_tz
        # Today's question still goes out if its time has passed (at the next sweep).
        next_at = due_after_change(self.tutor.clock(), time, tz)
        existing = await self.store.get(platform, channel)
        if existing is not None and existing.reveal_at is not None:
            # A question is open there: today's has been posted, so start tomorrow.
            next_at = next_occurrence(self.tutor.clock(), parse_hhmm(time), zone(tz))
        await self.store.set(platform, channel, community, time, tz, next_at)
        return ChannelSetting(time, tz, next_at)

    async def turn_off(self, platform: str, channel: str) -> bool:
        return await self.store.turn_off(platform, channel)

    async def sweep(self, now: datetime) -> tuple[int, int]:
        """Reveal what is due, then post what is due: (posted, revealed)."""
        platforms: Sequence[str] = sorted(self.posters)
        if not platforms:
            return 0, 0
        revealed = 0
        for row in await self.store.to_reveal(now, platforms):
            if await self.store.claim_reveal(row):
                revealed += await self._reveal(row)
        posted = 0
        for row in await self.store.due(now, platforms):
            following = next_occurrence(now, parse_hhmm(row.daily_time), zone(row.timezone))
            if await self.store.claim_post(row, following):
                posted += await self._post(row, now)
        if posted or revealed:
            log.info("channel dailies: %s posted, %s revealed", posted, revealed)
        return posted, revealed

    async def _post(self, row: ChannelRow, now: datetime) -> int:
        poster = self.posters[row.platform]
        try:
            if row.ask_id is not None and row.reveal_at is not None:
                await self._reveal(row)  # yesterday's, if it is still open
            key = f"{row.platform}:{row.channel}"
            track = await self.chat_tracks.track_of(key) if self.chat_tracks else None
            view = await self.tutor.group_question(key, track)
            ref = await poster.post_question(row.channel, view)
        except NoQuestions:
            log.info("channel daily for %s: no questions loaded", row.channel)
            return 0
        except Exception as error:
            log.warning("channel daily for %s failed, retrying: %r", row.channel, error)
            await self.store.retry_at(row.id, now + RETRY_AFTER)
            return 0
        await self.tutor.set_message_ref(view.ask_id, ref)
        await self.store.posted(row.id, view.ask_id, ref, now + self.reveal_after)
        return 1

    async def _reveal(self, row: ChannelRow) -> int:
        if row.ask_id is None:
            return 0
        ask = await self.store.ask(row.ask_id)
        bank = await self.tutor.bank()
        question = bank.questions.get(ask.question_key) if ask is not None else None
        if ask is None or question is None or len(ask.option_order) != len(question.options):
            return 0  # the question was removed or edited since: nothing to reveal
        reveal = self.tutor.feedback(bank, question, ask, (), False)
        answers = await self.tutor.group_answers(ask.id)
        try:
            await self.posters[row.platform].post_reveal(
                row.channel, row.message_ref, reveal, answers
            )
        except Exception as error:  # the answers are kept; only the reveal message is lost
            log.warning("channel daily reveal in %s failed: %r", row.channel, error)
            return 0
        return 1


class WithChannels:
    """The daily sweep job's work: members' daily questions, then channels' (one job)."""

    def __init__(self, sweeper: DailySweeper, channels: ChannelDailies) -> None:
        self.sweeper = sweeper
        self.channels = channels

    async def sweep(self, now: datetime, budget_s: float | None = None) -> SweepReport:
        report = await self.sweeper.sweep(now, budget_s)
        try:
            await self.channels.sweep(now)
        except Exception:
            log.exception("channel daily sweep failed; the next one will try again")
        return report
