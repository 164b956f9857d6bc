"""What to ask next, and spaced repetition of answers (py-fsrs)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
    recent: set[int],
    domains: dict[tuple[str, str], DomainData],
    now: datetime,
    rng: random.Random,
    reviews_left: int | None = None,
    mix_in_new: bool = False,
    blueprint: str = "",
) -> Choice | None:
    """The most useful practice question.

    In order: a concept that has come due (spaced repetition), served as a *different*
    question on that concept than the one answered (unseen ones first), unless the cap
    (`reviews_left`, None: no cap) is spent or this slot mixes in new material (when
    `mix_in_new` and an unseen question is left); then an
    unseen question (its domain drawn by the blueprint's weights), then one answered wrong
    last time, then the one seen longest ago. Questions just asked, or answered within
    NO_REPEAT, are skipped while anything else is left.
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
        for concept, answered in _due_concepts(candidates, states, now):
            found = _other_on_concept(concept, answered, pool, states)
            if found is not None:
                return Choice(found, concept)
            if answered in pool:
                return Choice(answered, concept)

    if unseen:
        return Choice(_by_blueprint(unseen, domains, rng, blueprint))
    wrong = [q for q in pool if not states[q.key].last_correct]
    if wrong:
        return Choice(min(wrong, key=lambda q: (states[q.key].last_seen_at, q.key)))
    return Choice(min(pool, key=lambda q: (states[q.key].last_seen_at, q.key)))


def _due_concepts(
    candidates: Sequence[QuestionData], states: dict[int, ReviewState], now: datetime
) -> list[tuple[str, QuestionData]]:
    """The concepts that have come due, earliest first, each with the question it was last
    answered by. A concept's schedule is the card of its latest answered question, so
    answering any question on a concept reviews it (per-question cards stored; see README)."""
    latest: dict[str, QuestionData] = {}
    for q in candidates:
        state = states.get(q.key)
        if state is None:
            continue
        for c in q.concepts:
            held = latest.get(c)
            if held is None or (states[held.key].last_seen_at, held.key) < (
                state.last_seen_at,
                q.key,
            ):
                latest[c] = q
    due = [(states[q.key].due, c, q) for c, q in latest.items() if states[q.key].due <= now]
    return [(c, q) for _due, c, q in sorted(due, key=lambda x: (x[0], x[1]))]


def _other_on_concept(
    concept: str,
    answered: QuestionData,
    pool: Sequence[QuestionData],
    states: dict[int, ReviewState],
) -> QuestionData | None:
    """Another question of the pool on the concept: unseen first, then the one seen longest
    ago (a missed question comes back as a different one on its concept)."""
    others = [q for q in pool if q.key != answered.key and concept in q.concepts]
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
    candidates: Sequence[QuestionData], reviews: Iterable[ReviewState], now: datetime
) -> datetime | None:
    """The instant the next review comes due when every question has been answered, each
    right the last time, and none is due yet: then choosing would only cycle through what
    is known, and the student is told so instead. None otherwise."""
    if not candidates:
        return None
    states = {r.question_key: r for r in reviews}
    if any(q.key not in states for q in candidates):
        return None
    mine = [states[q.key] for q in candidates]
    if any(s.due <= now or not s.last_correct for s in mine):
        return None
    return min(s.due for s in mine)


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
        domain_counts: dict[tuple[str, str], tuple[int, int]],
        now: datetime,
    ) -> QuestionData | None:
        """`domain_counts` maps (pack, domain) to the user's (answered, correct)."""
        if not self.by_key:
            return None
        states = {r.question_key: r for r in reviews if r.question_key in self.by_key}
        if any(state.due <= now for state in states.values()):
            # A due concept first, as a different question on it where one is left.
            answered = [self.by_key[key] for key in states]
            fresh = [
                q
                for q in self.by_key.values()
                if q.key not in states or states[q.key].last_seen_at <= now - NO_REPEAT
            ]
            for concept, last in _due_concepts(answered, states, now):
                found = _other_on_concept(concept, last, fresh, states)
                if found is not None:
                    return found
                if states[last.key].last_seen_at <= now - NO_REPEAT:
                    return last
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
