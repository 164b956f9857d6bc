"""Per user x domain counters: kept with each answer, and back-filled by migration 0003."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App
from bot.errors import AllSeen, TutorError
from bot.ports import ConceptDue
from bot.store import migrate
from bot.store.db import make_engine
from bot.store.models import Ask, Attempt, ConceptCard, DomainCount, Question, User
from bot.views import UserRef
from tests.asking import next_question
from tests.migration_seeds import _seed_0002 as seed_minipack_at_0002

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _from_attempts(engine: AsyncEngine) -> dict[tuple[int, str, str], tuple[int, int]]:
    """What the counters must say: the aggregate over every attempt stored."""
    query = (
        select(
            Attempt.user_id,
            Question.pack_id,
            Attempt.domain_id,
            func.count(),
            func.sum(func.cast(Attempt.correct, Question.difficulty.type)),
        )
        .join(Question, Question.id == Attempt.question_id)
        .group_by(Attempt.user_id, Question.pack_id, Attempt.domain_id)
    )
    async with engine.connect() as conn:
        return {(u, p, d): (int(n), int(c)) for u, p, d, n, c in await conn.execute(query)}


async def _counters(engine: AsyncEngine) -> dict[tuple[int, str, str], tuple[int, int]]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(DomainCount))
        return {(r.user_id, r.pack_id, r.domain_id): (r.answered, r.correct) for r in rows}


async def test_counters_follow_answers(app: App) -> None:
    app.tutor.clock = lambda: NOW
    refs = [UserRef("test", str(i), f"user {i}") for i in range(3)]
    for round_ in range(8):
        for n, ref in enumerate(refs):
            try:
                view = await next_question(app.tutor, ref)
            except AllSeen:  # said once when all is known; the next /quiz goes round again
                view = await next_question(app.tutor, ref)
            # Some right, some wrong; a second press of the same ask counts nothing.
            letters = view.letters[: view.select] if (round_ + n) % 3 else view.letters[-1:]
            # A wrong letter count is refused and stores nothing.
            with contextlib.suppress(TutorError):
                await app.tutor.answer(ref, view.ask_id, "".join(letters))
            if round_ == 0:
                with contextlib.suppress(TutorError):
                    await app.tutor.answer(ref, view.ask_id, "".join(letters))
    group = await app.tutor.group_question("test:group")
    for ref in refs:
        await app.tutor.answer(ref, group.ask_id, group.letters[: group.select])
    expected = await _from_attempts(app.engine)
    assert sum(n for n, _c in expected.values()) >= 3 * 8
    assert await _counters(app.engine) == expected
    stats = await app.tutor.stats(refs[0])
    mine = {k[2]: v for k, v in expected.items() if k[0] == 1}
    shown = {d.id: (d.answered, d.correct) for d in stats.domains if d.answered}
    assert shown == mine


async def test_migration_back_fills_counters(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await migrate.upgrade(engine, "0002")
        async with engine.begin() as conn:
            await conn.run_sync(seed_minipack_at_0002)  # today's importer needs a later schema
            questions = (await conn.execute(text("SELECT id, domain_id FROM questions"))).all()
            for u in (1, 2):
                await conn.execute(
                    insert(User).values(
                        id=u, display_name=f"u{u}", created_at=NOW, active=True,
                        timezone="UTC", daily_time="09:00", daily_enabled=True,
                    )
                )  # fmt: skip
            for i in range(40):
                ask_id = i + 1
                question_id, domain = questions[i % len(questions)]
                user = 1 + i % 2
                await conn.execute(
                    insert(Ask).values(
                        id=ask_id, user_id=user, question_id=question_id, option_order="0,1,2,3",
                        purpose="practice", created_at=NOW,
                    )
                )  # fmt: skip
                await conn.execute(
                    insert(Attempt).values(
                        ask_id=ask_id, user_id=user, question_id=question_id, domain_id=domain,
                        chosen="0", correct=i % 3 == 0, answered_at=NOW,
                    )
                )  # fmt: skip
        expected = await _from_attempts(engine)
        await migrate.upgrade(engine)
        assert await _counters(engine) == expected
        assert sum(n for n, _c in expected.values()) == 40
        assert sum(c for _n, c in expected.values()) == 14
    finally:
        await engine.dispose()


async def test_practice_state_reads_raw_rows_right(app: App) -> None:
    """The practice state skips SQLAlchemy's row processing: check what it gives back."""
    ref = UserRef("test", "9", "Raw")
    clock = [NOW]
    app.tutor.clock = lambda: clock[0]
    asked = []
    for i in range(4):
        clock[0] = NOW + timedelta(minutes=i)
        view = await next_question(app.tutor, ref)
        asked.append(view)
        await app.tutor.answer(ref, view.ask_id, "".join(view.letters[: view.select]))
    user_id = await app.tutor.user_id(ref)
    state = await app.store.practice_state(user_id, 3)
    bank = await app.tutor.bank()
    keys = {
        v.ask_id: q.key for v in asked for q in bank.questions.values() if q.id == v.question_id
    }
    assert state.recent == [keys[v.ask_id] for v in reversed(asked)][:3]
    full = {r.question_key: r for r in await app.store.reviews_of(user_id)}
    assert {r.question_key for r in state.reviews} == set(full)
    for r in state.reviews:
        assert r == full[r.question_key]
        assert r.last_seen_at.tzinfo is not None and r.last_seen_at.utcoffset() == timedelta(0)
    # the concept cards due at a given instant, and each pack's earliest due card
    async with app.store.engine.connect() as conn:
        cards = (
            await conn.execute(
                select(
                    ConceptCard.pack_id, ConceptCard.concept, ConceptCard.due,
                    ConceptCard.last_question_id,
                ).where(ConceptCard.user_id == user_id)
            )
        ).all()  # fmt: skip
    assert cards
    later = max(c.due for c in cards)
    state = await app.store.practice_state(user_id, 3, now=later)
    assert sorted(state.due, key=lambda d: d.concept) == sorted(
        (ConceptDue(*c) for c in cards), key=lambda d: d.concept
    )
    assert state.next_due == {c.pack_id: min(d.due for d in cards) for c in cards}
    assert (await app.store.practice_state(user_id, 3, now=NOW)).due == []
