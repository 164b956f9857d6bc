"""How well simple form heuristics guess a bank's answers, without reading the question.

A well-written bank gives the answer away by nothing but its content. This module scores
guessing rules that look only at the form of single-answer questions (option lengths,
wording, words shared with the scenario) and reports where the correct option sits in
the source file. Run it as a report:

    python -m bot.content.form content/saa

Each heuristic picks a set of options (ties included) and scores 1/len(set) when the
correct option is in it, 0 otherwise, so a blind guess among four options scores 25 %.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content.model import QuestionSpec

ABSOLUTE_WORDS = frozenset(
    {"only", "always", "never", "all", "none", "every", "must", "cannot", "any"}
)
OVERLAP_MIN_LETTERS = 4
LETTERS = "ABCDEF"

# The thresholds the bank test holds the shipped bank to.
MAX_SCORE = 0.35  # over all single-answer questions
MAX_SCORE_PER_FILE = 0.40  # over the single-answer questions of any one file
MAX_LETTER_SHARE = 0.30  # of the correct option's source position (A, B, ...)
# The per-file limit applies to files with at least this many single-answer questions:
# in a file of one or two, any rule scores 0 % or 100 % by chance.
MIN_FILE_QUESTIONS = 5

_WORD = re.compile(r"[a-z]+")

Heuristic = Callable[[str, Sequence[str]], set[int]]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _by_length(options: Sequence[str], rank: int, longest_first: bool = True) -> set[int]:
    """Options whose length is the rank-th distinct length (0: the longest or shortest)."""
    lengths = sorted({len(t) for t in options}, reverse=longest_first)
    if rank >= len(lengths):
        return set()
    return {i for i, t in enumerate(options) if len(t) == lengths[rank]}


def longest(_scenario: str, options: Sequence[str]) -> set[int]:
    return _by_length(options, 0)


def second_longest(_scenario: str, options: Sequence[str]) -> set[int]:
    return _by_length(options, 1)


def shortest(_scenario: str, options: Sequence[str]) -> set[int]:
    return _by_length(options, 0, longest_first=False)


def most_overlap(scenario: str, options: Sequence[str]) -> set[int]:
    """Options sharing the most distinct words of 4+ letters with the scenario."""
    seen = {w for w in _words(scenario) if len(w) >= OVERLAP_MIN_LETTERS}
    shared = [len({w for w in _words(t) if len(w) >= OVERLAP_MIN_LETTERS} & seen) for t in options]
    best = max(shared)
    return {i for i, n in enumerate(shared) if n == best}


def no_absolute(_scenario: str, options: Sequence[str]) -> set[int]:
    """Options free of absolute words (only, always, never...); all when none is free."""
    free = {i for i, t in enumerate(options) if not ABSOLUTE_WORDS & set(_words(t))}
    return free or set(range(len(options)))


HEURISTICS: dict[str, Heuristic] = {
    "longest": longest,
    "second-longest": second_longest,
    "shortest": shortest,
    "most-overlap": most_overlap,
    "no-absolute": no_absolute,
}


def single_answer(questions: Iterable[QuestionSpec]) -> list[QuestionSpec]:
    return [q for q in questions if sum(o.correct for o in q.options) == 1]


def guess_score(heuristic: Heuristic, question: QuestionSpec) -> float:
    texts = [o.text for o in question.options]
    picked = heuristic(question.scenario, texts)
    right = next(i for i, o in enumerate(question.options) if o.correct)
    return 1 / len(picked) if right in picked else 0.0


@dataclass(frozen=True)
class Scores:
    """Mean heuristic scores over a set of single-answer questions."""

    questions: int
    by_heuristic: dict[str, float]

    def worst(self) -> tuple[str, float]:
        return max(self.by_heuristic.items(), key=lambda item: item[1])


def scores(questions: Iterable[QuestionSpec]) -> Scores:
    pool = single_answer(questions)
    return Scores(
        len(pool),
        {
            name: (sum(guess_score(h, q) for q in pool) / len(pool) if pool else 0.0)
            for name, h in HEURISTICS.items()
        },
    )


def scores_by_file(questions: Iterable[QuestionSpec]) -> dict[str, Scores]:
    grouped: dict[str, list[QuestionSpec]] = defaultdict(list)
    for q in questions:
        grouped[q.source].append(q)
    return {source: scores(qs) for source, qs in sorted(grouped.items())}


def letter_shares(questions: Iterable[QuestionSpec]) -> dict[str, float]:
    """Share of single-answer questions whose correct option is written first, second, ..."""
    pool = single_answer(questions)
    counts = Counter(LETTERS[next(i for i, o in enumerate(q.options) if o.correct)] for q in pool)
    return {letter: counts[letter] / len(pool) for letter in sorted(counts)} if pool else {}


def report(questions: Sequence[QuestionSpec]) -> tuple[list[str], bool]:
    """The report's lines, and whether every threshold holds."""
    overall = scores(questions)
    names = list(HEURISTICS)
    head = f"{'':<28}{'n':>5}" + "".join(f"{n:>16}" for n in names)
    lines = [
        f"Form heuristics on single-answer questions (limit {MAX_SCORE:.0%} overall, "
        f"{MAX_SCORE_PER_FILE:.0%} per file; a blind guess among 4 options is 25%)",
        head,
    ]
    ok = True

    def row(label: str, s: Scores, limit: float) -> str:
        nonlocal ok
        cells = []
        for name in names:
            value = s.by_heuristic[name]
            over = value > limit
            ok = ok and not over
            cells.append(f"{value:>15.0%}{'!' if over else ' '}")
        return f"{label:<28}{s.questions:>5}" + "".join(cells)

    lines.append(row("ALL", overall, MAX_SCORE))
    for source, s in scores_by_file(questions).items():
        small = s.questions < MIN_FILE_QUESTIONS
        lines.append(
            row(source, s, 1.0 if small else MAX_SCORE_PER_FILE) + (" (few)" if small else "")
        )
    shares = letter_shares(questions)
    over = [letter for letter, share in shares.items() if share > MAX_LETTER_SHARE]
    ok = ok and not over
    lines.append(
        f"Correct option's position in the files (limit {MAX_LETTER_SHARE:.0%}): "
        + ", ".join(f"{letter} {share:.0%}" for letter, share in shares.items())
        + (f"  ! {', '.join(over)} above the limit" if over else "")
    )
    lines.append(
        f"'!' marks a score above its limit; (few): under {MIN_FILE_QUESTIONS} single-answer "
        "questions, no per-file limit."
    )
    return lines, ok


def main(argv: Sequence[str] | None = None) -> int:
    from bot.content.lint import lint_paths

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m bot.content.form PATH...", file=sys.stderr)
        return 2
    result = lint_paths(Path(a) for a in args)
    if not result.ok:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        return 2
    lines, ok = report(result.content.questions)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
