"""Load validated content into the database: all-or-nothing, idempotent, history kept."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.content.archive import ArchiveRefused, pack_files
from bot.content.lint import LintResult, Problem, lint_paths, lint_text, lint_texts
from bot.content.model import ConceptSpec, ContentSet, KnownPack, QuestionSpec
from bot.store.models import Attempt, Blueprint, Concept, Domain, DomainCount, Meta, Pack, Question
from bot.store.statements import CONTENT_REVISION
from bot.views import ImportReport


class ImportRefused(Exception):
    """Lint found problems; nothing was changed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


async def known_packs(engine: AsyncEngine) -> dict[str, KnownPack]:
    """What the database holds per pack, so a lone file can be linted against it."""
    async with engine.connect() as conn:
        packs = list(await conn.scalars(select(Pack.id)))
        blueprints = (
            await conn.execute(
                select(Blueprint.pack_id, Blueprint.id).order_by(
                    Blueprint.pack_id, Blueprint.position
                )
            )
        ).all()
        domains = (await conn.execute(select(Domain.pack_id, Domain.blueprint_id, Domain.id))).all()
        concepts = (
            await conn.execute(
                select(Concept.pack_id, Concept.slug, Concept.source).where(
                    Concept.retired.is_(False)
                )
            )
        ).all()
        questions = (
            await conn.execute(
                select(Question.pack_id, Question.slug, Question.source, Question.concepts).where(
                    Question.retired.is_(False)
                )
            )
        ).all()
    result = {}
    for pack in packs:
        c_by_src: dict[str, set[str]] = {}
        for p, slug, src in concepts:
            if p == pack:
                c_by_src.setdefault(src, set()).add(slug)
        q_by_src: dict[str, set[str]] = {}
        q_concepts: dict[str, tuple[str, ...]] = {}
        for p, slug, src, used in questions:
            if p == pack:
                q_by_src.setdefault(src, set()).add(slug)
                q_concepts[slug] = tuple(used)
        result[pack] = KnownPack(
            id=pack,
            blueprints={
                b: frozenset(d for p, bp, d in domains if p == pack and bp == b)
                for p, b in blueprints
                if p == pack
            },
            concepts=frozenset(s for p, s, _ in concepts if p == pack),
            concepts_by_source={k: frozenset(v) for k, v in c_by_src.items()},
            questions_by_source={k: frozenset(v) for k, v in q_by_src.items()},
            question_concepts=q_concepts,
        )
    return result


async def lint_with_database(engine: AsyncEngine | None, paths: Iterable[Path]) -> LintResult:
    known = await known_packs(engine) if engine is not None else {}
    return lint_paths(paths, known)


async def import_paths(engine: AsyncEngine, paths: Iterable[Path]) -> ImportReport:
    """Lint then import; raises ImportRefused (changing nothing) on any problem."""
    result = lint_paths(paths, await known_packs(engine))
    return await _import_checked(engine, result)


async def import_text(engine: AsyncEngine, name: str, text: str) -> ImportReport:
    """Import one uploaded file into the packs already loaded (or a pack file alone)."""
    result = lint_text(name, text, await known_packs(engine))
    return await _import_checked(engine, result)


async def import_archive(engine: AsyncEngine, name: str, data: bytes) -> ImportReport:
    """Import a .zip of a pack folder in one go, all or nothing, like `import_paths`."""
    try:
        files = pack_files(name, data)
    except ArchiveRefused as refused:
        raise ImportRefused([Problem(name, 1, 1, refused.message)]) from None
    known = await known_packs(engine)
    result = lint_texts([(member, text, None) for member, text in files], known)
    return await _import_checked(engine, result)


async def _import_checked(engine: AsyncEngine, result: LintResult) -> ImportReport:
    if not result.ok:
        raise ImportRefused(result.problems)
    async with engine.begin() as conn:
        report = await _apply(conn, result.content, result.whole_packs)
        if report.changed:
            await bump_revision(conn)
    return report


async def _apply(conn: AsyncConnection, content: ContentSet, whole: set[str]) -> ImportReport:
    counts: dict[str, dict[str, int]] = {
        kind: {"added": 0, "updated": 0, "retired": 0, "unchanged": 0}
        for kind in ("packs", "concepts", "questions")
    }
    for pack in content.packs:
        existing = await conn.scalar(select(Pack.content_hash).where(Pack.id == pack.id))
        digest = pack.content_hash()
        if existing == digest:
            counts["packs"]["unchanged"] += 1
            continue
        counts["packs"]["added" if existing is None else "updated"] += 1
        values = {
            "title": pack.title,
            "exam_questions": pack.exam_questions,
            "exam_minutes": pack.exam_minutes,
            "pass_percent": pack.pass_percent,
            "content_hash": digest,
        }
        if existing is None:
            await conn.execute(insert(Pack).values(id=pack.id, **values))
        else:
            await conn.execute(update(Pack).where(Pack.id == pack.id).values(**values))
        await conn.execute(delete(Domain).where(Domain.pack_id == pack.id))
        await conn.execute(delete(Blueprint).where(Blueprint.pack_id == pack.id))
        await conn.execute(
            insert(Blueprint),
            [
                {
                    "pack_id": pack.id, "id": b.id, "title": b.title,
                    "exam_questions": b.exam_questions, "exam_minutes": b.exam_minutes,
                    "pass_percent": b.pass_percent, "note": b.note, "position": i,
                }
                for i, b in enumerate(pack.blueprints)
            ],
        )  # fmt: skip
        await conn.execute(
            insert(Domain),
            [
                {
                    "pack_id": pack.id, "blueprint_id": b.id, "id": d.id, "title": d.title,
                    "short": d.short or "", "weight": d.weight, "position": i,
                }
                for b in pack.blueprints
                for i, d in enumerate(b.domains)
            ],
        )  # fmt: skip

    await _sync_items(conn, Concept, content.concepts, "concepts", content, whole, counts)
    reclassified = await _sync_items(
        conn, Question, content.questions, "questions", content, whole, counts
    )
    for pack_id in sorted(reclassified):
        await _rebuild_domain_counts(conn, pack_id)
    return ImportReport(counts)


async def _rebuild_domain_counts(conn: AsyncConnection, pack_id: str) -> None:
    """Recount the per-user domain counters of a pack whose questions changed domain in any
    blueprint (a reclassification, a blueprint added): statistics follow the bank as it is
    classified now, in every blueprint (questions.domains, {blueprint: domain}, as the
    answer path counts). Rare (an admin's import), so one grouped pass over the answers."""
    await conn.execute(delete(DomainCount).where(DomainCount.pack_id == pack_id))
    right = func.sum(case((Attempt.correct, 1), else_=0))
    each_fn = func.json_each_text if conn.dialect.name == "postgresql" else func.json_each
    each = each_fn(Question.domains).table_valued("key", "value", name="in_blueprint")
    answers = (
        select(Attempt.user_id, Question.pack_id, each.c.key, each.c.value, func.count(), right)
        .select_from(Attempt)
        .join(Question, Question.id == Attempt.question_id)
        .join(each, true())
        .where(Question.pack_id == pack_id)
        .group_by(Attempt.user_id, Question.pack_id, each.c.key, each.c.value)
    )
    columns = ["user_id", "pack_id", "blueprint_id", "domain_id", "answered", "correct"]
    await conn.execute(insert(DomainCount).from_select(columns, answers))


def _concept_row(spec: ConceptSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "title": spec.title,
        "aliases": list(spec.aliases),
        "category": spec.category,
        "summary": spec.summary,
        "explanation": spec.explanation,
        "related": list(spec.related),
    }


def _question_row(spec: QuestionSpec) -> dict[str, Any]:
    return {
        "domain_id": spec.domain,
        "domains": dict(spec.domains),
        "concepts": list(spec.concepts),
        "difficulty": spec.difficulty,
        "scenario": spec.scenario,
        "options": [asdict(o) for o in spec.options],
        "select_count": spec.select,
        "explanation": spec.explanation,
    }


async def _sync_items(
    conn: AsyncConnection,
    model: type[Concept] | type[Question],
    specs: Sequence[ConceptSpec | QuestionSpec],
    kind: str,
    content: ContentSet,
    whole: set[str],
    counts: dict[str, dict[str, int]],
) -> set[str]:
    """Add, update and retire items; the packs in which a question changed domain."""
    tally = counts[kind]
    reclassified: set[str] = set()
    packs = (
        {s.pack for s in specs} | whole | {p for (p, _src), k in content.files.items() if kind in k}
    )
    for pack in sorted(packs):
        domain = Question.domain_id if model is Question else literal(None)
        in_blueprints = Question.domains if model is Question else literal(None)
        rows = await conn.execute(
            select(
                model.id, model.slug, model.content_hash, model.retired, model.source,
                domain.label("domain_id"), in_blueprints.label("domains"),
            ).where(model.pack_id == pack)
        )  # fmt: skip
        existing = {r.slug: r for r in rows}
        present = set()
        inserts = []
        for spec in (s for s in specs if s.pack == pack):
            present.add(spec.id)
            digest = spec.content_hash()
            fields = _concept_row(spec) if isinstance(spec, ConceptSpec) else _question_row(spec)
            fields |= {"content_hash": digest, "source": spec.source, "retired": False}
            old = existing.get(spec.id)
            if old is None:
                inserts.append({"pack_id": pack, "slug": spec.id, **fields})
                tally["added"] += 1
            elif old.content_hash != digest or old.retired or old.source != spec.source:
                await conn.execute(update(model).where(model.id == old.id).values(**fields))
                tally["updated"] += 1
                if model is Question and (
                    old.domain_id != fields["domain_id"] or old.domains != fields["domains"]
                ):  # moved in any blueprint: the counters are recounted
                    reclassified.add(pack)
            else:
                tally["unchanged"] += 1
        if inserts:
            await conn.execute(insert(model), inserts)
        sources = {src for (p, src), k in content.files.items() if p == pack and kind in k}
        vanished = [
            r.id
            for slug, r in existing.items()
            if slug not in present and not r.retired and (pack in whole or r.source in sources)
        ]
        if vanished:
            await conn.execute(update(model).where(model.id.in_(vanished)).values(retired=True))
            tally["retired"] += len(vanished)
    return reclassified


async def bump_revision(conn: AsyncConnection) -> None:
    current = await conn.scalar(select(Meta.value).where(Meta.key == CONTENT_REVISION))
    if current is None:
        await conn.execute(insert(Meta).values(key=CONTENT_REVISION, value="1"))
    else:
        await conn.execute(
            update(Meta).where(Meta.key == CONTENT_REVISION).values(value=str(int(current) + 1))
        )


async def has_content(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return (await conn.scalar(select(Pack.id).limit(1))) is not None
