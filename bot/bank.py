"""The loaded question bank, held in memory: content changes only on import."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content.model import OptionSpec


@dataclass(frozen=True)
class DomainData:
    pack: str
    id: str
    title: str
    weight: int


@dataclass(frozen=True)
class ConceptData:
    pack: str
    id: str
    name: str
    title: str
    category: str
    summary: str
    explanation: str
    aliases: tuple[str, ...]
    related: tuple[str, ...]


@dataclass(frozen=True)
class QuestionData:
    key: int  # database id
    pack: str
    id: str
    domain: str
    concepts: tuple[str, ...]
    difficulty: int
    scenario: str
    options: tuple[OptionSpec, ...]
    select: int
    explanation: str
    retired: bool = False


@dataclass
class Bank:
    revision: int = 0
    domains: dict[tuple[str, str], DomainData] = field(default_factory=dict)
    concepts: dict[tuple[str, str], ConceptData] = field(default_factory=dict)
    questions: dict[int, QuestionData] = field(default_factory=dict)

    @property
    def active_questions(self) -> list[QuestionData]:
        return [q for q in self.questions.values() if not q.retired]

    def domain_title(self, pack: str, domain: str) -> str:
        found = self.domains.get((pack, domain))
        return found.title if found else domain
