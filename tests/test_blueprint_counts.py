"""Answer counters per blueprint (domain_counts): every answer counts under its question's
domain in each blueprint of its pack, so /stats and the progress report on any track show
that track's domains with the right numbers; a re-import that reclassifies a question in any
blueprint recounts; migration 0013 back-fills from the attempts, and back. Both databases."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from bot.app import App
from bot.content.importer import import_text
from bot.store.models import Attempt, DomainCount
from bot.tracks import parse_choice
from bot.views import UserRef
from tests.asking import answer
from tests.migrating import migrate_to
from tests.test_tracks_db import MULTIPACK, two_packs

Counts = dict[tuple[str, str, str], tuple[int, int]]


async def _expected(app: App, user_id: int) -> Counts:
    """What the counters must say: each attempt under its question's domain now, in every
    blueprint of its pack."""
    bank = await app.tutor.bank()
    answered: Counter[tuple[str, str, str]] = Counter()
    right: Counter[tuple[str, str, str]] = Counter()
    async with app.engine.connect() as conn:
        attempts = await conn.execute(
            select(Attempt.question_id, Attempt.correct).where(Attempt.user_id == user_id)
        )
        for key, correct in attempts:
            question = bank.questions[key]
            for blueprint, domain in question.domains.items():
                answered[(question.pack, blueprint, domain)] += 1
                right[(question.pack, blueprint, domain)] += int(correct)
    return {k: (n, right[k]) for k, n in answered.items()}


async def _counters(app: App, user_id: int) -> Counts:
    async with app.engine.connect() as conn:
        rows = await conn.execute(select(DomainCount).where(DomainCount.user_id == user_id))
        return {(r.pack_id, r.blueprint_id, r.domain_id): (r.answered, r.correct) for r in rows}


async def _practise(app: App, ref: UserRef, n: int) -> None:
    for i in range(n):
        await answer(app, ref, await app.tutor.next_question(ref), correct=i % 3 != 0)


async def test_a_student_on_the_course_blueprint_sees_its_domains(app: App) -> None:
    _ada, bob = await two_packs(app)
    await app.tutor.set_track(bob, parse_choice(await app.tutor.bank(), "multi/old-exam"))
    await _practise(app, bob, 6)
    user_id = await app.tutor.user_id(bob)
    counters = await _counters(app, user_id)
    assert counters == await _expected(app, user_id)
    for blueprint in ("new-exam", "old-exam"):  # each answer once in each blueprint
        assert sum(n for (_p, b, _d), (n, _c) in counters.items() if b == blueprint) == 6

    stats = await app.tutor.stats(bob)
    assert [d.id for d in stats.domains] == ["design", "security"]  # the old exam's
    assert stats.blueprint == "The old exam"
    shown = {d.id: (d.answered, d.correct) for d in stats.domains}
    assert shown == {
        d: counters.get(("multi", "old-exam", d), (0, 0)) for d in ("design", "security")
    }
    assert stats.answered == 6

    report = await app.progress.report(bob)
    assert {d.id: (d.answered, d.correct) for d in report.domains} == shown
    assert report.pass_percent == 65  # the old exam's pass mark

    # the same answers, seen from the pack's default blueprint
    await app.tutor.set_track(bob, parse_choice(await app.tutor.bank(), "multi/new-exam"))
    default = await app.tutor.stats(bob)
    assert [d.id for d in default.domains] == ["secure", "cost"] and default.answered == 6


async def test_reclassifying_a_question_in_a_reimport_moves_its_counts(app: App) -> None:
    _ada, bob = await two_packs(app)
    await app.tutor.set_track(bob, parse_choice(await app.tutor.bank(), "multi/old-exam"))
    await _practise(app, bob, 7)  # every question of the pack
    user_id = await app.tutor.user_id(bob)
    before = {d.id: d.answered for d in (await app.tutor.stats(bob)).domains}

    # s3-archive moves from Design to Security in the old exam only (the default
    # blueprint's domain, which is all the importer used to compare, stays "cost")
    text = (MULTIPACK / "storage.yaml").read_text()
    moved = text.replace(
        "  - id: s3-archive\n    domains: {new-exam: cost, old-exam: design}",
        "  - id: s3-archive\n    domains: {new-exam: cost, old-exam: security}",
    )
    assert moved != text
    report = await import_text(app.engine, "storage.yaml", moved)
    assert report.counts["questions"]["updated"] == 1
    app.tutor.forget_bank()

    after = {d.id: d.answered for d in (await app.tutor.stats(bob)).domains}
    shifted = await _counters(app, user_id)
    assert shifted == await _expected(app, user_id)
    archive_answers = before["design"] - after["design"]
    assert archive_answers >= 1  # s3-archive was answered, and its answers moved
    assert after["security"] == before["security"] + archive_answers


async def test_migration_0013_back_fills_every_blueprint_and_goes_back(app: App) -> None:
    ada, bob = await two_packs(app)
    await _practise(app, ada, 4)
    await _practise(app, bob, 5)
    ids = [await app.tutor.user_id(ref) for ref in (ada, bob)]
    expected = {u: await _expected(app, u) for u in ids}

    async with app.engine.begin() as conn:
        await conn.run_sync(migrate_to, "0011")
        rows = (await conn.exec_driver_sql(
            "SELECT user_id, pack_id, domain_id, answered FROM domain_counts"
        )).all()  # fmt: skip
    # 0011's counters: by the domain each answer was stored with (the default blueprint's)
    assert sum(r.answered for r in rows) == 9
    assert {r.domain_id for r in rows if r.pack_id == "multi"} <= {"secure", "cost"}
    async with app.engine.begin() as conn:
        await conn.run_sync(migrate_to, "head")
    for u in ids:
        assert await _counters(app, u) == expected[u]
