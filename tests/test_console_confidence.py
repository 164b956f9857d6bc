"""The terminal's /unsure and /sure after an answer, on both databases."""

from __future__ import annotations

import io

from sqlalchemy import select

from adapters.console.session import HELP, ConsoleSession
from bot.app import App
from bot.confidence import HINT
from bot.store.models import Attempt
from bot.views import UserRef
from tests.asking import letters_for
from tests.test_console_progress import _question_key

ADA = UserRef("console", "ada", "Ada")


async def _answer(app: App, session: ConsoleSession, right: bool) -> int:
    await session.handle("/quiz")
    ask = max(session.domains)
    question = (await app.tutor.bank()).questions[await _question_key(app, ask)]
    await session.handle((await letters_for(app, ask, right))[: question.select])
    return ask


async def _said(app: App, ask: int) -> str | None:
    async with app.engine.connect() as conn:
        return await conn.scalar(select(Attempt.confidence).where(Attempt.ask_id == ask))


async def test_unsure_after_a_right_answer(app: App) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.tutor, ADA, out=out, confidence=app.confidence)
    assert "/unsure" in HELP
    await session.handle("/unsure")
    assert "Answer a question first" in out.getvalue()

    ask = await _answer(app, session, right=True)
    assert out.getvalue().rstrip().endswith(HINT)
    await session.handle("/unsure")
    assert "Noted: unsure." in out.getvalue()
    await session.handle("/sure")
    assert out.getvalue().rstrip().endswith("Already noted for this answer (once per answer).")
    assert await _said(app, ask) == "unsure"

    wrong = await _answer(app, session, right=False)
    assert not out.getvalue().rstrip().endswith(HINT)
    await session.handle("/unsure")
    assert "for right answers" in out.getvalue()
    assert await _said(app, wrong) is None
