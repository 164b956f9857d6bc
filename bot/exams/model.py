"""An exam as the store keeps it, and how its questions are drawn from a blueprint."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.bank import BlueprintData, QuestionData

SHORT_QUESTIONS = 10
RUNNING = "running"
FINISHED = "finished"  # every question answered
EXPIRED = "expired"  # time ran out: unanswered questions count as wrong
STOPPED = "stopped"  # abandoned with /exam stop


@dataclass(frozen=True)
class Slot:
    """One exam question: the question, its ask, the option order shown, and the answer."""

    question_key: int
    ask_id: int
    order: tuple[int, ...]
    chosen: tuple[int, ...] | None = None  # option indexes; None while unanswered
    correct: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "q": self.question_key,
            "ask": self.ask_id,
            "order": list(self.order),
            "chosen": None if self.chosen is None else list(self.chosen),
            "ok": self.correct,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Slot:
        chosen = data.get("chosen")
        return Slot(
            int(data["q"]),
            int(data["ask"]),
            tuple(int(i) for i in data["order"]),
            None if chosen is None else tuple(int(i) for i in chosen),
            bool(data.get("ok", False)),
        )


@dataclass(frozen=True)
class ExamRow:
    id: int
    user_id: int
    pack: str
    blueprint: str
    kind: str  # full | short
    status: str
    started_at: datetime
    deadline: datetime
    finished_at: datetime | None
    pass_percent: int
    position: int
    slots: tuple[Slot, ...]

    @property
    def correct(self) -> int:
        return sum(1 for s in self.slots if s.correct)

    def answered(self, position: int, chosen: tuple[int, ...], correct: bool) -> ExamRow:
        slots = list(self.slots)
        slots[position] = replace(slots[position], chosen=chosen, correct=correct)
        return replace(self, slots=tuple(slots), position=position + 1)


def quotas(weights: Sequence[tuple[str, int]], count: int) -> dict[str, int]:
    """Questions per domain for `count` questions, by the largest remainder method: each
    domain gets the floor of its exact share, and the seats left go to the largest
    remainders (ties to the heavier domain, then the earlier one)."""
    total = sum(w for _d, w in weights)
    if total <= 0 or count <= 0:
        return {d: 0 for d, _w in weights}
    exact = [(d, count * w / total) for d, w in weights]
    seats = {d: math.floor(x) for d, x in exact}
    left = count - sum(seats.values())
    order = sorted(
        range(len(exact)), key=lambda i: (-(exact[i][1] - seats[exact[i][0]]), -weights[i][1], i)
    )
    for i in order[:left]:
        seats[exact[i][0]] += 1
    return seats


def draw(
    blueprint: BlueprintData,
    questions: Sequence[QuestionData],
    count: int,
    avoid: set[int],
    rng: random.Random,
) -> list[QuestionData]:
    """`count` questions of the blueprint's pack in the proportions of its domain weights,
    none of `avoid` (the last exam's) where the domain has enough others. A domain short of
    questions leaves its seats to the others. The result is shuffled."""
    pools: dict[str, list[QuestionData]] = {d.id: [] for d in blueprint.domains}
    for q in questions:
        domain = q.domain_in(blueprint.id) or q.domain
        if q.pack == blueprint.pack and not q.retired and domain in pools:
            pools[domain].append(q)
    for pool in pools.values():
        rng.shuffle(pool)
        pool.sort(key=lambda q: q.key in avoid)  # stable: fresh questions first
    count = min(count, sum(len(p) for p in pools.values()))
    weights = [(d.id, d.weight) for d in blueprint.domains]
    chosen: list[QuestionData] = []
    wanted = quotas(weights, count)
    while len(chosen) < count:
        short = 0
        for domain, n in wanted.items():
            take = pools[domain][:n]
            del pools[domain][:n]
            chosen.extend(take)
            short += n - len(take)
        if short == 0:
            break
        # Hand the missing seats to domains that still have questions, by their weights.
        weights = [(d, w) for d, w in weights if pools[d]]
        wanted = quotas(weights, short)
    rng.shuffle(chosen)
    return chosen


def exam_size(blueprint: BlueprintData, short: bool, available: int) -> tuple[int, int]:
    """(questions, seconds): the blueprint's exam, or SHORT_QUESTIONS in proportional time;
    fewer when the pack has fewer questions (the time shrinks in proportion)."""
    wanted = min(SHORT_QUESTIONS, blueprint.exam_questions) if short else blueprint.exam_questions
    count = min(wanted, available)
    seconds = round(blueprint.exam_minutes * 60 * count / max(1, blueprint.exam_questions))
    return count, max(60, seconds) if count else 0
