"""Validated content: what a YAML pack means once lint has accepted it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class DomainSpec:
    id: str
    title: str
    weight: int


@dataclass(frozen=True)
class PackSpec:
    id: str
    title: str
    exam_questions: int
    exam_minutes: int
    pass_percent: int
    domains: tuple[DomainSpec, ...]
    source: str = ""

    def content_hash(self) -> str:
        return _hash({k: v for k, v in asdict(self).items() if k != "source"})


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
    domain: str
    concepts: tuple[str, ...]
    difficulty: int
    scenario: str
    options: tuple[OptionSpec, ...]
    select: int
    explanation: str
    source: str = ""

    def content_hash(self) -> str:
        return _hash({k: v for k, v in asdict(self).items() if k != "source"})


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
    domains: frozenset[str]
    concepts: frozenset[str]
    # concept/question ids by the file they came from, to know what a re-upload retires
    concepts_by_source: dict[str, frozenset[str]] = field(default_factory=dict)
    questions_by_source: dict[str, frozenset[str]] = field(default_factory=dict)
    question_concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=list).encode()).hexdigest()
