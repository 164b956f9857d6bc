"""Which question a user gets as their daily one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.learning import DailyPicker
from bot.ports import ConceptDue, ReviewState
from tests.fakes import make_bank

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def state(key: int, correct: bool, seen_h_ago: float) -> ReviewState:
    return ReviewState(key, correct, NOW - timedelta(hours=seen_h_ago))


def due(concept: str, due_in_h: float, last_question: int) -> ConceptDue:
    return ConceptDue("p", concept, NOW + timedelta(hours=due_in_h), last_question)


def picker(questions: int = 6) -> DailyPicker:
    bank = make_bank(questions)
    return DailyPicker(bank.active_questions, bank.domains, random.Random(3))


def test_a_due_concept_comes_first_as_another_question_on_it() -> None:
    # question 4 (S3, Glacier) was missed and is due; questions 2 and 6 share its concepts
    reviews = [state(1, correct=True, seen_h_ago=100), state(4, False, 30)]
    cards = [due("glacier", -1, last_question=4), due("s3", -1, last_question=4)]
    chosen = picker().choose(reviews, cards, {}, NOW)
    assert chosen is not None and chosen.key in (2, 6)  # Glacier's other questions, unseen


def test_no_due_concept_card_gives_new_material() -> None:
    # question 4 was missed, but question 2 on the same concepts was answered after it,
    # so the concepts' cards are not due
    reviews = [state(2, correct=True, seen_h_ago=1), state(4, False, 30)]
    counts = {("p", "security"): (4, 4), ("p", "design"): (5, 5)}
    chosen = picker().choose(reviews, [], counts, NOW)
    assert chosen is not None and chosen.key not in (2, 4)  # new material instead


def test_then_the_weakest_domain_unseen_first() -> None:
    # keys 2, 4, 6 are in 'security'; two of them seen and not yet due
    reviews = [state(2, False, 10), state(4, False, 20)]
    counts = {("p", "security"): (4, 1), ("p", "design"): (5, 5)}
    assert picker().choose(reviews, [], counts, NOW).key == 6  # type: ignore[union-attr]


def test_new_users_get_unseen_questions_by_the_blueprint() -> None:
    chosen = [picker().choose([], [], {}, NOW) for _ in range(1)]
    p = picker(40)
    domains = [p.choose([], [], {}, NOW).domain for _ in range(2000)]  # type: ignore[union-attr]
    share = domains.count("design") / len(domains)
    assert chosen[0] is not None and 0.62 < share < 0.78  # weights 70 / 30


def test_everything_seen_and_nothing_due_gives_the_longest_unseen() -> None:
    reviews = [state(k, True, seen_h_ago=k) for k in range(1, 7)]
    assert picker().choose(reviews, [], {}, NOW).key == 6  # type: ignore[union-attr]


def test_no_questions() -> None:
    assert DailyPicker([], {}, random.Random()).choose([], [], {}, NOW) is None


def test_a_due_concept_of_another_pack_is_not_served() -> None:
    cards = [ConceptDue("other", "glacier", NOW - timedelta(hours=1), 4)]
    reviews = [state(k, True, seen_h_ago=100 - k) for k in range(1, 7)]
    assert picker().choose(reviews, cards, {}, NOW).key == 1  # type: ignore[union-attr]
