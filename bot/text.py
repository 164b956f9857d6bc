"""Text shaping shared by every adapter and the store.

- `flow`: authored YAML text -> flowing paragraphs. Question banks are written as YAML, often
  as literal blocks (`|`) whose lines break every ~88 characters; shown as they are, a phone
  shows a hard break in the middle of each line. `flow` joins the lines of each paragraph
  into one, and keeps what must stay on its own line: blank lines between paragraphs, list
  items ("- ", "* ", "• ", "1. ", "2) "), and code (lines indented by four or more spaces, or
  between ``` fences). Adapters then wrap to their width (the terminal) or let the client do
  it (Telegram, Discord).
- `one_line`: text from users made fit for a bounded column: one line, no control
  characters, capped.
- `stars`: a difficulty as ★★☆; `gist`: the first few words of an option, to name it in
  feedback ("B (Amazon S3 Glacier Deep…)").
"""

from __future__ import annotations

import re
import unicodedata

DISPLAY_NAME_MAX = 200  # users.display_name


def one_line(text: str, limit: int) -> str:
    """Control characters (NUL included: PostgreSQL refuses it in text) become spaces, runs
    of whitespace one space, and the result is cut to `limit` characters with "…"."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: limit - 1].rstrip() + "…"


_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_FENCE = "```"


def flow(text: str) -> str:
    """Re-flow `text`: one line per paragraph or list item; code and blank lines kept."""
    out: list[str] = []
    in_fence = False
    joinable = False  # the last output line is prose that the next prose line continues
    for raw in text.strip("\n").splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith(_FENCE):
            in_fence = not in_fence
            out.append(line.strip())
            joinable = False
        elif in_fence or line.startswith("    ") and not joinable:
            out.append(line)
            joinable = False
        elif not line.strip():
            if out and out[-1] != "":
                out.append("")
            joinable = False
        elif _LIST_ITEM.match(line):
            out.append(" ".join(line.split()))
            joinable = True  # a wrapped item continues on the next line
        elif joinable:
            out[-1] = f"{out[-1]} {' '.join(line.split())}"
        else:
            out.append(" ".join(line.split()))
            joinable = True
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


DIFFICULTY_TOP = 3  # the format's difficulty runs 1..3


def stars(difficulty: int, top: int = DIFFICULTY_TOP) -> str:
    """A difficulty as filled and empty stars: 2 -> "★★☆"."""
    filled = max(0, min(difficulty, top))
    return "★" * filled + "☆" * (top - filled)


def gist(text: str, words: int = 5, limit: int = 40) -> str:
    """The first few words of `text` on one line, with "…" when something was left out."""
    all_words = " ".join(text.split()).split(" ")
    short = " ".join(all_words[:words])
    cut = len(all_words) > words
    if len(short) > limit:
        short, cut = short[: limit - 1].rstrip(), True
    return short.rstrip(" ,;:.") + "…" if cut else short
