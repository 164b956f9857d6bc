"""exam blueprints: several per pack, domains per blueprint, questions classified in each

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 08:10:00

The single blueprint every pack had so far (its exam numbers and domains) becomes that
pack's blueprint "main"; each question's domain becomes its domain in "main". Attempts keep
their domain ids as answered, so history stays valid.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SINGLE_BLUEPRINT_ID = "main"  # as bot.content.model.SINGLE_BLUEPRINT_ID, frozen here

_old_domains = sa.table(
    "domains",
    sa.column("pack_id", sa.String),
    sa.column("id", sa.String),
    sa.column("title", sa.String),
    sa.column("weight", sa.Integer),
    sa.column("position", sa.Integer),
)
_packs = sa.table(
    "packs",
    sa.column("id", sa.String),
    sa.column("title", sa.String),
    sa.column("exam_questions", sa.Integer),
    sa.column("exam_minutes", sa.Integer),
    sa.column("pass_percent", sa.Integer),
)
_questions = sa.table(
    "questions",
    sa.column("id", sa.Integer),
    sa.column("pack_id", sa.String),
    sa.column("domain_id", sa.String),
    sa.column("domains", sa.JSON),
)


def _create_domains(with_blueprint: bool) -> sa.Table:
    key = ["pack_id", "blueprint_id", "id"] if with_blueprint else ["pack_id", "id"]
    extra = (
        [
            sa.Column("blueprint_id", sa.String(length=40), nullable=False),
            sa.Column("short", sa.String(length=24), nullable=False),
        ]
        if with_blueprint
        else []
    )
    return op.create_table(
        "domains",
        sa.Column("pack_id", sa.String(length=40), nullable=False),
        *extra,
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pack_id"], ["packs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*key),
    )


def upgrade() -> None:
    conn = op.get_bind()
    blueprints = op.create_table(
        "blueprints",
        sa.Column("pack_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("exam_questions", sa.Integer(), nullable=False),
        sa.Column("exam_minutes", sa.Integer(), nullable=False),
        sa.Column("pass_percent", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pack_id"], ["packs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pack_id", "id"),
    )
    packs = conn.execute(sa.select(_packs)).all()
    if packs:
        conn.execute(
            sa.insert(blueprints),
            [
                {
                    "pack_id": p.id, "id": SINGLE_BLUEPRINT_ID, "title": p.title,
                    "exam_questions": p.exam_questions, "exam_minutes": p.exam_minutes,
                    "pass_percent": p.pass_percent, "note": "", "position": 0,
                }
                for p in packs
            ],
        )  # fmt: skip

    # The primary key gains blueprint_id: rebuild the small domains table on both databases.
    domains = [dict(r._mapping) for r in conn.execute(sa.select(_old_domains))]
    op.drop_table("domains")
    new_domains = _create_domains(with_blueprint=True)
    if domains:
        conn.execute(
            sa.insert(new_domains),
            [d | {"blueprint_id": SINGLE_BLUEPRINT_ID, "short": ""} for d in domains],
        )

    op.add_column("questions", sa.Column("domains", sa.JSON(), nullable=True))
    for qid, domain in conn.execute(sa.select(_questions.c.id, _questions.c.domain_id)).all():
        conn.execute(
            sa.update(_questions)
            .where(_questions.c.id == qid)
            .values(domains={SINGLE_BLUEPRINT_ID: domain})
        )


def downgrade() -> None:
    conn = op.get_bind()
    new_domains = sa.table(
        "domains",
        sa.column("pack_id", sa.String),
        sa.column("blueprint_id", sa.String),
        sa.column("id", sa.String),
        sa.column("title", sa.String),
        sa.column("weight", sa.Integer),
        sa.column("position", sa.Integer),
    )
    default = sa.table("blueprints", sa.column("pack_id"), sa.column("id"), sa.column("position"))
    # Only the default blueprint's domains fit the old shape; questions keep domain_id.
    rows = conn.execute(
        sa.select(
            new_domains.c.pack_id, new_domains.c.id, new_domains.c.title,
            new_domains.c.weight, new_domains.c.position,
        ).join(
            default,
            sa.and_(
                default.c.pack_id == new_domains.c.pack_id,
                default.c.id == new_domains.c.blueprint_id,
                default.c.position == 0,
            ),
        )
    ).all()  # fmt: skip
    op.drop_table("domains")
    old = _create_domains(with_blueprint=False)
    if rows:
        conn.execute(sa.insert(old), [dict(r._mapping) for r in rows])
    # Not batch mode: rebuilding questions on SQLite would trip the foreign keys of asks,
    # attempts and reviews; SQLite 3.35+ drops a plain column in place.
    op.drop_column("questions", "domains")
    op.drop_table("blueprints")
