"""Asking in loops: a tutor says once that a finished track has been gone round (AllSeen),
then asks again; tests that answer many questions go on past that notice. And answering an
ask rightly or wrongly on purpose."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.errors import AllSeen
from bot.store.models import Ask
from bot.tutor import LETTERS, Tutor
from bot.views import Feedback, QuestionView, UserRef


async def next_question(tutor: Tutor, ref: UserRef, **kwargs: Any) -> QuestionView:
    try:
        return await tutor.next_question(ref, **kwargs)
    except AllSeen:  # told once; the next /quiz goes round again
        return await tutor.next_question(ref, **kwargs)


async def letters_for(app: App, ask_id: int, correct: bool = True) -> str:
    """Every right (or, with `correct` false, every wrong) option's letter, as the ask showed
    the options."""
    async with app.engine.connect() as conn:
        row = (await conn.execute(select(Ask).where(Ask.id == ask_id))).one()
    options = (await app.tutor.bank()).questions[row.question_id].options
    order = [int(i) for i in row.option_order.split(",")]
    return "".join(LETTERS[i] for i, k in enumerate(order) if options[k].correct == correct)


async def answer(app: App, ref: UserRef, view: QuestionView, correct: bool) -> Feedback:
    """Answer the ask rightly, or wrongly (with as many letters as it asks for)."""
    letters = (await letters_for(app, view.ask_id, correct))[: view.select]
    return await app.tutor.answer(ref, view.ask_id, letters)
