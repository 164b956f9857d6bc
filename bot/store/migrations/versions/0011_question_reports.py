"""question reports: students flag a question (wrong answer, unclear, outdated, typo);
asks.skipped_at: an open question the student skipped

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30 09:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_reports_created_at", "question_reports", ["created_at"])
    # Plain ALTER TABLE on both databases (SQLite >= 3.35): a batch copy of `asks` would
    # drop the old table, and with it (ON DELETE CASCADE) every attempt.
    op.add_column("asks", sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("asks", "skipped_at")
    op.drop_index("ix_question_reports_created_at", table_name="question_reports")
    op.drop_table("question_reports")
