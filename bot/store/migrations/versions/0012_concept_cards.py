"""concept cards: one py-fsrs card per user x concept, built from the answers stored;
reviews keep the per-question history without cards; attempts.confidence (sure / unsure)

The cards are made by replaying each user's answers in time order (attempts, by
answered_at then id) through py-fsrs as the answer path reviews them (fuzzing off; every
concept of the answered question: correct -> Good, wrong -> Again), so a database migrated
holds the cards it would hold had concept cards always been kept. The downgrade rebuilds
the per-question cards the same way (reviews.card and reviews.due come back nullable).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 11:30:00
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from fsrs import Card, Rating, Scheduler

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 5000  # rows written per INSERT / UPDATE executemany
USERS_AT_ONCE = 500  # users whose answers are read at once

_users = sa.table("users", sa.column("id", sa.Integer()))
_attempts = sa.table(
    "attempts",
    sa.column("id", sa.Integer()), sa.column("ask_id", sa.Integer()),
    sa.column("user_id", sa.Integer()), sa.column("question_id", sa.Integer()),
    sa.column("correct", sa.Boolean()), sa.column("answered_at", sa.DateTime(timezone=True)),
)  # fmt: skip
_questions = sa.table(
    "questions",
    sa.column("id", sa.Integer()), sa.column("pack_id", sa.String()),
    sa.column("concepts", sa.JSON()),
)  # fmt: skip
_cards = sa.table(
    "concept_cards",
    sa.column("user_id", sa.Integer()), sa.column("pack_id", sa.String()),
    sa.column("concept", sa.String()), sa.column("card", sa.JSON()),
    sa.column("due", sa.DateTime(timezone=True)), sa.column("last_question_id", sa.Integer()),
    sa.column("last_seen_at", sa.DateTime(timezone=True)), sa.column("ask_id", sa.Integer()),
    sa.column("prev_card", sa.JSON()),
)  # fmt: skip
_reviews = sa.table(
    "reviews",
    sa.column("user_id", sa.Integer()), sa.column("question_id", sa.Integer()),
    sa.column("card", sa.JSON()), sa.column("due", sa.DateTime(timezone=True)),
)  # fmt: skip


def _utc(value: Any) -> datetime:
    """As bot.store.models.UtcDateTime reads it: SQLite gives naive UTC datetimes."""
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _answers(conn: sa.Connection) -> Iterator[Any]:
    """Every answer with its question's pack and concepts, per user in time order, read a
    few hundred users at a time (no server-side cursor: PostgreSQL would then refuse the
    ALTER TABLEs that follow in this transaction)."""
    after = -1
    while True:
        users = list(
            conn.scalars(
                sa.select(_users.c.id)
                .where(_users.c.id > after)
                .order_by(_users.c.id)
                .limit(USERS_AT_ONCE)
            )
        )
        if not users:
            return
        after = users[-1]
        query = (
            sa.select(
                _attempts.c.user_id,
                _attempts.c.ask_id,
                _attempts.c.question_id,
                _attempts.c.correct,
                _attempts.c.answered_at,
                _questions.c.pack_id,
                _questions.c.concepts,
            )  # fmt: skip
            .join(_questions, _questions.c.id == _attempts.c.question_id)
            .where(_attempts.c.user_id.in_(users))
            .order_by(_attempts.c.user_id, _attempts.c.answered_at, _attempts.c.id)
        )
        yield from conn.execute(query).all()


def _replay(
    conn: sa.Connection,
    keys_of: Callable[[Any], list[Any]],
    flush: Callable[[list[dict[str, Any]]], None],
) -> None:
    """Review a card per key (`keys_of` an answer) for each answer in time order; pass
    each user's final cards to `flush` in batches."""
    scheduler = Scheduler(enable_fuzzing=False)
    pending: list[dict[str, Any]] = []
    user: int | None = None
    held: dict[Any, dict[str, Any]] = {}

    def done_user() -> None:
        pending.extend(held.values())
        held.clear()
        if len(pending) >= BATCH:
            flush(pending)
            pending.clear()

    for row in _answers(conn):
        if row.user_id != user:
            done_user()
            user = row.user_id
        at = _utc(row.answered_at)
        rating = Rating.Good if row.correct else Rating.Again
        for key in keys_of(row):
            before = held.get(key)
            card = (
                Card.from_dict(before["card"])  # type: ignore[arg-type]
                if before
                else Card(card_id=row.question_id, due=at)
            )
            card, _log = scheduler.review_card(card, rating, review_datetime=at)
            held[key] = {
                "user_id": row.user_id, "key": key, "card": dict(card.to_dict()),
                "due": card.due, "question_id": row.question_id, "at": at,
                "ask_id": row.ask_id, "prev": before["card"] if before else None,
            }  # fmt: skip
    done_user()
    if pending:
        flush(pending)


def upgrade() -> None:
    op.create_table(
        "concept_cards",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=40), nullable=False),
        sa.Column("concept", sa.String(length=60), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_question_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=True),
        sa.Column("prev_card", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "pack_id", "concept"),
    )
    op.create_index("ix_concept_cards_user_due", "concept_cards", ["user_id", "due"])
    # Plain ALTER TABLE on both databases (SQLite >= 3.35), as in 0011: no batch copy.
    op.add_column("attempts", sa.Column("confidence", sa.String(length=10), nullable=True))
    conn = op.get_bind()

    def concepts(row: Any) -> list[Any]:
        return [(row.pack_id, c) for c in dict.fromkeys(row.concepts or [])]

    def insert(rows: list[dict[str, Any]]) -> None:
        conn.execute(
            sa.insert(_cards),
            [
                {
                    "user_id": r["user_id"],
                    "pack_id": r["key"][0],
                    "concept": r["key"][1],
                    "card": r["card"],
                    "due": r["due"],
                    "last_question_id": r["question_id"],
                    "last_seen_at": r["at"],
                    "ask_id": r["ask_id"],
                    "prev_card": r["prev"],
                }  # fmt: skip
                for r in rows
            ],
        )

    _replay(conn, concepts, insert)
    op.drop_index("ix_reviews_user_due", table_name="reviews")
    op.drop_column("reviews", "card")
    op.drop_column("reviews", "due")


def downgrade() -> None:
    op.add_column("reviews", sa.Column("card", sa.JSON(), nullable=True))
    op.add_column("reviews", sa.Column("due", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_reviews_user_due", "reviews", ["user_id", "due"])
    conn = op.get_bind()
    update = (
        sa.update(_reviews)
        .where(
            _reviews.c.user_id == sa.bindparam("u"),
            _reviews.c.question_id == sa.bindparam("q"),
        )
        .values(card=sa.bindparam("c"), due=sa.bindparam("d"))
    )

    def fill(rows: list[dict[str, Any]]) -> None:
        conn.execute(
            update,
            [{"u": r["user_id"], "q": r["key"], "c": r["card"], "d": r["due"]} for r in rows],
        )

    _replay(conn, lambda row: [row.question_id], fill)
    op.drop_column("attempts", "confidence")
    op.drop_index("ix_concept_cards_user_due", table_name="concept_cards")
    op.drop_table("concept_cards")
