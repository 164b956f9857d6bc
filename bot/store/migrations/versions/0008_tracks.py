"""tracks: what a user studies (users.track) and their daily review cap (users.review_cap)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("track", sa.String(length=81), nullable=True))
        batch_op.add_column(
            sa.Column("review_cap", sa.Integer(), server_default="30", nullable=False)
        )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not batch mode: batch mode would copy and
    # drop `users`, and with foreign keys on, dropping it deletes every user's history.
    op.drop_column("users", "review_cap")
    op.drop_column("users", "track")
