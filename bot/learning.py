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
