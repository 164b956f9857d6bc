"""Channel dailies in the core, on a recording poster (no platform): settings, one post per
day however many sweepers run, the reveal, and a failed post tried again."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from adapters.daily import channel_dailies
from bot.app import App
from bot.daily.channel_daily import RETRY_AFTER, REVEAL_AFTER
from bot.daily.planning import due_after_change
from bot.errors import BadSetting
from bot.views import Feedback, GroupAnswer, QuestionView, UserRef


@dataclass
class Poster:
    platform: str = "discord"
    questions: list[tuple[str, QuestionView]] = field(default_factory=list)
    reveals: list[tuple[str, str | None, Feedback, list[GroupAnswer]]] = field(default_factory=list)
    fail: int = 0

    async def post_question(self, channel: str, view: QuestionView) -> str:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("the platform is down")
        self.questions.append((channel, view))
        return f"{channel}:{len(self.questions)}"

    async def post_reveal(
        self, channel: str, message_ref: str | None, reveal: Feedback, answers: list[GroupAnswer]
    ) -> None:
        self.reveals.append((channel, message_ref, reveal, answers))


async def test_one_post_a_day_however_many_sweep_and_then_the_reveal(app: App) -> None:
    poster = Poster()
    one, two = channel_dailies(app, {"discord": poster}), channel_dailies(app, {"discord": poster})
    setting = await one.set("discord", "42", "7", "07:00", "Europe/Berlin")
    due = due_after_change(datetime.now(UTC), "07:00", "Europe/Berlin")
    assert setting.next_at == due
    results = await asyncio.gather(*(s.sweep(due) for s in (one, two, one, two)))
    assert sum(posted for posted, _ in results) == 1
    channel, view = poster.questions[0]
    assert channel == "42" and view.purpose == "group"

    picks = view.letters[: view.select]  # right or wrong, Alice answers
    feedback = await app.tutor.answer(UserRef("discord", "1", "Alice"), view.ask_id, picks)
    results = await asyncio.gather(*(s.sweep(due + REVEAL_AFTER) for s in (one, two)))
    assert sum(revealed for _, revealed in results) == 1
    _channel, ref, reveal, answers = poster.reveals[0]
    assert ref == "42:1" and reveal.right == feedback.right
    assert [(a.display_name, a.correct) for a in answers] == [("Alice", feedback.correct)]


async def test_a_failed_post_is_tried_again(app: App) -> None:
    poster = Poster(fail=1)
    sweeps = channel_dailies(app, {"discord": poster})
    await sweeps.set("discord", "42", "7", "12:00", "UTC")
    due = due_after_change(datetime.now(UTC), "12:00", "UTC")
    assert await sweeps.sweep(due) == (0, 0)
    assert await sweeps.sweep(due + RETRY_AFTER / 2) == (0, 0)
    assert await sweeps.sweep(due + RETRY_AFTER) == (1, 0)
    assert await sweeps.sweep(due + timedelta(hours=1)) == (0, 0)


async def test_bad_settings_change_nothing(app: App) -> None:
    sweeps = channel_dailies(app, {"discord": Poster()})
    for time, zone in (("7pm", None), ("24:00", None), ("07:00", "Mars/Olympus")):
        with pytest.raises(BadSetting):
            await sweeps.set("discord", "42", "7", time, zone)
    assert await sweeps.store.get("discord", "42") is None
    assert not await sweeps.turn_off("discord", "42")
