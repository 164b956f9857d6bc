"""Text from users, made fit for a bounded column: one line, no control characters, capped."""

from __future__ import annotations

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
