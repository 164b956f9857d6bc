"""Validated content: what a YAML pack means once lint has accepted it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

# The blueprint id a pack written in the old single-blueprint form gets.
SINGLE_BLUEPRINT_ID = "main"


@dataclass(frozen=True)
class DomainSpec:
    id: str
    title: str
    weight: int
    short: str | None = None  # a short label; None means "use the title"

    @property
    def label(self) -> str:
        return self.short or self.title


@dataclass(frozen=True)
class BlueprintSpec:
    """One exam blueprint: its shape and its weighted domains."""

    id: str
    title: str
    exam_questions: int
    exam_minutes: int
    pass_percent: int
    domains: tuple[DomainSpec, ...]
    note: str = ""


@dataclass(frozen=True)
class PackSpec:
    id: str
    title: str
    blueprints: tuple[BlueprintSpec, ...]  # the first is the default
    source: str = ""
    single_form: bool = False  # written in the old form (`exam:` and `domains:` under `pack:`)

    @property
    def default(self) -> BlueprintSpec:
        return self.blueprints[0]

    @property
    def exam_questions(self) -> int:
        return self.default.exam_questions

    @property
    def exam_minutes(self) -> int:
        return self.default.exam_minutes

    @property
    def pass_percent(self) -> int:
        return self.default.pass_percent

    @property
    def domains(self) -> tuple[DomainSpec, ...]:
        return self.default.domains

    def content_hash(self) -> str:
        bp = self.default
        if self.single_form and not bp.note and all(d.short is None for d in bp.domains):
            # The shape hashed before packs had blueprints, so an old pack stays unchanged.
            return _hash(
                {
                    "id": self.id,
                    "title": self.title,
                    "exam_questions": bp.exam_questions,
                    "exam_minutes": bp.exam_minutes,
                    "pass_percent": bp.pass_percent,
                    "domains": [
                        {"id": d.id, "title": d.title, "weight": d.weight} for d in bp.domains
                    ],
                }
            )
        return _hash({k: v for k, v in asdict(self).items() if k not in ("source", "single_form")})


@dataclass(frozen=True)
class ConceptSpec:
    pack: str
    id: str
    name: str
    title: str
    category: str
    summary: str
    explanation: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    source: str = ""

    def content_hash(self) -> str:
        return _hash({k: v for k, v in asdict(self).items() if k != "source"})


@dataclass(frozen=True)
class OptionSpec:
    text: str
    why: str
    correct: bool = False


@dataclass(frozen=True)
class QuestionSpec:
    pack: str
    id: str
    domain: str  # the domain in the pack's default blueprint
    concepts: tuple[str, ...]
    difficulty: int
    scenario: str
    options: tuple[OptionSpec, ...]
    select: int
    explanation: str
    source: str = ""
    # (blueprint id, domain id) for every blueprint of the pack, the default first
    domains: tuple[tuple[str, str], ...] = ()

    def content_hash(self) -> str:
        skip = {"source"} if len(self.domains) > 1 else {"source", "domains"}
        # With one blueprint `domain` says it all, so single-blueprint hashes stay as before.
        return _hash({k: v for k, v in asdict(self).items() if k not in skip})


@dataclass
class ContentSet:
    """Everything read from a set of files, after validation."""

    packs: list[PackSpec] = field(default_factory=list)
    concepts: list[ConceptSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    # Which kinds each source file declared, per pack: {(pack, source): {"concepts", ...}}.
    files: dict[tuple[str, str], set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class KnownPack:
    """What the database already holds for a pack, so a lone file can be checked against it."""

    id: str
    # blueprint id -> its domain ids, the default blueprint first
    blueprints: dict[str, frozenset[str]]
    concepts: frozenset[str]
    # concept/question ids by the file they came from, to know what a re-upload retires
    concepts_by_source: dict[str, frozenset[str]] = field(default_factory=dict)
    questions_by_source: dict[str, frozenset[str]] = field(default_factory=dict)
    question_concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def domains(self) -> frozenset[str]:
        """The default blueprint's domain ids."""
        return next(iter(self.blueprints.values()), frozenset())


def _hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=list).encode()).hexdigest()
