"""What to ask next, and spaced repetition of answers (py-fsrs)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler

from bot.bank import DomainData, QuestionData
from bot.ports import CardReview, ConceptDue, ReviewState

# Fuzzing off: the same answers at the same times always give the same schedule.
_SCHEDULER = Scheduler(enable_fuzzing=False)


def review(card: dict[str, Any] | None, card_id: int, rating: Rating, now: datetime) -> Card:
    """The card after a review at `now` (a new card when `card` is None)."""
    current = Card.from_dict(card) if card else Card(card_id=card_id, due=now)  # type: ignore[arg-type]
    updated, _log = _SCHEDULER.review_card(current, rating, review_datetime=now)
    return updated


def answer_rating(correct: bool) -> Rating:
    """An answer's rating: Good when right, Again when wrong (Hard: right, but unsure)."""
    return Rating.Good if correct else Rating.Again


def review_concepts(
    question: QuestionData,
    cards: dict[str, dict[str, Any]],
    rating: Rating,
    now: datetime,
) -> tuple[CardReview, ...]:
    """Each concept of the question reviewed at `now` (`cards`: the concepts' cards so far,
    by slug). The card id of a new card is the question's key, as before per concept."""
    reviewed = []
    for concept in dict.fromkeys(question.concepts):
        before = cards.get(concept)
        card = review(before, question.key, rating, now)
        reviewed.append(CardReview(question.pack, concept, dict(card.to_dict()), card.due, before))
    return tuple(reviewed)


# A question is not asked again within this time while anything else is left.
NO_REPEAT = timedelta(days=3)
# While reviews are due, every NEW_EVERY-th question of the day is new material instead.
NEW_EVERY = 4


@dataclass(frozen=True)
class Choice:
    question: QuestionData
    review_of: str | None = None  # the concept id this re-ask reviews; None: not a review


def choose_question(
    candidates: Sequence[QuestionData],
    reviews: Iterable[ReviewState],
    due: Iterable[ConceptDue],
    recent: set[int],
    domains: dict[tuple[str, str], DomainData],
    now: datetime,
    rng: random.Random,
    reviews_left: int | None = None,
    mix_in_new: bool = False,
    blueprint: str = "",
) -> Choice | None:
    """The most useful practice question.

    In order: a concept whose card has come due (spaced repetition, `due`: the user's due
    concept cards), served as a *different* question on that concept than the one that
    last reviewed it (unseen ones first), unless the cap (`reviews_left`, None: no cap) is
    spent or this slot mixes in new material (when `mix_in_new` and an unseen question is
    left); then an unseen question (its domain drawn by the blueprint's weights), then one
    answered wrong last time, then the one seen longest ago. Questions just asked, or
    answered within NO_REPEAT, are skipped while anything else is left.
    """
    if not candidates:
        return None
    states = {r.question_key: r for r in reviews}
    fresh = [
        q
        for q in candidates
        if q.key not in recent
        and (q.key not in states or states[q.key].last_seen_at <= now - NO_REPEAT)
    ]
    pool = fresh or [q for q in candidates if q.key not in recent] or list(candidates)

    unseen = [q for q in pool if q.key not in states]
    capped = reviews_left is not None and reviews_left <= 0
    if not capped and not (mix_in_new and unseen):
        pool_keys = {q.key for q in pool}
        for concept, last in _due_concepts(candidates, due, now):
            found = _other_on_concept(concept, last, pool, states)
            if found is not None:
                return Choice(found, concept)
            if last in pool_keys:
                return Choice(next(q for q in pool if q.key == last), concept)

    if unseen:
        return Choice(_by_blueprint(unseen, domains, rng, blueprint))
    wrong = [q for q in pool if not states[q.key].last_correct]
    if wrong:
        return Choice(min(wrong, key=lambda q: (states[q.key].last_seen_at, q.key)))
    return Choice(min(pool, key=lambda q: (states[q.key].last_seen_at, q.key)))


def _due_concepts(
    candidates: Sequence[QuestionData], due: Iterable[ConceptDue], now: datetime
) -> list[tuple[str, int]]:
    """The candidates' concepts whose cards have come due, earliest first, each with the
    key of the question that last reviewed it."""
    due = [d for d in due if d.due <= now]
    if not due:
        return []
    # Another pack's cards are not this track's (concept slugs are per pack); a concept no
    # candidate teaches any more finds no question below and is passed over.
    packs = {q.pack for q in candidates}
    found = sorted((d.due, d.concept, d.last_question) for d in due if d.pack in packs)
    return [(concept, last) for _due, concept, last in found]


def _other_on_concept(
    concept: str,
    last: int,
    pool: Sequence[QuestionData],
    states: dict[int, ReviewState],
) -> QuestionData | None:
    """Another question of the pool on the concept than `last`: unseen first, then the one
    seen longest ago (a missed question comes back as a different one on its concept)."""
    others = [q for q in pool if q.key != last and concept in q.concepts]
    if not others:
        return None
    return min(
        others,
        key=lambda q: (
            q.key in states,
            states[q.key].last_seen_at if q.key in states else _NEVER,
            q.key,
        ),
    )


_NEVER = datetime.min.replace(tzinfo=UTC)


def round_done(
    candidates: Sequence[QuestionData],
    reviews: Iterable[ReviewState],
    due: Iterable[ConceptDue],
    next_due: datetime | None,
    now: datetime,
) -> datetime | None:
    """The instant the next concept card comes due (`next_due`, the earliest of the pack's
    cards) when every question has been answered, each right the last time, and no concept
    of them is due: then choosing would only cycle through what is known, and the student
    is told so instead. None otherwise."""
    if not candidates or next_due is None:
        return None
    states = {r.question_key: r for r in reviews}
    if any(q.key not in states or not states[q.key].last_correct for q in candidates):
        return None
    if _due_concepts(candidates, due, now) or next_due <= now:
        return None
    return next_due


def _by_blueprint(
    questions: Sequence[QuestionData],
    domains: dict[tuple[str, str], DomainData],
    rng: random.Random,
    blueprint: str = "",
) -> QuestionData:
    """An unseen question, its domain drawn by the weights of `domains`, the domains of
    `blueprint` (the track's; "" for the pack's default)."""
    by_domain: dict[tuple[str, str], list[QuestionData]] = {}
    for q in questions:
        by_domain.setdefault((q.pack, q.domain_in(blueprint) or q.domain), []).append(q)
    keys = sorted(by_domain)
    weights = [domains[k].weight if k in domains else 1 for k in keys]
    chosen = rng.choices(keys, weights=weights)[0]
    return rng.choice(by_domain[chosen])


WEAK_ACCURACY = 0.7
WEAK_MIN_ANSWERS = 3


class DailyPicker:
    """Picks each user's daily question: their most useful one.

    A review that has come due first; otherwise a question from the user's weakest domain
    (answered at least WEAK_MIN_ANSWERS times, under WEAK_ACCURACY right), unseen ones
    first; otherwise an unseen question, its domain drawn by the blueprint's weights;
    otherwise the one seen longest ago. The bank is indexed once, since a sweep picks for
    thousands of users.
    """

    def __init__(
        self,
        candidates: Sequence[QuestionData],
        domains: dict[tuple[str, str], DomainData],
        rng: random.Random,
        blueprint: str = "",
    ) -> None:
        """`domains` and the counters `choose` gets are those of `blueprint` (the track's;
        "" for each pack's default)."""
        self.candidates = list(candidates)
        self.by_key = {q.key: q for q in candidates}
        self.by_domain: dict[tuple[str, str], list[QuestionData]] = {}
        for q in candidates:
            domain = q.domain_in(blueprint) or q.domain
            self.by_domain.setdefault((q.pack, domain), []).append(q)
        self.domain_keys = sorted(self.by_domain)
        self.weights = [domains[k].weight if k in domains else 1 for k in self.domain_keys]
        self.rng = rng

    def choose(
        self,
        reviews: Iterable[ReviewState],
        due: Iterable[ConceptDue],
        domain_counts: dict[tuple[str, str], tuple[int, int]],
        now: datetime,
    ) -> QuestionData | None:
        """`due`: the user's concept cards due at `now`; `domain_counts` maps (pack, domain)
        to the user's (answered, correct)."""
        if not self.by_key:
            return None
        states = {r.question_key: r for r in reviews if r.question_key in self.by_key}
        due_here = _due_concepts(self.candidates, due, now)
        if due_here:
            # A due concept first, as a different question on it where one is left.
            fresh = [
                q
                for q in self.by_key.values()
                if q.key not in states or states[q.key].last_seen_at <= now - NO_REPEAT
            ]
            for concept, last in due_here:
                found = _other_on_concept(concept, last, fresh, states)
                if found is not None:
                    return found
                if last in states and states[last].last_seen_at <= now - NO_REPEAT:
                    return self.by_key[last]
        weak = sorted(
            (correct / answered, key)
            for key, (answered, correct) in domain_counts.items()
            if answered >= WEAK_MIN_ANSWERS and correct / answered < WEAK_ACCURACY
        )
        for _accuracy, domain in weak:
            in_domain = self.by_domain.get(domain, [])
            unseen = [q for q in in_domain if q.key not in states]
            if unseen:
                return self.rng.choice(unseen)
            if in_domain:
                return min(in_domain, key=lambda q: (states[q.key].last_seen_at, q.key))
        if not states:  # a new user: every question is unseen
            domain = self.rng.choices(self.domain_keys, weights=self.weights)[0]
            return self.rng.choice(self.by_domain[domain])
        open_domains = [
            (key, weight)
            for key, weight in zip(self.domain_keys, self.weights, strict=True)
            if any(q.key not in states for q in self.by_domain[key])
        ]
        if open_domains:
            keys, weights = zip(*open_domains, strict=True)
            domain = self.rng.choices(keys, weights=weights)[0]
            return self.rng.choice([q for q in self.by_domain[domain] if q.key not in states])
        return self.by_key[min(states, key=lambda key: (states[key].last_seen_at, key))]
