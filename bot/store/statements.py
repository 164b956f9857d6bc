"""Hot-path statements, built once per dialect with bind parameters.

Building a SQLAlchemy statement and its cache key costs more CPU than SQLite takes to run
it, so the statements an answer or an ask needs are made once and reused.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, and_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.models import Ask, Attempt, Delivery, Meta, Review, User

CONTENT_REVISION = "content_revision"

ASKS: Table = Ask.__table__  # type: ignore[assignment]
ATTEMPTS: Table = Attempt.__table__  # type: ignore[assignment]
REVIEWS: Table = Review.__table__  # type: ignore[assignment]
DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]
USERS: Table = User.__table__  # type: ignore[assignment]

ASK_COLUMNS = (
    ASKS.c.id,
    ASKS.c.user_id,
    ASKS.c.group_key,
    ASKS.c.question_id,
    ASKS.c.option_order,
    ASKS.c.purpose,
    ASKS.c.created_at,
)


def dialect_insert(dialect: str, table: Table) -> Any:
    """The dialect's own INSERT, which offers ON CONFLICT."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def content_revision() -> Any:
    return select(func.coalesce(func.max(Meta.value), "0")).where(Meta.key == CONTENT_REVISION)


class Statements:
    def __init__(self, dialect: str) -> None:
        user: Any = bindparam("user_id")
        answered = (
            select(ATTEMPTS.c.id)
            .where(ATTEMPTS.c.ask_id == ASKS.c.id, ATTEMPTS.c.user_id == user)
            .exists()
        )
        context = (
            select(
                *ASK_COLUMNS,
                answered.label("answered"),
                REVIEWS.c.card.label("r_card"),
                REVIEWS.c.due.label("r_due"),
                REVIEWS.c.last_correct.label("r_last_correct"),
                REVIEWS.c.last_seen_at.label("r_last_seen_at"),
                DELIVERIES.c.local_date.label("daily_date"),
                USERS.c.streak,
                USERS.c.best_streak,
                USERS.c.streak_date,
            )
            .outerjoin(
                REVIEWS,
                and_(REVIEWS.c.user_id == user, REVIEWS.c.question_id == ASKS.c.question_id),
            )
            .outerjoin(DELIVERIES, DELIVERIES.c.ask_id == ASKS.c.id)
            .outerjoin(USERS, USERS.c.id == user)
        )
        self.answer_context = context.where(ASKS.c.id == bindparam("ask_id"))
        self.open_answer_context = (
            context.where(ASKS.c.user_id == user)
            .order_by(ASKS.c.created_at.desc(), ASKS.c.id.desc())
            .limit(1)
        )
        self.reviews_of = select(REVIEWS).where(REVIEWS.c.user_id == bindparam("user_id"))
        self.recent_questions = (
            select(ASKS.c.question_id)
            .where(ASKS.c.user_id == bindparam("user_id"))
            .order_by(ASKS.c.created_at.desc(), ASKS.c.id.desc())
            .limit(bindparam("limit"))
        )
        self.create_ask = ASKS.insert().returning(ASKS.c.id)
        self.insert_attempt = dialect_insert(dialect, ATTEMPTS).on_conflict_do_nothing(
            index_elements=["ask_id", "user_id"]
        )
        upsert = dialect_insert(dialect, REVIEWS)
        self.upsert_review = upsert.on_conflict_do_update(
            index_elements=["user_id", "question_id"],
            set_={
                "card": upsert.excluded.card,
                "due": upsert.excluded.due,
                "last_correct": upsert.excluded.last_correct,
                "last_seen_at": upsert.excluded.last_seen_at,
                "answers": REVIEWS.c.answers + 1,
                "wrong": REVIEWS.c.wrong + upsert.excluded.wrong,
            },
        )
        self.set_message_ref = (
            update(ASKS)
            .where(ASKS.c.id == bindparam("ask_id"))
            .values(message_ref=bindparam("ref"))
        )
        self.set_streak = (
            update(USERS)
            .where(USERS.c.id == bindparam("uid"))
            .values(
                streak=bindparam("streak"),
                best_streak=bindparam("best"),
                streak_date=bindparam("on"),
            )
        )
        self.content_revision = content_revision()
