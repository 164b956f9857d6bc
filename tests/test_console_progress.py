"""The terminal's /stats (text and chart file), /misses with /retry N and /why N, and the
session summary on /quit, on both databases."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.console.session import ConsoleSession
from bot.app import App
from bot.views import UserRef
from tests.asking import letters_for

ADA = UserRef("console", "ada", "Ada")


async def test_stats_misses_and_summary(app: App, tmp_path: Path) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.tutor, ADA, out=out, progress=app.progress, chart_dir=tmp_path)
    assert await session.handle("/misses")
    assert "No wrong answers" in out.getvalue()
    assert await session.handle("/retry 1")
    assert "Send /misses first" in out.getvalue()

    bank = await app.tutor.bank()
    for _ in range(4):
        await session.handle("/quiz")
        ask = max(session.domains)
        question = bank.questions[await _question_key(app, ask)]
        wrong = await letters_for(app, ask, correct=False)
        await session.handle(wrong[: question.select])
    assert session.tally.answered == 4 and session.tally.right == 0

    await session.handle("/stats")
    text = out.getvalue()
    assert "Answered 4 · right 0 (0%)" in text
    chart = tmp_path / "saa-tutor-stats-ada.png"
    assert f"Chart: {chart}" in text and chart.read_bytes()[:4] == b"\x89PNG"

    await session.handle("/misses")
    assert "Send /retry N or /why N." in out.getvalue()
    first = session.misses[0]
    await session.handle("/why 1")
    assert first.explanation.split()[0] in out.getvalue()
    await session.handle("/why 99")
    assert "Give a number from 1 to" in out.getvalue()
    await session.handle("/retry 1")
    retried = max(session.domains)
    assert await _question_key(app, retried) == first.question_key

    assert not await session.handle("/quit")
    tail = out.getvalue().split("/retry")[-1]
    assert "This session: 4 answered, 0 right (0%)" in tail
    assert tail.rstrip().endswith("Goodbye — see you at the next question.")


async def _question_key(app: App, ask_id: int) -> int:
    from sqlalchemy import select

    from bot.store.models import Ask

    async with app.engine.connect() as conn:
        return int(
            (await conn.execute(select(Ask.question_id).where(Ask.id == ask_id))).scalar_one()
        )
