"""Packs with several exam blueprints in a real database: import, practice, stats, migration."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.content.importer import ImportRefused, import_paths, import_text
from bot.store import migrate
from bot.store.db import make_engine
from bot.store.models import Attempt, Blueprint, Domain, Question
from bot.store.sql import SqlStore
from bot.tutor import Tutor
from bot.views import UserRef
from tests.asking import next_question
from tests.conftest import MINIPACK
from tests.migrating import migrate_to
from tests.migration_seeds import _domains_0002, _questions_0002, _seed_0002

MULTIPACK = Path(__file__).parent / "data" / "multipack"
SHIPPED = Path(__file__).resolve().parent.parent / "content" / "saa"
ADA = UserRef("test", "1", "Ada")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def answer_every_question(tutor: Tutor, count: int) -> None:
    for _ in range(count):
        view = await next_question(tutor, ADA)
        await tutor.answer(ADA, view.ask_id, view.letters[: view.select])


async def test_two_blueprint_pack_drives_practice_and_stats(engine: AsyncEngine) -> None:
    first = await import_paths(engine, [MULTIPACK])
    assert first.counts["questions"]["added"] == 4
    assert not (await import_paths(engine, [MULTIPACK])).changed

    bank = await SqlStore(engine).load_bank()
    assert [b.id for b in bank.blueprints["multi"]] == ["new-exam", "old-exam"]
    # practice weighting and stats use the default (first) blueprint
    assert {k: d.weight for k, d in bank.domains.items()} == {
        ("multi", "secure"): 60,
        ("multi", "cost"): 40,
    }
    archive = next(q for q in bank.questions.values() if q.id == "s3-archive")
    assert archive.domain == "cost"
    assert archive.domains == {"new-exam": "cost", "old-exam": "design"}

    tutor = Tutor(SqlStore(engine))
    await answer_every_question(tutor, 4)
    stats = await tutor.stats(ADA)
    assert stats.answered == 4
    assert [(d.id, d.label, d.answered) for d in stats.domains] == [
        ("secure", "Secure", 2),
        ("cost", "Design cost-optimized architectures", 2),
    ]
    assert stats.blueprint == "The new exam"
    assert stats.notes == ("The real exam's score is scaled; our percentage approximates it.",)


async def test_default_track_on_the_shipped_bank_uses_saa_c03(engine: AsyncEngine) -> None:
    await import_paths(engine, [SHIPPED])
    tutor = Tutor(SqlStore(engine))
    await answer_every_question(tutor, 5)
    stats = await tutor.stats(ADA)
    assert stats.answered == 5
    assert [(d.id, d.label) for d in stats.domains] == [
        ("secure", "Secure"),
        ("resilient", "Resilient"),
        ("performant", "High-performing"),
        ("cost", "Cost-optimized"),
    ]
    assert stats.blueprint == "SAA-C03 (the current exam)"
    assert "scaled" in stats.notes[0] and "approximation" in stats.notes[0]
    bank = await tutor.bank()
    assert {d.id: d.weight for (_p, _d), d in bank.domains.items()} == {
        "secure": 30, "resilient": 26, "performant": 24, "cost": 20,
    }  # fmt: skip


async def test_a_pack_gaining_a_blueprint_keeps_its_history(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await import_paths(engine, [MINIPACK])
    tutor = Tutor(SqlStore(engine))
    await answer_every_question(tutor, 4)

    # the same pack and questions, now with two blueprints
    target = tmp_path / "mini"
    target.mkdir()
    for name in ("pack.yaml", "storage.yaml"):
        text = (MULTIPACK / name).read_text()
        text = text.replace("id: multi", "id: mini").replace("pack: multi", "pack: mini")
        (target / name).write_text(text)
    report = await import_paths(engine, [target])
    tutor.forget_bank()
    assert report.counts["packs"]["updated"] == 1
    assert report.counts["questions"] == {"added": 0, "updated": 4, "retired": 0, "unchanged": 0}
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Attempt)) == 4
        blueprints = list(await conn.scalars(select(Blueprint.id).order_by(Blueprint.position)))
    assert blueprints == ["new-exam", "old-exam"]
    stats = await tutor.stats(ADA)
    # the old answers now count in the new default blueprint's domains
    assert {d.id: d.answered for d in stats.domains} == {"secure": 2, "cost": 2}


async def test_lone_file_into_a_two_blueprint_pack(engine: AsyncEngine) -> None:
    await import_paths(engine, [MULTIPACK])
    question = """\
pack: multi
questions:
  - id: kms-new
    {classification}
    concepts: [kms]
    difficulty: 1
    scenario: Who controls a customer managed key?
    options:
      - {{text: The customer, correct: true, why: The key policy is theirs.}}
      - {{text: Nobody, why: Someone always does.}}
    explanation: Customer managed keys are controlled by the customer.
"""
    with pytest.raises(ImportRefused) as refused:
        await import_text(engine, "extra.yaml", question.format(classification="domain: secure"))
    assert [str(p) for p in refused.value.problems] == [
        "extra.yaml:4:5: pack 'multi' has blueprints new-exam, old-exam: classify the question "
        "in each with `domains: {new-exam: …, old-exam: …}` instead of `domain:`"
    ]
    with pytest.raises(ImportRefused) as refused:
        await import_text(
            engine, "extra.yaml", question.format(classification="domains: {new-exam: secure}")
        )
    assert "missing old-exam" in refused.value.problems[0].message
    good = question.format(classification="domains: {new-exam: secure, old-exam: security}")
    report = await import_text(engine, "extra.yaml", good)
    assert report.counts["questions"]["added"] == 1
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(Question.domain_id, Question.domains).where(Question.slug == "kms-new")
            )
        ).one()
    assert (row.domain_id, row.domains) == (
        "secure",
        {"new-exam": "secure", "old-exam": "security"},
    )


# -- migration 0004 on a database that already has content and history ---------------


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(migrate_to, revision)


_users_0002 = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("display_name", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("active", sa.Boolean),
    sa.column("timezone", sa.String),
    sa.column("daily_time", sa.String),
    sa.column("daily_enabled", sa.Boolean),
)


async def test_migration_0004_keeps_history_and_old_packs_unchanged(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        # 0003 (counters) comes before the blueprints; the answer below is stored as 0003's
        # store kept it (the attempt and its domain's counter).
        await migrate.upgrade(engine, "0003")
        async with engine.begin() as conn:
            await conn.run_sync(_seed_0002)
        async with engine.begin() as conn:  # today's user_for reads columns of later revisions
            user_id = await conn.scalar(
                sa.insert(_users_0002)
                .values(display_name="Ada", created_at=NOW, active=True, timezone="UTC",
                        daily_time="09:00", daily_enabled=True)
                .returning(_users_0002.c.id)
            )  # fmt: skip
            await conn.execute(
                sa.text(
                    "INSERT INTO identities (user_id, platform, external_id)"
                    " VALUES (:u, 'test', '1')"
                ),
                {"u": user_id},
            )
        user = SimpleNamespace(id=user_id)
        async with engine.connect() as conn:
            key, domain = (
                await conn.execute(
                    sa.select(_questions_0002.c.slug, _questions_0002.c.domain_id).where(
                        _questions_0002.c.slug == "kms-rotation"
                    )
                )
            ).one()
            qid = await conn.scalar(sa.text("SELECT id FROM questions WHERE slug = 'kms-rotation'"))
        async with engine.begin() as conn:
            values = {"u": user.id, "q": qid, "d": domain, "at": NOW}
            ask = await conn.scalar(
                sa.text(
                    "INSERT INTO asks (user_id, question_id, option_order, purpose, created_at)"
                    " VALUES (:u, :q, '0,1,2', 'practice', :at) RETURNING id"
                ),
                values,
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO attempts (ask_id, user_id, question_id, domain_id, chosen,"
                    " correct, answered_at) VALUES (:a, :u, :q, :d, '0', true, :at)"
                ),
                values | {"a": ask},
            )
            await conn.execute(  # the per-question card 0003's store kept
                sa.text(
                    "INSERT INTO reviews (user_id, question_id, card, due, last_correct,"
                    " last_seen_at, answers, wrong) VALUES (:u, :q, '{}', :at, true, :at, 1, 0)"
                ),
                values,
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO domain_counts (user_id, pack_id, domain_id, answered, correct)"
                    " VALUES (:u, 'mini', :d, 1, 1)"
                ),
                values,
            )

        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            blueprints = (await conn.execute(select(Blueprint))).all()
            domains = (await conn.execute(select(Domain).order_by(Domain.position))).all()
            classified = {
                r.slug: r.domains
                for r in await conn.execute(select(Question.slug, Question.domains))
            }
            attempt = (await conn.execute(select(Attempt.question_id, Attempt.domain_id))).one()
        assert [(b.id, b.exam_questions, b.exam_minutes, b.pass_percent, b.position) for b in
                blueprints] == [("main", 3, 5, 65, 0)]  # fmt: skip
        assert [(d.blueprint_id, d.id, d.short, d.weight) for d in domains] == [
            ("main", "design", "", 70),
            ("main", "security", "", 30),
        ]
        assert classified[key] == {"main": domain}
        assert tuple(attempt) == (qid, domain)

        # the unchanged old-form pack re-imports as unchanged, and stats still count the answer
        report = await import_paths(engine, [MINIPACK])
        assert report.counts["packs"]["unchanged"] == 1
        assert report.counts["questions"]["unchanged"] == 4
        stats = await Tutor(SqlStore(engine)).stats(ADA)
        assert {d.id: d.answered for d in stats.domains} == {"design": 0, "security": 1}

        # and back: 0002's shape again, with the default blueprint's domains
        await _downgrade(engine, "0002")
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.select(_domains_0002.c.id))).scalars().all()
            attempts = await conn.scalar(sa.text("SELECT count(*) FROM attempts"))
        assert sorted(rows) == ["design", "security"]
        assert attempts == 1
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def test_explain_finds_the_exam_services_by_their_common_names(engine: AsyncEngine) -> None:
    """Issue 10/11: every new card by its common names, regardless of case, spaces and
    hyphens; a card's own name wins over another card's alias."""
    await import_paths(engine, [SHIPPED])
    tutor = Tutor(SqlStore(engine))
    expected = {
        "nat gateway": "vpc",
        "cloud front": "cloudfront",
        "TGW": "transit-gateway",
        "transit-gateway": "transit-gateway",
        "ALB": "elb",
        "nlb": "elb",
        "SG": "vpc",
        "NACL": "vpc",
        "IGW": "vpc",
        "aurora": "aurora",
        "CloudWatch Events": "eventbridge",
        "Parameter Store": "systems-manager",
        "AWS SSO": "iam-identity-center",
        "Shield Advanced": "waf-shield",
        "fargate": "fargate",
        "private link": "privatelink",
    }
    found = {name: (await tutor.explain(name)).id for name in expected}
    assert found == expected
