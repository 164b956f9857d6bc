"""The loaded question bank, held in memory: content changes only on import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from bot.content.model import OptionSpec
from bot.views import ConceptView


def lookup_key(label: str) -> str:
    """A name as /explain compares it: lower case, without spaces, hyphens or underscores."""
    return re.sub(r"[\s_\-]+", "", label.lower())


@dataclass(frozen=True)
class DomainData:
    pack: str
    id: str
    title: str
    weight: int
    short: str = ""  # a short label; empty means "use the title"

    @property
    def label(self) -> str:
        return self.short or self.title


@dataclass(frozen=True)
class BlueprintData:
    """One exam blueprint of a pack, its domains in order."""

    pack: str
    id: str
    title: str
    exam_questions: int
    exam_minutes: int
    pass_percent: int
    domains: tuple[DomainData, ...]
    note: str = ""


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
    # {blueprint id: domain id} for every blueprint of the pack; `domain` is the default's
    domains: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def domain_in(self, blueprint: str) -> str | None:
        return self.domains.get(blueprint)


@dataclass
class Bank:
    revision: int = 0
    # The default blueprint's domains of every pack (a question's header falls back to
    # them); a track's own blueprint's domains come from bot.tracks.domains.
    domains: dict[tuple[str, str], DomainData] = field(default_factory=dict)
    # Every blueprint of every pack, per pack, the default first.
    blueprints: dict[str, tuple[BlueprintData, ...]] = field(default_factory=dict)
    concepts: dict[tuple[str, str], ConceptData] = field(default_factory=dict)
    questions: dict[int, QuestionData] = field(default_factory=dict)

    @property
    def active_questions(self) -> list[QuestionData]:
        return [q for q in self.questions.values() if not q.retired]

    @cached_property
    def active_by_pack(self) -> dict[str, list[QuestionData]]:
        """Each pack's active questions (a track's pool), built once per loaded bank."""
        found: dict[str, list[QuestionData]] = {}
        for q in self.active_questions:
            found.setdefault(q.pack, []).append(q)
        return found

    @cached_property
    def concept_lookup(self) -> dict[str, ConceptData]:
        """What `/explain` matches: ids, names and titles first, then aliases, compared
        without case, spaces or hyphens ("cloud front" finds CloudFront)."""
        index: dict[str, ConceptData] = {}
        concepts = sorted(self.concepts.values(), key=lambda c: (c.pack, c.id))
        for concept in concepts:
            for label in (concept.id, concept.name, concept.title):
                index.setdefault(lookup_key(label), concept)
        for concept in concepts:
            for label in concept.aliases:
                index.setdefault(lookup_key(label), concept)
        return index

    @cached_property
    def concept_views(self) -> dict[tuple[str, str], ConceptView]:
        """Each concept card as the view adapters render (built once per loaded bank)."""
        return {key: self._concept_view(c) for key, c in self.concepts.items()}

    def _concept_view(self, concept: ConceptData) -> ConceptView:
        related = tuple(
            (r, self.concepts[(concept.pack, r)].name)
            for r in concept.related
            if (concept.pack, r) in self.concepts
        )
        return ConceptView(
            id=concept.id,
            name=concept.name,
            title=concept.title,
            category=concept.category,
            summary=concept.summary,
            explanation=concept.explanation,
            aliases=concept.aliases,
            related=related,
        )

    def add_blueprints(self, pack: str, blueprints: list[BlueprintData]) -> None:
        """Record a pack's blueprints (the default first) and index its default's domains."""
        self.blueprints[pack] = tuple(blueprints)
        if blueprints:
            for domain in blueprints[0].domains:
                self.domains[(pack, domain.id)] = domain

    def track_blueprint(self, pack: str) -> BlueprintData | None:
        """The pack's default blueprint (a track names its own: bot.tracks.blueprint_of)."""
        found = self.blueprints.get(pack)
        return found[0] if found else None

    def domain_of(self, question: QuestionData, blueprint: str) -> DomainData | None:
        """The question's domain in the blueprint `blueprint` (a track's); the default
        blueprint's for "" or a blueprint not loaded."""
        for b in self.blueprints.get(question.pack, ()):
            if b.id == blueprint:
                domain = question.domain_in(b.id)
                found = next((d for d in b.domains if d.id == domain), None)
                if found is not None:
                    return found
        return self.domains.get((question.pack, question.domain))

    def label_in(self, question: QuestionData, blueprint: str) -> str:
        """The question's header label: its domain's short label in `blueprint`."""
        found = self.domain_of(question, blueprint)
        return found.label if found else question.domain

    def title_in(self, question: QuestionData, blueprint: str) -> str:
        found = self.domain_of(question, blueprint)
        return found.title if found else question.domain
