"""The index guard: no hot statement scans a table that grows with users or history.

Each statement an answer, an ask, /stats or the daily sweep runs often is EXPLAINed against
tables with thousands of rows (ANALYZEd): on PostgreSQL with a custom plan and with the
generic plan that prepared statements switch to after five executions; on SQLite with
EXPLAIN QUERY PLAN. A new hot statement joins HOT below.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import ClauseElement, Executable, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.dml import UpdateBase

from bot.content.importer import import_paths
from bot.daily.store import due_users, pending_claims
from bot.store.models import (
    Ask,
    Attempt,
    ConceptCard,
    Delivery,
    DomainCount,
    Identity,
    Question,
    Review,
    User,
)
from bot.store.progress import ProgressStatements
from bot.store.sql import domain_counts
from bot.store.statements import Statements, in_ids
from tests.conftest import MINIPACK

# Tables that grow with users or with history: a scan of one of these fails the guard.
GROWING = (
    "users", "identities", "asks", "attempts", "reviews", "concept_cards", "deliveries",
    "domain_counts",
)  # fmt: skip
USERS = 3000
ASKS_PER_USER = 10
DAYS = 10
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


class Explain(Executable, ClauseElement):
    """`<prefix> <statement>` with the statement's own parameters (SQLAlchemy's recipe)."""

    inherit_cache = False
    _inline = False  # read by the compiler when the explained statement is an INSERT

    def __init__(self, statement: Any, prefix: str) -> None:
        self.statement = statement
        self.prefix = prefix


@compiles(Explain)
def _compile_explain(element: Explain, compiler: Any, **kw: Any) -> str:
    sql = compiler.process(element.statement, **kw)
    compiler._result_columns = []  # the rows are plan lines, not the statement's columns
    return f"{element.prefix} {sql}"


@dataclass(frozen=True)
class Hot:
    name: str
    statement: Callable[[Statements], Any]
    params: dict[str, Any]
    dialects: tuple[str, ...] = ("sqlite", "postgresql")


CARD = {"card_id": 1, "state": 2, "step": None, "stability": 3.2, "difficulty": 5.1}
ANSWER = {
    "v_ask": 77, "v_user": 42, "v_question": 1, "v_domain": "d", "v_chosen": "0",
    "v_correct": True, "v_right": 1, "v_wrong": 0, "v_at": NOW, "v_card": CARD, "v_due": NOW,
    "v_streak": 3, "v_best": 5, "v_on": date(2026, 3, 20), "v_pack": "mini", "v_concept": "s3",
    "v_prev": None,
    "v_cards": [
        {"pack": "mini", "concept": "s3", "card": CARD, "due": NOW.isoformat(), "prev": None}
    ],
}  # fmt: skip
SOME_USERS = list(range(100, 130))  # a claim batch: ~1% of the users, as at 100k

HOT = [
    Hot("answer context", lambda s: s.answer_context, {"user_id": 42, "ask_id": 77}),
    Hot("open answer context", lambda s: s.open_answer_context, {"user_id": 42}),
    Hot(
        "practice state",
        lambda s: s.practice_state,
        {"user_id": 42, "limit": 3, "since": datetime(2026, 1, 1, tzinfo=UTC), "now": NOW},
    ),
    Hot("find user", lambda s: s.find_user, {"platform": "test", "external_id": "42"}),
    Hot(
        "insert ask",
        lambda s: s.create_ask,
        {
            "user_id": 42,
            "group_key": None,
            "question_id": 1,
            "option_order": "0,1",
            "purpose": "practice",
            "created_at": NOW,
            "message_ref": None,
        },  # fmt: skip
    ),
    Hot("store answer (one CTE)", lambda s: s.store_answer_streak, ANSWER, ("postgresql",)),
    Hot("insert attempt", lambda s: s.insert_attempt, ANSWER, ("sqlite",)),
    Hot("upsert question history", lambda s: s.upsert_review, ANSWER, ("sqlite",)),
    Hot("upsert concept card", lambda s: s.upsert_card, ANSWER, ("sqlite",)),
    Hot("confidence: context", lambda s: s.confidence_context, {"user_id": 42, "ask_id": 77}),
    Hot("confidence: redo card", lambda s: s.redo_card, ANSWER),
    Hot("count answer", lambda s: s.count_answer, ANSWER, ("sqlite",)),
    Hot("set streak", lambda s: s.set_streak, ANSWER, ("sqlite",)),
    Hot("stats: counters", lambda s: s.answer_counts, {"user_id": 42}),
    Hot("daily claim: reviews", lambda s: s.reviews_of, {"user_id": 42}),
    Hot("stats: due reviews", lambda s: s.due_count, {"user_id": 42, "v_due": NOW}),
    Hot("set message ref", lambda s: s.set_message_ref, {"ask_id": 77, "ref": "m1"}),
    Hot(
        "progress: questions",
        lambda s: ProgressStatements(s.dialect).questions,
        {"user_id": 42},
    ),
    Hot("progress: due", lambda s: ProgressStatements(s.dialect).due, {"user_id": 42, "now": NOW}),
    Hot(
        "progress: activity",
        lambda s: ProgressStatements(s.dialect).activity,
        {"user_id": 42, "since": NOW - timedelta(days=29)},
    ),
    Hot(
        "progress: misses",
        lambda s: ProgressStatements(s.dialect).misses,
        {"user_id": 42, "limit": 30},
    ),
    Hot("daily plan: due users", lambda s: due_users(NOW, ("test",), 1000), {}),
    Hot("daily claim", lambda s: pending_claims(NOW, 1000), {}),
    Hot(
        "daily plan: deliveries taken",
        lambda s: select(Delivery.user_id, Delivery.local_date).where(
            in_ids(s.dialect, Delivery.user_id, SOME_USERS),
            Delivery.local_date >= date(2026, 3, 19),
        ),
        {},
    ),
    Hot(
        "daily claim: counters",
        lambda s: select(DomainCount).where(in_ids(s.dialect, DomainCount.user_id, SOME_USERS)),
        {},
    ),
    Hot(
        "daily claim: question history",
        lambda s: select(Review).where(in_ids(s.dialect, Review.user_id, SOME_USERS)),
        {},
    ),
    Hot(
        "daily claim: due concept cards",
        lambda s: select(ConceptCard.concept, ConceptCard.due).where(
            in_ids(s.dialect, ConceptCard.user_id, SOME_USERS), ConceptCard.due <= NOW
        ),
        {},
    ),
    Hot(
        "daily claim: identities",
        lambda s: select(Identity.user_id, Identity.platform, Identity.external_id).where(
            in_ids(s.dialect, Identity.user_id, SOME_USERS)
        ),
        {},
    ),
]


async def _fill(engine: AsyncEngine) -> None:
    """Thousands of users with a history: asks, answers, cards, counters, deliveries."""
    await import_paths(engine, [MINIPACK])
    rng = random.Random(7)
    async with engine.begin() as conn:
        questions = (await conn.execute(select(Question.id, Question.domain_id))).all()
        await conn.execute(
            insert(User),
            [
                {
                    "id": u, "display_name": f"u{u}", "created_at": NOW, "active": True,
                    "timezone": "UTC", "daily_time": "09:00", "daily_enabled": True,
                    "next_due_at": NOW + timedelta(minutes=u),
                }
                for u in range(1, USERS + 1)
            ],
        )  # fmt: skip
        await conn.execute(
            insert(Identity),
            [
                {"user_id": u, "platform": "test", "external_id": str(u)}
                for u in range(1, USERS + 1)
            ],
        )
        asks, attempts = [], []
        for u in range(1, USERS + 1):
            for i in range(ASKS_PER_USER):
                ask_id = (u - 1) * ASKS_PER_USER + i + 1
                question, domain = rng.choice(questions)
                at = NOW - timedelta(hours=ASKS_PER_USER - i)
                asks.append(
                    {
                        "id": ask_id, "user_id": u, "group_key": None, "question_id": question,
                        "option_order": "0,1,2,3", "purpose": "practice", "created_at": at,
                        "message_ref": None,
                    }
                )  # fmt: skip
                attempts.append(
                    {
                        "ask_id": ask_id, "user_id": u, "question_id": question,
                        "domain_id": domain, "chosen": "0", "correct": i % 2 == 0,
                        "answered_at": at,
                    }
                )  # fmt: skip
        await conn.execute(insert(Ask), asks)
        await conn.execute(insert(Attempt), attempts)
        await conn.execute(
            insert(Review),
            [
                {
                    "user_id": u, "question_id": q, "last_correct": True, "last_seen_at": NOW,
                    "answers": 1, "wrong": 0,
                }
                for u in range(1, USERS + 1)
                for q, _d in questions
            ],
        )  # fmt: skip
        await conn.execute(
            insert(ConceptCard),
            [
                {
                    "user_id": u, "pack_id": "mini", "concept": c, "card": CARD,
                    "due": NOW + timedelta(hours=u % 48 - 24), "last_question_id": questions[0][0],
                    "last_seen_at": NOW, "ask_id": (u - 1) * ASKS_PER_USER + 1, "prev_card": None,
                }
                for u in range(1, USERS + 1)
                for c in ("s3", "ebs", "vpc", "iam")
            ],
        )  # fmt: skip
        await conn.execute(
            insert(DomainCount),
            [
                {
                    "user_id": u, "pack_id": "mini", "blueprint_id": b, "domain_id": d,
                    "answered": 5, "correct": 3,
                }
                for u in range(1, USERS + 1)
                # The shipped bank's two blueprints' domains (the mini pack has fewer).
                for b, domains in (
                    ("saa-c03", ("design-secure", "design-resilient", "design-performant", "cost")),
                    ("course", ("design", "deploy", "security", "troubleshoot")),
                )
                for d in domains
            ],
        )
        await conn.execute(
            insert(Delivery),
            [
                {
                    "user_id": u, "local_date": (NOW - timedelta(days=day)).date(),
                    "due_at": NOW, "expires_at": NOW, "status": "sent" if day else "pending",
                    "not_before": NOW - timedelta(days=day), "attempts": 1,
                    "ask_id": (u - 1) * ASKS_PER_USER + 1 + day, "maybe_duplicates": 0,
                }
                for u in range(1, USERS + 1)
                for day in range(DAYS)
                if day or u % 50 == 0  # a few pending today, the rest sent long ago
            ],
        )  # fmt: skip
        if engine.dialect.name == "postgresql":
            for table in ("users", "asks"):
                await conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
        await conn.commit()


@pytest.fixture
async def filled(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    await _fill(engine)
    yield engine


def _scans(plan: list[str]) -> list[str]:
    """Lines of a plan that read a growing table whole."""
    bad = []
    for line in plan:
        for table in GROWING:
            if f"Seq Scan on {table} " in f"{line} " or line.startswith(f"SCAN {table}"):
                bad.append(line)
    return bad


def _literal(value: Any) -> str:
    """A value as a quoted SQL literal; PostgreSQL casts it to the prepared parameter's type."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        text_ = "true" if value else "false"
    elif isinstance(value, datetime | date):
        text_ = value.isoformat()
    elif isinstance(value, dict) or (
        isinstance(value, list) and value and isinstance(value[0], dict)
    ):
        text_ = json.dumps(value, default=str)
    elif isinstance(value, list | tuple):
        text_ = "{" + ",".join(str(v) for v in value) + "}"
    else:
        text_ = str(value)
    return "'" + text_.replace("'", "''") + "'"


async def _pg_generic_plan(
    conn: AsyncConnection, statement: Any, params: dict[str, Any]
) -> list[str]:
    """The plan PostgreSQL uses for a prepared statement after five executions."""
    compiled = statement.compile(
        dialect=conn.dialect,
        column_keys=list(params),
        compile_kwargs={"render_postcompile": True},
    )
    values = compiled.construct_params(params)
    args = ", ".join(_literal(values[name]) for name in compiled.positiontup or [])
    await conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
    await conn.exec_driver_sql(f"PREPARE guarded AS {compiled.string}")
    try:
        execute = f"EXECUTE guarded({args})" if args else "EXECUTE guarded"
        return [row[0] for row in await conn.exec_driver_sql(f"EXPLAIN {execute}")]
    finally:
        await conn.exec_driver_sql("DEALLOCATE guarded")
        await conn.exec_driver_sql("RESET plan_cache_mode")


async def test_hot_statements_use_indexes(filled: AsyncEngine) -> None:
    dialect = filled.dialect.name
    statements = Statements(dialect)
    failures: dict[str, list[str]] = {}
    checked = 0
    async with filled.connect() as conn:
        for hot in HOT:
            if dialect not in hot.dialects:
                continue
            statement = hot.statement(statements)
            if dialect == "sqlite":
                rows = await conn.execute(Explain(statement, "EXPLAIN QUERY PLAN"), hot.params)
                plans = {"plan": [row[3] for row in rows]}
            else:
                rows = await conn.execute(Explain(statement, "EXPLAIN"), hot.params)
                plans = {
                    "custom plan": [row[0] for row in rows],
                    "generic plan": await _pg_generic_plan(conn, statement, hot.params),
                }
            for kind, plan in plans.items():
                # SQLite shows no plan for a write that reads no table.
                assert plan or isinstance(statement, UpdateBase), f"{hot.name}: no plan"
                if _scans(plan):
                    failures[f"{hot.name} ({kind})"] = plan
            checked += 1
        # The guard itself: a query no index serves is caught.
        no_index = select(Attempt.id).where(Attempt.chosen == "3")
        if dialect == "sqlite":
            rows = await conn.execute(Explain(no_index, "EXPLAIN QUERY PLAN"))
            assert _scans([row[3] for row in rows])
        else:
            assert _scans(await _pg_generic_plan(conn, no_index, {}))
    assert checked >= 14
    assert not failures, "\n\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in failures.items())


async def test_sqlite_reads_the_question_history_from_its_covering_index(
    filled: AsyncEngine,
) -> None:
    """The next question's history rows come from index pages alone (migration 0014)."""
    if filled.dialect.name != "sqlite":
        pytest.skip("the covering index is SQLite's (PostgreSQL uses its primary key)")
    hot = next(h for h in HOT if h.name == "practice state")
    async with filled.connect() as conn:
        statement = hot.statement(Statements("sqlite"))
        rows = await conn.execute(Explain(statement, "EXPLAIN QUERY PLAN"), hot.params)
        plan = [row[3] for row in rows]
    assert "SEARCH reviews USING COVERING INDEX ix_reviews_user_seen (user_id=?)" in plan, plan


def test_domain_counts_helper_is_guarded() -> None:
    """The daily picker's counters query is the one HOT lists (same builder)."""
    assert domain_counts.__module__ == "bot.store.sql"
