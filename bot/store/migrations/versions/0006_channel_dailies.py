"""channel dailies: a group channel's own daily question

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_dailies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("daily_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ask_id", sa.Integer(), nullable=True),
        sa.Column("message_ref", sa.String(length=100), nullable=True),
        sa.Column("reveal_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ask_id"], ["asks.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "channel", name="uq_channel_daily"),
    )
    with op.batch_alter_table("channel_dailies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_dailies_next_due_at"), ["next_due_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_channel_dailies_reveal_at"), ["reveal_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_dailies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_dailies_reveal_at"))
        batch_op.drop_index(batch_op.f("ix_channel_dailies_next_due_at"))
    op.drop_table("channel_dailies")
