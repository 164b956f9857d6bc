"""What to ask next, and spaced repetition of answers (py-fsrs)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

from bot.bank import DomainData, QuestionData
from bot.ports import ReviewState

# Fuzzing off: the same answers at the same times always give the same schedule.
_SCHEDULER = Scheduler(enable_fuzzing=False)


def review(card: dict[str, Any] | None, card_id: int, correct: bool, now: datetime) -> Card:
    """The card after this answer: Good when right, Again when wrong."""
    current = Card.from_dict(card) if card else Card(card_id=card_id, due=now)  # type: ignore[arg-type]
    updated, _log = _SCHEDULER.review_card(
        current, Rating.Good if correct else Rating.Again, review_datetime=now
    )
    return updated


def choose_question(
    candidates: Sequence[QuestionData],
    reviews: Iterable[ReviewState],
    recent: set[int],
    domains: dict[tuple[str, str], DomainData],
    now: datetime,
    rng: random.Random,
) -> QuestionData | None:
    """The most useful practice question.

    In order: a review that has come due (spaced repetition of what was learned), then an
    unseen question (its domain drawn by the blueprint's weights), then one answered wrong
    last time, then the one seen longest ago. Questions just asked are skipped while
    anything else is left.
    """
    if not candidates:
        return None
    pool = [q for q in candidates if q.key not in recent] or list(candidates)
    states = {r.question_key: r for r in reviews}

    due = [q for q in pool if q.key in states and states[q.key].due <= now]
    if due:
        return min(due, key=lambda q: (states[q.key].due, q.key))

    unseen = [q for q in pool if q.key not in states]
    if unseen:
        return _by_blueprint(unseen, domains, rng)

    wrong = [q for q in pool if not states[q.key].last_correct]
    if wrong:
        return min(wrong, key=lambda q: (states[q.key].last_seen_at, q.key))
    return min(pool, key=lambda q: (states[q.key].last_seen_at, q.key))


def _by_blueprint(
    questions: Sequence[QuestionData],
    domains: dict[tuple[str, str], DomainData],
    rng: random.Random,
) -> QuestionData:
    by_domain: dict[tuple[str, str], list[QuestionData]] = {}
    for q in questions:
        by_domain.setdefault((q.pack, q.domain), []).append(q)
    keys = sorted(by_domain)
    weights = [domains[k].weight if k in domains else 1 for k in keys]
    chosen = rng.choices(keys, weights=weights)[0]
    return rng.choice(by_domain[chosen])


WEAK_ACCURACY = 0.7
WEAK_MIN_ANSWERS = 3


def choose_daily(
    candidates: Sequence[QuestionData],
    reviews: Iterable[ReviewState],
    domain_counts: dict[tuple[str, str], tuple[int, int]],
    domains: dict[tuple[str, str], DomainData],
    now: datetime,
    rng: random.Random,
) -> QuestionData | None:
    """The day's question: the user's most useful one.

    A review that has come due first; otherwise a question from the user's weakest domain
    (answered at least WEAK_MIN_ANSWERS times, under WEAK_ACCURACY right), unseen ones
    first; otherwise an unseen question drawn by the blueprint's weights; otherwise the one
    seen longest ago. `domain_counts` maps (pack, domain) to (answered, correct).
    """
    if not candidates:
        return None
    states = {r.question_key: r for r in reviews}
    due = [q for q in candidates if q.key in states and states[q.key].due <= now]
    if due:
        return min(due, key=lambda q: (states[q.key].due, q.key))
    weak = sorted(
        (correct / answered, key)
        for key, (answered, correct) in domain_counts.items()
        if answered >= WEAK_MIN_ANSWERS and correct / answered < WEAK_ACCURACY
    )
    for _accuracy, key in weak:
        in_domain = [q for q in candidates if (q.pack, q.domain) == key]
        unseen = [q for q in in_domain if q.key not in states]
        if unseen:
            return rng.choice(unseen)
        if in_domain:
            return min(in_domain, key=lambda q: (states[q.key].last_seen_at, q.key))
    unseen = [q for q in candidates if q.key not in states]
    if unseen:
        return _by_blueprint(unseen, domains, rng)
    return min(candidates, key=lambda q: (states[q.key].last_seen_at, q.key))
