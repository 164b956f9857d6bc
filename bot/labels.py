"""Words every chat platform shows on buttons and prompts around concept cards, reports,
skipping and the daily time picker: written once here, so Telegram and Discord say the same."""

from __future__ import annotations

QUIZ_ON = "Quiz me on this"
ALL_CARDS = "All cards"
CATEGORIES = "« Categories"
PAGE_BACK = "‹ Back"
PAGE_MORE = "More ›"
REPORT = "⚑ Report"
REPORT_PROMPT = "⚑ What is wrong with this question?"
REPORT_THANKS = "⚑ Thanks, reported."
NOTE_ADDED = "⚑ Added to your report. Thank you!"
SKIP_OPEN = "Skip it, new question"
SKIPPED = "Skipped: it is kept as skipped."
CATALOGUE_TITLE = "Concept cards"
# The daily question's time picker: common times (the zone stays as it is).
PICKER_TIMES = ("07:00", "08:00", "09:00", "12:00", "18:00", "19:00", "20:00", "21:00")
PICKER_HINT = "Or pick a time below (your zone stays as it is)."


def catalogue_hint(card_count: int, lookup: str) -> str:
    """Under the catalogue's title; `lookup` is how this platform asks for a card by name."""
    return f"{card_count} cards. Pick a category, or {lookup}."


def category_hint(count: int, page: int, pages: int) -> str:
    of = f" · page {page + 1} of {pages}" if pages > 1 else ""
    return f"{count} card(s){of}. Pick one to read it."


def pages_of(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))
