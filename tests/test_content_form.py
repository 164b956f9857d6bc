"""The form heuristics the bank test uses, on hand-made questions."""

from __future__ import annotations

import pytest

from bot.content import form
from bot.content.model import OptionSpec, QuestionSpec


def question(
    texts: list[str], correct: int, scenario: str = "Which one?", source: str = "a.yaml"
) -> QuestionSpec:
    options = tuple(OptionSpec(t, "why", i == correct) for i, t in enumerate(texts))
    return QuestionSpec("p", "q", "d", ("c",), 1, scenario, options, 1, "x", source)


def test_length_heuristics_with_ties() -> None:
    texts = ["aaaa", "bb", "cccc", "ddd"]  # lengths 4, 2, 4, 3
    assert form.longest("", texts) == {0, 2}
    assert form.second_longest("", texts) == {3}
    assert form.shortest("", texts) == {1}
    assert form.second_longest("", ["same", "size"]) == set()  # no second length


def test_overlap_counts_distinct_words_of_four_letters_or_more() -> None:
    scenario = "The company stores logs in buckets and needs cheap archive storage for the logs."
    texts = ["Archive the logs", "Use cheap archive storage", "Run it in EC2"]
    # "logs" and "archive" (2); "cheap", "archive", "storage" (3); none (0); "the"/"it" too short
    assert form.most_overlap(scenario, texts) == {1}
    assert form.most_overlap("nothing shared here", ["a", "b"]) == {0, 1}


def test_no_absolute_words_and_the_all_absolute_case() -> None:
    texts = ["Only use S3", "Use S3 with lifecycle rules", "Never encrypt", "Always nothing"]
    assert form.no_absolute("", texts) == {1}
    assert form.no_absolute("", ["Only this", "All that"]) == {0, 1}
    assert form.no_absolute("", ["Allocate an IP", "Anyone"]) == {0, 1}  # whole words only


def test_scores_share_credit_among_ties_and_skip_multi_answer() -> None:
    tie = question(["aaaa", "bbbb", "cc"], correct=0)  # longest ties 2 ways: 0.5
    miss = question(["aaaa", "bb", "c"], correct=2)  # longest is 0: 0
    multi = QuestionSpec(
        "p", "m", "d", ("c",), 1, "s",
        (OptionSpec("a", "w", True), OptionSpec("bb", "w", True), OptionSpec("c", "w")),
        2, "x",
    )  # fmt: skip
    result = form.scores([tie, miss, multi])
    assert result.questions == 2
    assert result.by_heuristic["longest"] == pytest.approx(0.25)
    assert result.by_heuristic["shortest"] == pytest.approx(0.5)


def test_letter_shares_and_report_flags_what_is_over_the_limit() -> None:
    questions = [question(["long answer here", "x", "y", "z"], correct=0) for _ in range(5)]
    assert form.letter_shares(questions) == {"A": 1.0}
    lines, ok = form.report(questions)
    assert not ok
    assert any(line.startswith("ALL") and "100%!" in line for line in lines)
    assert "A above the limit" in lines[-2]
    spread = [
        question(["a1", "b22", "c333", "d4444"][:4], correct=i % 4, source=f"{i}.yaml")
        for i in range(4)
    ]
    assert form.letter_shares(spread) == {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}


def test_report_command_exit_codes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert form.main([]) == 2
    assert form.main([str(tmp_path / "missing")]) == 2
    from tests.conftest import MINIPACK

    code = form.main([str(MINIPACK)])
    out = capsys.readouterr().out
    assert "storage.yaml" in out and "(few)" in out
    assert code == 1  # the mini pack's answers are all the longest option, and all A
