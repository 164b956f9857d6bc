"""Plain values the core returns; adapters render them for their platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.text import DISPLAY_NAME_MAX, gist, one_line, stars


@dataclass(frozen=True)
class UserRef:
    """Who is speaking: a platform name and that platform's id for the user."""

    platform: str
    external_id: str
    display_name: str = ""

    def __post_init__(self) -> None:
        # A platform's display name may hold anything (NUL, 10,000 characters): it is stored.
        name = one_line(self.display_name, DISPLAY_NAME_MAX)
        if name != self.display_name:
            object.__setattr__(self, "display_name", name)


@dataclass(frozen=True)
class OptionView:
    letter: str
    text: str


@dataclass(frozen=True)
class QuestionView:
    ask_id: int
    question_id: str
    scenario: str
    options: tuple[OptionView, ...]
    select: int
    domain: str  # the domain's short label (or its title when the pack gives none)
    difficulty: int
    purpose: str
    review: str = ""  # "🔁 Review · EBS" on a spaced-repetition re-ask; every renderer shows it

    @property
    def letters(self) -> str:
        return "".join(o.letter for o in self.options)

    @property
    def header(self) -> str:
        """The one-line heading every platform shows: "Resilient design · ★★☆"."""
        return f"{self.domain} · {stars(self.difficulty)}"


@dataclass(frozen=True)
class ConceptView:
    id: str
    name: str
    title: str
    category: str
    summary: str
    explanation: str
    aliases: tuple[str, ...] = ()
    related: tuple[tuple[str, str], ...] = ()  # (concept id, name)


@dataclass(frozen=True)
class OptionFeedback:
    letter: str
    text: str
    why: str
    correct: bool
    chosen: bool


@dataclass(frozen=True)
class Feedback:
    ask_id: int
    question_id: str
    correct: bool
    chosen: tuple[str, ...]
    right: tuple[str, ...]
    options: tuple[OptionFeedback, ...]
    explanation: str
    concepts: tuple[ConceptView, ...]
    purpose: str = "practice"
    streak: int = 0

    def named(self, letters: tuple[str, ...]) -> str:
        """Options by letter and a few words of their text: 'B (“Amazon S3 Glacier…”)'."""
        texts = {o.letter: o.text for o in self.options}
        refs = [f"{x} (“{gist(texts.get(x, ''))}”)" for x in letters]
        if len(refs) <= 1:
            return refs[0] if refs else "nothing"
        return ", ".join(refs[:-1]) + " and " + refs[-1]

    @property
    def verdict(self) -> str:
        """The verdict after the word "Correct!" / "Not quite.", the same on every platform."""
        if self.correct:
            return f"The answer is {self.named(self.right)}."
        return f"You chose {self.named(self.chosen)}; the answer is {self.named(self.right)}."


@dataclass(frozen=True)
class DomainStats:
    id: str
    title: str
    answered: int
    correct: int
    short: str = ""  # a short label from the pack; empty means "use the title"

    @property
    def label(self) -> str:
        return self.short or self.title

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class Stats:
    answered: int
    correct: int
    domains: tuple[DomainStats, ...]
    due_reviews: int = 0
    streak: int = 0
    best_streak: int = 0
    # The exam blueprint(s) the domains come from, and what the pack says about its pass mark
    # (e.g. that the real exam's score is scaled and our percentage approximates it).
    blueprint: str = ""
    notes: tuple[str, ...] = ()

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class GroupAnswer:
    display_name: str
    correct: bool


@dataclass(frozen=True)
class DailySetting:
    enabled: bool
    time: str  # HH:MM
    timezone: str
    next_at: datetime | None = None


@dataclass(frozen=True)
class ImportReport:
    """What an import did, per kind: {"questions": {"added": 3, ...}, ...}."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(
            n for kind in self.counts.values() for what, n in kind.items() if what != "unchanged"
        )

    def lines(self) -> list[str]:
        out = []
        for kind in ("packs", "concepts", "questions"):
            c = self.counts.get(kind, {})
            out.append(
                f"{kind}: {c.get('added', 0)} added, {c.get('updated', 0)} updated, "
                f"{c.get('retired', 0)} retired, {c.get('unchanged', 0)} unchanged"
            )
        if not self.changed:
            out.append("nothing changed")
        return out
