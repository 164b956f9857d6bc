"""indexes for a year of history; per user x domain answer counters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 08:00:00

- deliveries.ask_id gets an index: an answer looks up the daily delivery of its ask, and
  without one that was a scan of every delivery ever made.
- domain_counts keeps answered/correct per user x (pack, domain), updated in the same
  transaction as each answer, so /stats and the daily picker read a few rows instead of
  aggregating the whole history. Back-filled here from the attempts already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_ask_id", ["ask_id"], unique=False)

    op.create_table(
        "domain_counts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=40), nullable=False),
        sa.Column("domain_id", sa.String(length=40), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "pack_id", "domain_id"),
    )
    # Every attempt counted so far, grouped the way /stats grouped them (nothing lost).
    op.execute(
        """
        INSERT INTO domain_counts (user_id, pack_id, domain_id, answered, correct)
        SELECT a.user_id, q.pack_id, a.domain_id, count(*),
               sum(CASE WHEN a.correct THEN 1 ELSE 0 END)
        FROM attempts a JOIN questions q ON q.id = a.question_id
        GROUP BY a.user_id, q.pack_id, a.domain_id
        """
    )


def downgrade() -> None:
    op.drop_table("domain_counts")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_ask_id")
