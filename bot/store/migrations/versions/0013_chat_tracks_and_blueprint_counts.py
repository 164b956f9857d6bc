"""chat_tracks: a group chat's own track; domain_counts per blueprint

- chat_tracks holds what a group chat (a Telegram group, a Discord channel) studies in its
  games and channel daily question: "pack/blueprint", keyed like asks.group_key.
- domain_counts gains blueprint_id (part of the key): an answer is counted under its
  question's domain in every blueprint of its pack, so /stats on any track reads its own
  blueprint's domains. The counters are derived data: the table is rebuilt and back-filled
  from attempts, by each question's current classification (questions.domains).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_tracks",
        sa.Column("chat_key", sa.String(length=100), nullable=False),
        sa.Column("track", sa.String(length=81), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_key"),
    )
    op.drop_table("domain_counts")
    op.create_table(
        "domain_counts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=40), nullable=False),
        sa.Column("blueprint_id", sa.String(length=40), nullable=False),
        sa.Column("domain_id", sa.String(length=40), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "pack_id", "blueprint_id", "domain_id"),
    )
    # Every attempt, under its question's domain of each blueprint ({blueprint: domain}).
    pg = op.get_bind().dialect.name == "postgresql"
    each, kind = ("json_each_text", "json_typeof") if pg else ("json_each", "json_type")
    op.execute(
        f"""
        INSERT INTO domain_counts (user_id, pack_id, blueprint_id, domain_id, answered, correct)
        SELECT a.user_id, q.pack_id, d.key, d.value, count(*),
               sum(CASE WHEN a.correct THEN 1 ELSE 0 END)
        FROM attempts a
        JOIN questions q ON q.id = a.question_id
        JOIN {each}(CASE WHEN {kind}(q.domains) = 'object' THEN q.domains END) d ON 1 = 1
        GROUP BY a.user_id, q.pack_id, d.key, d.value
        """
    )


def downgrade() -> None:
    op.drop_table("domain_counts")
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
    # As 0003 counted them: under the domain each answer was stored with.
    op.execute(
        """
        INSERT INTO domain_counts (user_id, pack_id, domain_id, answered, correct)
        SELECT a.user_id, q.pack_id, a.domain_id, count(*),
               sum(CASE WHEN a.correct THEN 1 ELSE 0 END)
        FROM attempts a JOIN questions q ON q.id = a.question_id
        GROUP BY a.user_id, q.pack_id, a.domain_id
        """
    )
    op.drop_table("chat_tracks")
