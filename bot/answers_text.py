"""Reading a typed answer: "B", "b)", "A and C", "I think B" -> letters; "hello" -> None.

Chats where answers are typed (the terminal) get free text. A message is an answer only
when it is clearly one, so "hello" gets a helpful reply instead of "H, E, L, O is not an
option".
"""

from __future__ import annotations

import re

_PREAMBLE = re.compile(
    r"^(?:i\s+think(?:\s+it'?s)?|i'?d\s+(?:say|go\s+with|pick)|i\s+(?:pick|choose)|"
    r"my\s+answer\s+is|the\s+answer\s+is|answer(?:\s+is)?\s*:?|it'?s|it\s+is|maybe|"
    r"probably|option|options|letter)\s+",
    re.IGNORECASE,
)
_SEPARATED = re.compile(r"^[A-F](?:\s*(?:,|&|/|\+|\band\b|\s)\s*[A-F])*$", re.IGNORECASE)


def read_answer(text: str) -> tuple[str, ...] | None:
    """The option letters a typed message means, in order without repeats; None if it is
    not an answer."""
    candidate = text.strip()
    for _ in range(2):  # "I think it's B" -> "it's B" -> "B"
        candidate = _PREAMBLE.sub("", candidate)
    candidate = candidate.strip().strip("()[].!?'\"").strip()
    compact = re.fullmatch(r"[A-Fa-f]{1,6}", candidate)
    if compact is None and _SEPARATED.fullmatch(candidate) is None:
        return None
    upper = candidate.upper()
    letters = list(upper) if compact else re.findall(r"\b[A-F]\b", upper)
    if len(set(letters)) != len(letters):  # "add", "bb": not a set of options
        return None
    return tuple(letters)
