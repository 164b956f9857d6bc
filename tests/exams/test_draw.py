"""Blueprint proportions: largest-remainder quotas and the draw (pure, no database)."""

from __future__ import annotations

import random
from collections import Counter

from bot.bank import BlueprintData, DomainData, QuestionData
from bot.content.model import OptionSpec
from bot.exams.model import draw, exam_size, quotas

SAA = [("resilient", 26), ("performant", 24), ("secure", 30), ("cost", 20)]


def test_quotas_full_saa_exam() -> None:
    # 65 x (26, 24, 30, 20)% = 16.9, 15.6, 19.5, 13: floors 63, the 2 left go to .9 and .6
    assert quotas(SAA, 65) == {"resilient": 17, "performant": 16, "secure": 19, "cost": 13}


def test_quotas_short_exam_and_edges() -> None:
    assert quotas(SAA, 10) == {"resilient": 3, "performant": 2, "secure": 3, "cost": 2}
    assert sum(quotas(SAA, 7).values()) == 7
    assert quotas([("a", 1), ("b", 1)], 1) == {"a": 1, "b": 0}  # a tie goes to the earlier
    assert quotas(SAA, 0) == {"resilient": 0, "performant": 0, "secure": 0, "cost": 0}


def _bank(per_domain: dict[str, int]) -> tuple[BlueprintData, list[QuestionData]]:
    domains = tuple(DomainData("p", d, d.title(), w) for d, w in SAA)
    blueprint = BlueprintData("p", "bp", "Exam", 65, 130, 72, domains)
    options = (
        OptionSpec(text="x", correct=True, why="."),
        OptionSpec(text="y", correct=False, why="."),
    )
    questions = []
    key = 0
    for domain, n in per_domain.items():
        for _ in range(n):
            key += 1
            questions.append(
                QuestionData(
                    key, "p", f"q{key}", domain, (), 1, "s", options, 1, "e", domains={"bp": domain}
                )  # fmt: skip
            )
    return blueprint, questions


def test_draw_matches_the_weights_and_avoids_the_last_exam() -> None:
    blueprint, questions = _bank({"resilient": 40, "performant": 40, "secure": 40, "cost": 40})
    avoid = {q.key for q in questions[:30]}  # 30 of the resilient ones were in the last exam
    drawn = draw(blueprint, questions, 65, avoid, random.Random(3))
    assert len({q.key for q in drawn}) == 65
    assert Counter(q.domain for q in drawn) == {
        "resilient": 17, "performant": 16, "secure": 19, "cost": 13,
    }  # fmt: skip
    # resilient has only 10 fresh questions: 7 repeats are unavoidable, and no more
    assert len([q for q in drawn if q.key in avoid]) == 7


def test_a_short_domain_leaves_its_seats_to_the_others() -> None:
    blueprint, questions = _bank({"resilient": 2, "performant": 40, "secure": 40, "cost": 40})
    drawn = draw(blueprint, questions, 65, set(), random.Random(1))
    counts = Counter(q.domain for q in drawn)
    assert len(drawn) == 65 and counts["resilient"] == 2
    assert counts["secure"] > 19  # took some of resilient's seats


def test_exam_size_full_short_and_small_packs() -> None:
    blueprint, _ = _bank({})
    assert exam_size(blueprint, False, 600) == (65, 130 * 60)
    assert exam_size(blueprint, True, 600) == (10, 1200)  # 130 min x 10/65
    assert exam_size(blueprint, True, 4) == (4, 480)
