"""Benchmark: choosing the next question in memory (bot.learning + bot.tracks).

    python -m bench.choice [--questions 1000] [--concepts 300] [--answers 5000] [--samples 2000]

A synthetic bank (one pack, `--questions` questions over `--concepts` concepts, 1-2 concepts
each) and a user with `--answers` answers spread over the last 60 days (so about one
history row per question answered, a third missed last time, and a concept card per concept,
the ones due now given as the store reads them: only those). Times the whole in-memory
choice of `Tutor.next_question`: the track's pool and domains, the cap decision and
`learning.choose_question` (due concepts, another question on the concept, no repeat within
3 days). The database read that feeds it is measured by `bench.steady` (heavy user).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from bot import learning, tracks
from bot.bank import Bank, BlueprintData, DomainData, QuestionData
from bot.content.model import OptionSpec
from bot.ports import ConceptDue, ReviewState

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def world(
    questions: int, concepts: int, answers: int, rng: random.Random
) -> tuple[Bank, list[ReviewState], list[ConceptDue]]:
    bank = Bank(revision=1)
    domains = tuple(
        DomainData("saa", f"d{i}", f"Domain {i}", w) for i, w in enumerate((30, 26, 24, 20))
    )
    bank.add_blueprints("saa", [BlueprintData("saa", "exam", "Exam", 65, 130, 72, domains)])
    options = tuple(OptionSpec(text=f"o{i}", why="", correct=i == 1) for i in range(4))
    for key in range(1, questions + 1):
        picked = rng.sample(range(concepts), k=rng.choice((1, 2)))
        bank.questions[key] = QuestionData(
            key=key, pack="saa", id=f"q{key}", domain=f"d{key % 4}",
            concepts=tuple(f"c{c}" for c in picked), difficulty=2, scenario="?",
            options=options, select=1, explanation=".",
        )  # fmt: skip
    seen: dict[int, ReviewState] = {}
    cards: dict[str, tuple[datetime, ConceptDue]] = {}  # concept -> (reviewed at, card)
    for _ in range(answers):
        key = rng.randint(1, questions)
        at = NOW - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
        due = at + timedelta(days=rng.choice((0.01, 1, 3, 10, 30, 90)))
        correct = rng.random() > 0.33
        if key not in seen or seen[key].last_seen_at < at:
            seen[key] = ReviewState(key, correct, at)
        for concept in bank.questions[key].concepts:
            held = cards.get(concept)
            if held is None or held[0] < at:  # the latest review wins
                cards[concept] = (at, ConceptDue("saa", concept, due, key))
    due_now = [card for _at, card in cards.values() if card.due <= NOW]
    return bank, list(seen.values()), due_now


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(1)
    bank, reviews, due_cards = world(args.questions, args.concepts, args.answers, rng)
    due = len(due_cards)
    recent = {r.question_key for r in sorted(reviews, key=lambda r: r.last_seen_at)[-3:]}
    times = []
    for i in range(args.samples):
        started = time.perf_counter()
        track = tracks.resolve(bank, None)
        pool = tracks.questions(bank, track)
        choice = learning.choose_question(
            pool,
            reviews,
            due_cards,
            recent,
            tracks.domains(bank, track),
            NOW,
            rng,
            30 - i % 31,
            i % 4 == 3,
        )
        times.append(time.perf_counter() - started)
        assert choice is not None
    times.sort()
    p50, p99 = times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000
    print(
        f"{args.questions} questions, {args.concepts} concepts, {args.answers} answers "
        f"({len(reviews)} questions seen, {due} concept cards due): "
        f"choice p50 {p50:.2f} ms, p99 {p99:.2f} ms "
        f"(goal p99 < 5 ms with the read: {'holds' if p99 < 5 else 'MISSED'} for the choice)"
    )


if __name__ == "__main__":
    main()
