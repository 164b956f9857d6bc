"""The shipped bank covers the course: every service has a card, core ones 8+ questions.

Checked against shared/seed/services.yaml (the coverage contract) when it sits beside the
checkout, else against the copy in tests/data, so the bank cannot shrink unnoticed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.content import form
from bot.content.lint import lint_paths

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "seed" / "services.yaml"
SERVICES = SHARED if SHARED.is_file() else Path(__file__).parent / "data" / "services.yaml"
PACK = ROOT / "content" / "saa"
COURSE = {"design": 60, "deploy": 10, "security": 20, "troubleshoot": 10}
COURSE_TOLERANCE = 5  # points of share per domain
C03 = {"secure": 30, "resilient": 26, "performant": 24, "cost": 20}
C03_TOLERANCE = 3
CHOOSE_THREE_MIN = 15
# SAA-C03 services that must each have a concept card and questions (issue 10).
EXAM_SERVICES = (
    "global-accelerator", "transit-gateway", "privatelink", "network-firewall", "eks",
    "fargate", "app-runner", "outposts", "local-zones", "resource-access-manager",
    "firewall-manager", "elastic-disaster-recovery", "backup", "aurora", "rds-proxy",
    "documentdb", "neptune", "keyspaces", "memorydb", "timestream", "msk", "amazon-mq",
    "eventbridge", "appsync", "fsx", "datasync", "transfer-family", "glue", "lake-formation",
    "secrets-manager", "systems-manager", "guardduty", "macie", "security-hub", "detective",
    "iam-identity-center", "control-tower", "compute-optimizer", "cost-explorer", "budgets",
    "savings-plans", "storage-lens", "cost-usage-reports",
)  # fmt: skip


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
        assert abs(100 * shares[domain] / len(questions) - weight) <= COURSE_TOLERANCE, domain


def blueprint_shares(questions, blueprint: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    counts = Counter(dict(q.domains)[blueprint] for q in questions)
    return {domain: 100 * n / len(questions) for domain, n in counts.items()}


def test_every_question_is_classified_in_both_blueprints(bank) -> None:  # type: ignore[no-untyped-def]
    for q in bank.questions:
        assert [b for b, _d in q.domains] == ["saa-c03", "course"], q.id
        assert q.domain == dict(q.domains)["saa-c03"], q.id  # the default drives practice


def test_c03_domain_shares_match_the_exam_guide(bank) -> None:  # type: ignore[no-untyped-def]
    shares = blueprint_shares(bank.questions, "saa-c03")
    off = {
        domain: round(shares.get(domain, 0), 1)
        for domain, weight in C03.items()
        if abs(shares.get(domain, 0) - weight) > C03_TOLERANCE
    }
    assert not off, f"shares outside {C03} ± {C03_TOLERANCE} points: {off}"


def test_form_heuristics_cannot_guess_the_answer(bank) -> None:  # type: ignore[no-untyped-def]
    overall = form.scores(bank.questions)
    assert overall.questions >= 250
    too_high = {n: round(v, 2) for n, v in overall.by_heuristic.items() if v > form.MAX_SCORE}
    assert not too_high, f"over {form.MAX_SCORE:.0%} on the whole bank: {too_high}"
    per_file = {
        source: {n: round(v, 2) for n, v in s.by_heuristic.items() if v > form.MAX_SCORE_PER_FILE}
        for source, s in form.scores_by_file(bank.questions).items()
        if s.questions >= form.MIN_FILE_QUESTIONS
    }
    assert not {k: v for k, v in per_file.items() if v}, (
        f"over {form.MAX_SCORE_PER_FILE:.0%} in a file: {per_file}"
    )


def test_correct_options_are_spread_over_the_letters(bank) -> None:  # type: ignore[no-untyped-def]
    shares = form.letter_shares(bank.questions)
    assert max(shares.values()) <= form.MAX_LETTER_SHARE, shares


def test_enough_choose_three_questions(bank) -> None:  # type: ignore[no-untyped-def]
    assert sum(q.select == 3 for q in bank.questions) >= CHOOSE_THREE_MIN


def test_every_exam_service_has_a_card_and_questions(bank) -> None:  # type: ignore[no-untyped-def]
    cards = {c.id for c in bank.concepts}
    asked = Counter(c for q in bank.questions for c in q.concepts)
    missing_cards = [s for s in EXAM_SERVICES if s not in cards]
    thin = {s: asked[s] for s in EXAM_SERVICES if s in cards and asked[s] < 4}
    assert not missing_cards and not thin, (missing_cards, thin)


def test_bank_size_and_cost_optimized_questions(bank) -> None:  # type: ignore[no-untyped-def]
    """Issue 10: the bank reaches 570 questions, 110 of them in the cost-optimized domain."""
    assert len(bank.questions) >= 570
    cost = sum(dict(q.domains)["saa-c03"] == "cost" for q in bank.questions)
    assert cost >= 110, cost


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
