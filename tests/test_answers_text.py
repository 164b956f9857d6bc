from __future__ import annotations

import pytest

from bot.answers_text import read_answer


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("B", ("B",)),
        ("b", ("B",)),
        ("B)", ("B",)),
        ("(c).", ("C",)),
        ("AC", ("A", "C")),
        ("a, c", ("A", "C")),
        ("A and C", ("A", "C")),
        ("b & d", ("B", "D")),
        ("I think B", ("B",)),
        ("i think it's d", ("D",)),
        ("my answer is A, E", ("A", "E")),
        ("Option C", ("C",)),
    ],
)
def test_answers_are_understood(text: str, letters: tuple[str, ...]) -> None:
    assert read_answer(text) == letters


@pytest.mark.parametrize(
    "text", ["hello", "what is S3?", "add", "bb", "G", "1", "", "I think so", "thanks!"]
)
def test_other_text_is_not_an_answer(text: str) -> None:
    assert read_answer(text) is None
