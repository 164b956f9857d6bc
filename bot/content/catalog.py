"""What the database holds, pack by pack, and retiring a whole pack: `tutor content list` and
`tutor content retire PACK`, and the same as `/content` for admins in chat.

The text is shaped here once (plain text, short lines) so that every adapter shows the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.content.importer import bump_revision
from bot.store.models import Blueprint, Concept, Pack, Question
from bot.store.statements import content_revision as content_revision_query


@dataclass(frozen=True)
class BlueprintLine:
    id: str
    title: str
    questions: int  # exam length
    minutes: int
    pass_percent: int


@dataclass(frozen=True)
class PackLine:
    id: str
    title: str
    questions: int  # active
    retired_questions: int
    concepts: int  # active
    blueprints: tuple[BlueprintLine, ...]  # the default first

    @property
    def retired(self) -> bool:
        """Every question retired: no student is asked anything from it."""
        return self.questions == 0 and self.retired_questions > 0


@dataclass(frozen=True)
class Catalog:
    revision: int
    packs: tuple[PackLine, ...]

    def find(self, pack_id: str) -> PackLine | None:
        return next((p for p in self.packs if p.id == pack_id), None)


@dataclass(frozen=True)
class Retired:
    pack: str
    questions: int
    concepts: int
    revision: int


class UnknownPack(LookupError):
    def __init__(self, pack_id: str, known: list[str]) -> None:
        listed = ", ".join(known) if known else "none is loaded"
        super().__init__(f"there is no pack {pack_id!r} (packs: {listed})")
        self.message = str(self)


async def catalog(engine: AsyncEngine) -> Catalog:
    """Every pack with its blueprints, active and retired counts, and the content revision."""
    async with engine.connect() as conn:
        revision = int(await conn.scalar(content_revision_query()) or 0)
        packs = (await conn.execute(select(Pack.id, Pack.title).order_by(Pack.id))).all()
        counts: dict[str, dict[str, int]] = {}
        for model, kind in ((Question, "questions"), (Concept, "concepts")):
            active = func.sum(case((model.retired.is_(False), 1), else_=0))
            rows = await conn.execute(
                select(model.pack_id, active, func.count()).group_by(model.pack_id)
            )
            for pack_id, live, total in rows:
                counts.setdefault(pack_id, {})[kind] = int(live or 0)
                counts[pack_id][f"retired_{kind}"] = int(total) - int(live or 0)
        blueprints: dict[str, list[BlueprintLine]] = {}
        rows = await conn.execute(
            select(
                Blueprint.pack_id, Blueprint.id, Blueprint.title, Blueprint.exam_questions,
                Blueprint.exam_minutes, Blueprint.pass_percent,
            ).order_by(Blueprint.pack_id, Blueprint.position)
        )  # fmt: skip
        for pack_id, *fields in rows:
            blueprints.setdefault(pack_id, []).append(BlueprintLine(*fields))
    return Catalog(
        revision,
        tuple(
            PackLine(
                id=pack_id,
                title=title,
                questions=counts.get(pack_id, {}).get("questions", 0),
                retired_questions=counts.get(pack_id, {}).get("retired_questions", 0),
                concepts=counts.get(pack_id, {}).get("concepts", 0),
                blueprints=tuple(blueprints.get(pack_id, [])),
            )
            for pack_id, title in packs
        ),
    )


async def retire_pack(engine: AsyncEngine, pack_id: str) -> Retired:
    """Retire every question and concept of a pack in one transaction. Students' history is
    kept; importing the pack again brings it back."""
    async with engine.begin() as conn:
        known = list((await conn.scalars(select(Pack.id).order_by(Pack.id))).all())
        if pack_id not in known:
            raise UnknownPack(pack_id, known)
        retired = {}
        for model, kind in ((Question, "questions"), (Concept, "concepts")):
            result = await conn.execute(
                update(model)
                .where(model.pack_id == pack_id, model.retired.is_(False))
                .values(retired=True)
            )
            retired[kind] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if any(retired.values()):
            await bump_revision(conn)
        revision = int(await conn.scalar(content_revision_query()) or 0)
    return Retired(pack_id, retired["questions"], retired["concepts"], revision)


def catalog_text(c: Catalog) -> str:
    """The catalogue as plain lines that fit a phone (about 35 characters wide)."""
    if not c.packs:
        return "No pack is loaded. Import one with `tutor content import PATH`."
    lines = [f"Content revision {c.revision}"]
    for pack in c.packs:
        state = " (retired)" if pack.retired else ""
        lines.append("")
        lines.append(f"{pack.id}{state}: {pack.title}")
        counts = f"  {pack.questions} questions, {pack.concepts} concepts"
        if pack.retired_questions:
            counts += f", {pack.retired_questions} retired questions"
        lines.append(counts)
        for index, b in enumerate(pack.blueprints):
            default = " (default)" if index == 0 and len(pack.blueprints) > 1 else ""
            lines.append(
                f"  · {b.id}{default}: {b.questions} questions, {b.minutes} min, "
                f"pass {b.pass_percent}%"
            )
    return "\n".join(lines)


def retired_text(r: Retired) -> str:
    if not r.questions and not r.concepts:
        return f"Pack {r.pack} was already retired; nothing changed."
    return (
        f"Retired pack {r.pack}: {r.questions} questions and {r.concepts} concepts are no "
        f"longer asked (content revision {r.revision}). Students' history is kept; "
        "import the pack again to bring it back."
    )
