"""The mini pack written as the importer of schema 0002 wrote it, for migration tests that
start from an old database (today's importer needs today's schema)."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.content.lint import lint_paths
from tests.conftest import MINIPACK

_domains_0002 = sa.table(
    "domains",
    sa.column("pack_id"), sa.column("id"), sa.column("title"), sa.column("weight"),
    sa.column("position"),
)  # fmt: skip
_packs_0002 = sa.table(
    "packs",
    sa.column("id"), sa.column("title"), sa.column("exam_questions"),
    sa.column("exam_minutes"), sa.column("pass_percent"), sa.column("content_hash"),
)  # fmt: skip
_questions_0002 = sa.table(
    "questions",
    sa.column("pack_id"), sa.column("slug"), sa.column("domain_id"), sa.column("concepts", sa.JSON),
    sa.column("difficulty"), sa.column("scenario"), sa.column("options", sa.JSON),
    sa.column("select_count"), sa.column("explanation"), sa.column("source"),
    sa.column("content_hash"), sa.column("retired"),
)  # fmt: skip


def _seed_0002(conn: Connection) -> None:
    """The mini pack as the importer before blueprints wrote it (concepts are not needed)."""
    content = lint_paths([MINIPACK]).content
    (pack,) = content.packs
    conn.execute(
        sa.insert(_packs_0002).values(
            id=pack.id, title=pack.title, exam_questions=pack.exam_questions,
            exam_minutes=pack.exam_minutes, pass_percent=pack.pass_percent,
            content_hash=pack.content_hash(),
        )
    )  # fmt: skip
    conn.execute(
        sa.insert(_domains_0002),
        [
            {"pack_id": pack.id, "id": d.id, "title": d.title, "weight": d.weight, "position": i}
            for i, d in enumerate(pack.domains)
        ],
    )
    conn.execute(
        sa.insert(_questions_0002),
        [
            {
                "pack_id": q.pack, "slug": q.id, "domain_id": q.domain,
                "concepts": list(q.concepts), "difficulty": q.difficulty,
                "scenario": q.scenario, "options": [asdict(o) for o in q.options],
                "select_count": q.select, "explanation": q.explanation, "source": q.source,
                "content_hash": q.content_hash(), "retired": False,
            }
            for q in content.questions
        ],
    )  # fmt: skip
