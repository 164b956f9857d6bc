"""Tracks and concept reviews on a real database (SQLite, and PostgreSQL when configured):
a second pack never reaches a user on another track (practice, daily, stats); the review
cap is read from the store; migration 0008 keeps history both ways."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import App
from bot.content.importer import import_paths
from bot.store.models import Ask, Attempt, User
from bot.tracks import Track, parse_choice
from bot.views import QuestionView, UserRef
from tests.asking import answer
from tests.daily.conftest import add_user, make_sweeper, utc
from tests.daily.fakes import FakeNotifier
from tests.migrating import migrate_to

MULTIPACK = Path(__file__).parent / "data" / "multipack"
NOW = utc(2026, 3, 2, 12, 0)


async def pack_of(app: App, view: QuestionView) -> str:
    async with app.engine.connect() as conn:
        key = await conn.scalar(select(Ask.question_id).where(Ask.id == view.ask_id))
    return (await app.tutor.bank()).questions[key].pack


async def two_packs(app: App) -> tuple[UserRef, UserRef]:
    await import_paths(app.engine, [MULTIPACK])
    app.tutor.forget_bank()
    app.tutor.clock = lambda: NOW
    ada = await add_user(app, "ada", "09:00", "UTC", NOW - timedelta(days=1))
    bob = await add_user(app, "bob", "09:00", "UTC", NOW - timedelta(days=1))
    await app.tutor.set_track(bob, parse_choice(await app.tutor.bank(), "multi"))
    return ada, bob


async def test_a_second_pack_never_reaches_another_track(app: App) -> None:
    ada, bob = await two_packs(app)
    # "saa" is not loaded: new users get the first loaded pack
    assert await app.tutor.track_of(ada) == Track("mini", "main")
    assert await app.tutor.track_of(bob) == Track("multi", "new-exam")
    for ref, pack in ((ada, "mini"), (bob, "multi")):
        for i in range(6):
            view = await app.tutor.next_question(ref)
            assert await pack_of(app, view) == pack
            await answer(app, ref, view, correct=i % 2 == 0)
    ada_stats, bob_stats = await app.tutor.stats(ada), await app.tutor.stats(bob)
    assert {d.id for d in ada_stats.domains} == {"design", "security"}
    assert {d.id for d in bob_stats.domains} == {"secure", "cost"}
    assert ada_stats.answered == bob_stats.answered == 6

    notifier = FakeNotifier()
    sweeper = make_sweeper(app, notifier)
    for day in range(3):
        await sweeper.sweep(utc(2026, 3, 3 + day, 9, 1))
    assert notifier.received() == {"ada": 3, "bob": 3}
    for external_id, view in notifier.sent:
        assert await pack_of(app, view) == ("mini" if external_id == "ada" else "multi")


async def test_reviews_come_back_as_other_questions_within_the_stored_cap(app: App) -> None:
    ada, _bob = await two_packs(app)
    clock = [NOW]
    app.tutor.clock = lambda: clock[0]
    first = await app.tutor.next_question(ada)
    await answer(app, ada, first, correct=False)
    clock[0] += timedelta(hours=1)
    again = await app.tutor.next_question(ada)
    assert again.purpose == "review" and again.review.startswith("🔁 Review · ")
    assert again.question_id != first.question_id
    await answer(app, ada, again, correct=False)
    await app.tutor.set_review_cap(ada, 1)  # one review spent in the last day
    clock[0] += timedelta(hours=1)
    assert (await app.tutor.next_question(ada)).purpose == "practice"
    assert (await app.tutor.user(ada)).review_cap == 1


async def test_migration_0008_keeps_history_both_ways(app: App) -> None:
    ada, bob = await two_packs(app)
    view = await app.tutor.next_question(ada)
    await answer(app, ada, view, correct=True)

    async with app.engine.begin() as conn:
        await conn.run_sync(migrate_to, "0006")
    async with app.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Attempt)) == 1
        users = await conn.scalar(select(func.count(User.id)))
    assert users == 2
    async with app.engine.begin() as conn:
        await conn.run_sync(migrate_to, "head")
    app.tutor.forget_bank()
    user = await app.tutor.user(bob)
    assert user.track is None and user.review_cap == 30  # the choice went with the column
