"""Concept cards on a real database: the answer path reviews every concept of the question,
migration 0012 builds the same cards from answers stored under 0011, and a "sure / unsure"
tap redoes an answer's reviews once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fsrs import Rating
from sqlalchemy import select

from bot import learning
from bot.app import App
from bot.confidence import NoSuchAnswer, NothingAnswered, NotRight
from bot.store.models import Ask, Attempt, ConceptCard, Review
from bot.views import QuestionView, UserRef
from tests.asking import answer, next_question
from tests.migrating import migrate_to

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADA, BOB = UserRef("test", "1", "Ada"), UserRef("test", "2", "Bob")
CARD_COLUMNS = ("card", "due", "last_question_id", "last_seen_at", "ask_id", "prev_card")


async def _cards(app: App) -> dict[tuple[int, str, str], tuple[Any, ...]]:
    query = select(ConceptCard.user_id, ConceptCard.pack_id, ConceptCard.concept).add_columns(
        *(getattr(ConceptCard, c) for c in CARD_COLUMNS)
    )
    async with app.engine.connect() as conn:
        return {(r[0], r[1], r[2]): tuple(r[3:]) for r in await conn.execute(query)}


async def _practise(app: App, clock: list[datetime], rounds: int) -> None:
    """Both users answer `rounds` questions each, some wrong, hours apart."""
    for i in range(rounds):
        for n, ref in enumerate((ADA, BOB)):
            clock[0] += timedelta(hours=7)
            view = await next_question(app.tutor, ref)
            await answer(app, ref, view, correct=(i + n) % 3 != 0)


def _replayed(answers: list[tuple[int, int, bool, datetime]], concepts: dict[int, Any]) -> Any:
    """The cards the answer path makes for (ask, question, correct, at) in time order."""
    cards: dict[str, tuple[Any, ...]] = {}
    for ask, question, correct, at in answers:
        for concept in concepts[question]:
            before = cards.get(concept)
            rating = Rating.Good if correct else Rating.Again
            card = learning.review(before[0] if before else None, question, rating, at)
            cards[concept] = (
                dict(card.to_dict()),
                card.due,
                question,
                at,
                ask,
                before[0] if before else None,
            )
    return cards


async def test_an_answer_reviews_every_concept_of_its_question(app: App) -> None:
    clock = [NOW]
    app.tutor.clock = lambda: clock[0]
    await _practise(app, clock, 3)
    bank = await app.tutor.bank()
    async with app.engine.connect() as conn:
        attempts = (
            await conn.execute(select(Attempt).order_by(Attempt.answered_at, Attempt.id))
        ).all()
    for user in {a.user_id for a in attempts}:
        mine = [
            (a.ask_id, a.question_id, a.correct, a.answered_at)
            for a in attempts
            if a.user_id == user
        ]
        concepts = {q: bank.questions[q].concepts for _a, q, _c, _t in mine}
        expected = _replayed(mine, concepts)
        cards = {k[2]: v for k, v in (await _cards(app)).items() if k[0] == user}
        assert cards == expected


async def test_migration_0012_builds_the_cards_from_answers_stored_under_0011(app: App) -> None:
    clock = [NOW]
    app.tutor.clock = lambda: clock[0]
    await _practise(app, clock, 6)
    live = await _cards(app)
    async with app.engine.connect() as conn:
        history = (await conn.execute(select(Review).order_by("user_id", "question_id"))).all()
    assert live and len({k[0] for k in live}) == 2

    async with app.engine.begin() as conn:
        await conn.run_sync(migrate_to, "0011")
    # Under 0011 (per-question cards): the downgrade rebuilt each question's card, and
    # an answer stored as 0011's code stored it (attempt and per-question review).
    async with app.engine.begin() as conn:
        reviews = (await conn.execute(sa.text("SELECT user_id, card, due FROM reviews"))).all()
        assert reviews and all(r.card is not None and r.due is not None for r in reviews)
        users = (await conn.execute(sa.text("SELECT id FROM users ORDER BY id"))).scalars().all()
        ask = (await conn.execute(sa.text("SELECT max(id) FROM asks"))).scalar_one() + 1
        q = (await conn.execute(sa.text("SELECT id FROM questions ORDER BY id"))).scalars().first()
        at = clock[0] + timedelta(days=2)
        await conn.execute(
            sa.insert(Ask.__table__).values(
                id=ask, user_id=users[0], question_id=q, option_order="0,1,2,3",
                purpose="practice", created_at=at,
            )
        )  # fmt: skip
        await conn.execute(
            sa.text(
                "INSERT INTO attempts (ask_id, user_id, question_id, domain_id, chosen, correct,"
                " answered_at) VALUES (:a, :u, :q, 'd', '0', :c, :t)"
            ),
            {"a": ask, "u": users[0], "q": q, "c": False, "t": at},
        )
    async with app.engine.begin() as conn:
        await conn.run_sync(migrate_to, "head")

    migrated = await _cards(app)
    bank = await app.tutor.bank()
    changed = {(users[0], bank.questions[q].pack, c) for c in bank.questions[q].concepts}
    # Every card the answer path made is there, as it was (nothing lost) ...
    assert {k: v for k, v in migrated.items() if k not in changed} == {
        k: v for k, v in live.items() if k not in changed
    }
    # ... and the answer stored under 0011 reviewed its question's concepts (Again).
    for key in changed:
        card, due, last_question, last_seen, ask_id, prev = migrated[key]
        assert (last_question, last_seen, ask_id) == (q, at, ask)
        assert prev == (live[key][0] if key in live else None)
        expected = learning.review(prev, q, Rating.Again, at)
        assert (card, due) == (dict(expected.to_dict()), expected.due)
    async with app.engine.connect() as conn:
        after = (await conn.execute(select(Review).order_by("user_id", "question_id"))).all()
    assert [r for r in after if (r.user_id, r.question_id) != (users[0], q)] == [
        r for r in history if (r.user_id, r.question_id) != (users[0], q)
    ]


async def _answered_rightly(
    app: App,
) -> tuple[list[datetime], QuestionView, dict[tuple[int, str, str], tuple[Any, ...]]]:
    """Ada answers a question rightly at NOW: the clock (the test moves it), the ask and
    the cards it left."""
    clock = [NOW]
    app.tutor.clock = lambda: clock[0]
    view = await next_question(app.tutor, ADA)
    await answer(app, ADA, view, correct=True)
    return clock, view, await _cards(app)


async def test_unsure_redoes_the_answer_as_hard_once(app: App) -> None:
    clock, view, good = await _answered_rightly(app)
    clock[0] += timedelta(minutes=5)
    marked = await app.confidence.mark(ADA, view.ask_id, sure=False)
    assert marked.first and "unsure" in marked.text().lower()
    hard = await _cards(app)
    assert set(hard) == set(good)
    async with app.engine.connect() as conn:
        attempt = (await conn.execute(select(Attempt).where(Attempt.ask_id == view.ask_id))).one()
    assert attempt.confidence == "unsure"
    for key, (card, due, *rest) in hard.items():
        prev = good[key][5]
        expected = learning.review(prev, attempt.question_id, Rating.Hard, attempt.answered_at)
        assert (card, due) == (dict(expected.to_dict()), expected.due)
        assert tuple(rest) == good[key][2:]  # the rest of the card's row is as it was
        assert due <= good[key][1]  # Hard comes back no later than Good
    # a second tap (either button) is noted once only: nothing changes
    again = await app.confidence.mark(ADA, view.ask_id, sure=True)
    assert not again.first and "already" in again.text().lower()
    assert await _cards(app) == hard


async def test_sure_keeps_good_and_bad_taps_are_refused(app: App) -> None:
    clock, view, good = await _answered_rightly(app)
    assert (await app.confidence.mark(ADA, view.ask_id, sure=True)).text() == "Noted: sure."
    assert await _cards(app) == good
    with pytest.raises(NoSuchAnswer):  # Bob never answered Ada's question
        await app.confidence.mark(BOB, view.ask_id, sure=False)
    with pytest.raises(NoSuchAnswer):  # a stale or forged button
        await app.confidence.mark(ADA, 10**12, sure=False)
    with pytest.raises(NothingAnswered):
        await app.confidence.mark(ADA, None, sure=False)
    clock[0] += timedelta(hours=1)
    wrong = await next_question(app.tutor, ADA)
    await answer(app, ADA, wrong, correct=False)
    before = await _cards(app)
    with pytest.raises(NotRight):
        await app.confidence.mark(ADA, wrong.ask_id, sure=False)
    assert await _cards(app) == before
    async with app.engine.connect() as conn:
        said = await conn.scalar(select(Attempt.confidence).where(Attempt.ask_id == wrong.ask_id))
    assert said is None  # a refused tap stores nothing
