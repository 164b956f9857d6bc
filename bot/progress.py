"""Progress you can see: /stats as a report (coverage, domains against the pass mark, weakest
concepts, reviews due, streak, exams, readiness), the numbers of its chart, and /misses.

Everything is read from counters and per-question state whose size is bounded by the bank,
plus the last 30 days of answers grouped per day in the database, so a report costs the same
after a year of answers as after a week (see docs/progress.md).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot import tracks
from bot.bank import Bank, BlueprintData, QuestionData
from bot.errors import AskNotFound
from bot.ports import DomainCounts, Streak
from bot.tutor import Tutor
from bot.views import QuestionView, UserRef

ACTIVITY_DAYS = 30
MISSES = 10
# A concept counts as mastered once answered this often, every question on it seen last
# answered right, and at least this share of its answers right.
MASTERY_ANSWERS = 2
MASTERY_ACCURACY = 0.8
WEAKEST = 3
Z_95 = 1.96


# -- what the store reads ------------------------------------------------------------
@dataclass(frozen=True)
class QuestionProgress:
    """One user's history with one question (the review row: bounded by the bank's size)."""

    question_key: int
    answers: int
    wrong: int
    last_correct: bool


@dataclass(frozen=True)
class ProgressFacts:
    """Everything a report reads, in one round trip."""

    domain_counts: DomainCounts  # (pack, blueprint, domain) -> (answered, right)
    questions: list[QuestionProgress]
    due_reviews: int
    activity: dict[date, tuple[int, int]]  # UTC day -> (answered, right), last 30 days


class ProgressStore(Protocol):
    async def progress_facts(
        self, user_id: int, now: datetime, since: datetime
    ) -> ProgressFacts: ...

    async def recent_misses(self, user_id: int, limit: int) -> list[int]:
        """Question keys of the user's latest wrong answers, newest first, without repeats."""
        ...


# -- the report ------------------------------------------------------------------------
@dataclass(frozen=True)
class DomainProgress:
    id: str
    label: str
    weight: int
    answered: int
    correct: int
    seen: int  # distinct questions of the domain answered
    recent_right: int  # of those, how many were right the last time

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class ConceptProgress:
    id: str
    name: str
    answers: int
    wrong: int

    @property
    def accuracy(self) -> float:
        return (self.answers - self.wrong) / self.answers if self.answers else 0.0


# A range wider than this (in points) says too little to call it either way: a first
# answer gives about 13-80 %.
TOO_WIDE = 40


@dataclass(frozen=True)
class Readiness:
    """Predicted exam score in percent with a 95% range (see docs/progress.md)."""

    predicted: float
    low: float
    high: float
    pass_percent: int

    @property
    def verdict(self) -> str:
        if self.high - self.low > TOO_WIDE:
            return "too early to tell: answer more questions in every domain"
        if self.low >= self.pass_percent:
            return "likely to pass"
        if self.high < self.pass_percent:
            return "not yet at the pass mark"
        return "around the pass mark"


@dataclass(frozen=True)
class DayActivity:
    day: date
    answered: int
    correct: int


@dataclass(frozen=True)
class ExamSummary:
    """One finished exam, for the history."""

    finished_at: datetime
    title: str
    score_percent: int
    passed: bool


ExamHistory = Callable[[UserRef], Awaitable[Sequence[ExamSummary]]]


@dataclass(frozen=True)
class ProgressReport:
    blueprint: str
    pass_percent: int
    answered: int
    correct: int
    seen: int
    total_questions: int
    concepts_mastered: int
    concepts_total: int
    domains: tuple[DomainProgress, ...]
    weakest: tuple[ConceptProgress, ...]
    due_reviews: int
    streak: int
    best_streak: int
    activity: tuple[DayActivity, ...]  # ACTIVITY_DAYS days, oldest first, today last
    readiness: Readiness | None
    exams: tuple[ExamSummary, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class ChartNumbers:
    """Exactly what the chart draws; tests check these rather than pixels."""

    domain_labels: tuple[str, ...]
    domain_percent: tuple[float | None, ...]  # None: no answers in that domain yet
    pass_percent: int
    days: tuple[date, ...]
    answered_per_day: tuple[int, ...]
    correct_per_day: tuple[int, ...]


def chart_numbers(report: ProgressReport) -> ChartNumbers:
    return ChartNumbers(
        domain_labels=tuple(d.label for d in report.domains),
        domain_percent=tuple(
            None if d.accuracy is None else round(100 * d.accuracy, 1) for d in report.domains
        ),
        pass_percent=report.pass_percent,
        days=tuple(a.day for a in report.activity),
        answered_per_day=tuple(a.answered for a in report.activity),
        correct_per_day=tuple(a.correct for a in report.activity),
    )


@dataclass(frozen=True)
class MissView:
    """A question the user got wrong, for /misses: retry it, or read why."""

    question_key: int
    question_id: str
    domain: str
    scenario: str
    right: tuple[str, ...]  # the right options' texts
    explanation: str


# -- computing it ---------------------------------------------------------------------
def readiness(domains: Iterable[DomainProgress], pass_percent: int) -> Readiness | None:
    """Blueprint-weighted mean of each domain's recent accuracy, with a 95% range.

    A domain's recent accuracy is the share of its questions seen whose *last* answer was
    right, smoothed as (right + 1) / (seen + 2) so an untried domain counts as a coin toss
    with a wide range. The range adds each domain's binomial variance weighted by the
    square of its blueprint share.
    """
    rows = [d for d in domains if d.weight > 0]
    total = sum(d.weight for d in rows)
    if not total or not any(d.seen for d in rows):
        return None
    mean = 0.0
    variance = 0.0
    for d in rows:
        share = d.weight / total
        p = (d.recent_right + 1) / (d.seen + 2)
        mean += share * p
        variance += share * share * p * (1 - p) / (d.seen + 2)
    spread = Z_95 * math.sqrt(variance)
    return Readiness(_percent(mean), _percent(mean - spread), _percent(mean + spread), pass_percent)


def _percent(share: float) -> float:
    return max(0.0, min(100.0, round(100 * share, 1)))


def _split(track_key: str) -> tuple[str, str]:
    pack, _, blueprint = track_key.partition("/")
    return pack, blueprint


def build_report(
    bank: Bank,
    track_keys: Iterable[str],
    facts: ProgressFacts,
    streak: Streak,
    today: date,
    utc_today: date,
    exams: tuple[ExamSummary, ...] = (),
) -> ProgressReport:
    """The report over the tracks ("pack/blueprint", or "pack" for its default blueprint),
    each by its blueprint's domains."""
    blueprints: list[BlueprintData] = [
        b
        for b in (tracks.blueprint_of(bank, tracks.Track(*_split(k))) for k in track_keys)
        if b is not None
    ]
    wanted = {b.pack for b in blueprints}
    questions = [q for q in bank.active_questions if q.pack in wanted]
    by_key: dict[int, QuestionData] = {q.key: q for q in questions}
    history = {h.question_key: h for h in facts.questions if h.question_key in by_key}

    domains: list[DomainProgress] = []
    for blueprint in blueprints:
        seen: dict[str, list[QuestionProgress]] = {}
        for key, h in history.items():
            q = by_key[key]
            if q.pack == blueprint.pack:
                seen.setdefault(q.domain_in(blueprint.id) or q.domain, []).append(h)
        for d in blueprint.domains:
            n, c = facts.domain_counts.get((blueprint.pack, blueprint.id, d.id), (0, 0))
            mine = seen.get(d.id, [])
            recent = sum(h.last_correct for h in mine)
            domains.append(DomainProgress(d.id, d.label, d.weight, n, c, len(mine), recent))

    concepts: dict[tuple[str, str], list[QuestionProgress]] = {}
    for key, h in history.items():
        q = by_key[key]
        for slug in q.concepts:
            concepts.setdefault((q.pack, slug), []).append(h)
    track_concepts = {k for k in bank.concepts if k[0] in wanted}
    progress: list[ConceptProgress] = []
    mastered = 0
    for concept, hs in concepts.items():
        if concept not in bank.concepts:
            continue
        answers = sum(h.answers for h in hs)
        wrong = sum(h.wrong for h in hs)
        row = ConceptProgress(concept[1], bank.concepts[concept].name, answers, wrong)
        progress.append(row)
        if (
            answers >= MASTERY_ANSWERS
            and all(h.last_correct for h in hs)
            and row.accuracy >= MASTERY_ACCURACY
        ):
            mastered += 1
    weakest = sorted(
        (p for p in progress if p.wrong),
        key=lambda p: (p.accuracy, -p.answers, p.name),
    )[:WEAKEST]

    days = [utc_today - timedelta(days=back) for back in range(ACTIVITY_DAYS - 1, -1, -1)]
    activity = tuple(DayActivity(d, *facts.activity.get(d, (0, 0))) for d in days)

    pass_percent = blueprints[0].pass_percent if blueprints else 0
    return ProgressReport(
        blueprint="; ".join(b.title for b in blueprints),
        pass_percent=pass_percent,
        answered=sum(d.answered for d in domains),
        correct=sum(d.correct for d in domains),
        seen=len(history),
        total_questions=len(questions),
        concepts_mastered=mastered,
        concepts_total=len(track_concepts),
        domains=tuple(domains),
        weakest=tuple(weakest),
        due_reviews=facts.due_reviews,
        streak=streak.shown_on(today),
        best_streak=streak.best,
        activity=activity,
        readiness=readiness(domains, pass_percent),
        exams=exams,
        notes=tuple(dict.fromkeys(b.note for b in blueprints if b.note)),
    )


class Progress:
    """The /stats report, /misses and retries, beside the Tutor (sharing its store and asks)."""

    def __init__(
        self, tutor: Tutor, store: ProgressStore, exam_history: ExamHistory | None = None
    ) -> None:
        self.tutor = tutor
        self.store = store
        self.exam_history = exam_history  # the user's past exams (bot.exams), newest first

    async def report(self, ref: UserRef, packs: Iterable[str] | None = None) -> ProgressReport:
        """`packs`: the tracks to report ("pack" or "pack/blueprint"; default: the user's
        track)."""
        user = await self.tutor.user(ref)
        bank = await self.tutor.bank()
        now = self.tutor.clock()
        utc_today = now.date()
        since = datetime.combine(
            utc_today - timedelta(days=ACTIVITY_DAYS - 1), datetime.min.time(), now.tzinfo
        )
        facts = await self.store.progress_facts(user.id, now, since)
        streak = Streak(user.streak, user.best_streak, user.streak_date)
        today = now.astimezone(ZoneInfo(user.timezone)).date()
        chosen = list(packs) if packs is not None else [(await self.tutor.track_of(ref)).key]
        exams = tuple(await self.exam_history(ref)) if self.exam_history is not None else ()
        return build_report(bank, chosen, facts, streak, today, utc_today, exams)

    async def misses(self, ref: UserRef, packs: Iterable[str] | None = None) -> list[MissView]:
        """The last MISSES questions answered wrong (newest first), still in the bank."""
        user_id = await self.tutor.user_id(ref)
        bank = await self.tutor.bank()
        blueprint = (await self.tutor.track_of(ref)).blueprint  # cached with the user id
        wanted = set(packs) if packs is not None else set(bank.blueprints)
        out: list[MissView] = []
        for key in await self.store.recent_misses(user_id, 3 * MISSES):
            q = bank.questions.get(key)
            if q is None or q.retired or q.pack not in wanted:
                continue
            out.append(miss_view(bank, q, blueprint))
            if len(out) == MISSES:
                break
        return out

    async def miss(self, ref: UserRef, question_key: int) -> MissView:
        """One question's explanation (a /misses button), its domain named in the track."""
        bank = await self.tutor.bank()
        q = bank.questions.get(question_key)
        if q is None or q.retired:
            raise AskNotFound()
        return miss_view(bank, q, (await self.tutor.track_of(ref)).blueprint)

    async def retry(self, ref: UserRef, question_key: int) -> QuestionView:
        """A new ask of the same question (a /misses button)."""
        bank = await self.tutor.bank()
        q = bank.questions.get(question_key)
        if q is None or q.retired:
            raise AskNotFound()
        user_id = await self.tutor.user_id(ref)
        blueprint = (await self.tutor.track_of(ref)).blueprint  # cached with the user id
        return await self.tutor.ask(q, purpose="retry", user_id=user_id, blueprint=blueprint)


def miss_view(bank: Bank, q: QuestionData, blueprint: str = "") -> MissView:
    """A missed question, its domain named in `blueprint` (the user's track's)."""
    return MissView(
        question_key=q.key,
        question_id=q.id,
        domain=bank.title_in(q, blueprint),
        scenario=q.scenario,
        right=tuple(o.text for o in q.options if o.correct),
        explanation=q.explanation,
    )


# -- a terminal session's summary ------------------------------------------------------
@dataclass
class SessionTally:
    """Answers given in one sitting: printed when the terminal session ends."""

    answered: int = 0
    right: int = 0
    run: int = 0  # right answers in a row, now
    best_run: int = 0
    per_domain: dict[str, tuple[int, int]] = field(default_factory=dict)  # (answered, right)

    def add(self, domain: str, correct: bool) -> None:
        self.answered += 1
        self.right += correct
        self.run = self.run + 1 if correct else 0
        self.best_run = max(self.best_run, self.run)
        n, c = self.per_domain.get(domain, (0, 0))
        self.per_domain[domain] = (n + 1, c + correct)
