"""The shipped bank covers the course: every service has a card, core ones 8+ questions.

Checked against shared/seed/services.yaml (the coverage contract) when it sits beside the
checkout, else against the copy in tests/data, so the bank cannot shrink unnoticed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.content.lint import lint_paths

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "seed" / "services.yaml"
SERVICES = SHARED if SHARED.is_file() else Path(__file__).parent / "data" / "services.yaml"
PACK = ROOT / "content" / "saa"
COURSE = {"design": 60, "deploy": 10, "security": 20, "troubleshoot": 10}
C03 = {"secure": 30, "resilient": 26, "performant": 24, "cost": 20}


@pytest.fixture(scope="module")
def bank():  # type: ignore[no-untyped-def]
    result = lint_paths([PACK])
    assert result.ok, "\n".join(map(str, result.problems[:20]))
    return result.content


def services() -> list[tuple[str, str, bool]]:
    data = yaml.safe_load(SERVICES.read_text())
    return [
        (item["name"], category, bool(item.get("core")))
        for category, items in data.items()
        for item in items
    ]


def test_pack_has_the_c03_exam_by_default_and_keeps_the_course_exam(bank) -> None:  # type: ignore[no-untyped-def]
    (pack,) = bank.packs
    c03, course = pack.blueprints
    assert pack.id == "saa"
    assert (c03.id, c03.exam_questions, c03.exam_minutes, c03.pass_percent) == (
        "saa-c03",
        65,
        130,
        72,
    )
    assert {d.id: d.weight for d in c03.domains} == C03
    assert "scaled" in c03.note and "720" in c03.note
    assert (course.id, course.exam_questions, course.exam_minutes, course.pass_percent) == (
        "course",
        60,
        80,
        65,
    )
    assert {d.id: d.weight for d in course.domains} == COURSE


def test_every_service_has_a_card_in_its_category(bank) -> None:  # type: ignore[no-untyped-def]
    by_label = {}
    for concept in bank.concepts:
        for label in (concept.name, *concept.aliases):
            by_label[label.lower()] = concept
    missing = [name for name, _cat, _core in services() if name.lower() not in by_label]
    assert not missing
    wrong_category = [
        name for name, category, _core in services() if by_label[name.lower()].category != category
    ]
    assert not wrong_category


def test_question_counts_per_service(bank) -> None:  # type: ignore[no-untyped-def]
    by_label = {c.name.lower(): c.id for c in bank.concepts}
    for concept in bank.concepts:
        for alias in concept.aliases:
            by_label.setdefault(alias.lower(), concept.id)
    counts = Counter(c for q in bank.questions for c in q.concepts)
    short = [
        (name, counts[by_label[name.lower()]])
        for name, _cat, core in services()
        if counts[by_label[name.lower()]] < (8 if core else 1)
    ]
    assert not short


def test_bank_size_shape_and_blueprint(bank) -> None:  # type: ignore[no-untyped-def]
    questions = bank.questions
    assert len(questions) >= 320
    assert sum(q.select > 1 for q in questions) >= 30
    assert {q.difficulty for q in questions} == {1, 2, 3}
    assert all(3 <= len(q.options) <= 5 for q in questions)
    shares = Counter(dict(q.domains)["course"] for q in questions)
    for domain, weight in COURSE.items():
        assert abs(100 * shares[domain] / len(questions) - weight) <= 5, domain


def test_no_two_questions_share_a_scenario_or_answer_set(bank) -> None:  # type: ignore[no-untyped-def]
    scenarios = Counter(" ".join(q.scenario.lower().split()) for q in bank.questions)
    assert [s for s, n in scenarios.items() if n > 1] == []
    answers = Counter(
        (frozenset(o.text.lower() for o in q.options), q.domain) for q in bank.questions
    )
    assert [a for a, n in answers.items() if n > 1] == []


def test_renamed_services_name_their_current_service(bank) -> None:  # type: ignore[no-untyped-def]
    cards = {c.id: c for c in bank.concepts}
    expectations = {
        "ecs": "Elastic Container Service",
        "elasticsearch": "OpenSearch",
        "machine-learning": "SageMaker",
        "mobile-hub": "Amplify",
        "compliance-reports": "Artifact",
    }
    for concept_id, current in expectations.items():
        card = cards[concept_id]
        assert current in f"{card.title} {card.summary} {card.explanation} {' '.join(card.aliases)}"
