"""Plain-text rendering of core views for the terminal, at the terminal's width."""

from __future__ import annotations

import shutil
import textwrap

from bot.text import flow
from bot.views import ConceptView, Feedback, QuestionView, Stats

MIN_WIDTH, MAX_WIDTH = 40, 100


def width() -> int:
    """The terminal's width (78 when it cannot be told, e.g. in a pipe), within bounds."""
    columns = shutil.get_terminal_size((78, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns - 2))


def _wrap(text: str, indent: str = "", cols: int | None = None) -> str:
    """Flowing paragraphs wrapped to the width; list items hang, code stays as written."""
    cols = cols or width()
    lines: list[str] = []
    for line in flow(text).splitlines():
        if not line or line.startswith(("    ", "```")):
            lines.append(line)
            continue
        hang = "  " if line.lstrip().startswith(("- ", "* ", "• ")) else ""
        lines.append(
            textwrap.fill(line, cols, initial_indent=indent, subsequent_indent=indent + hang)
        )
    return "\n".join(lines)


def question(view: QuestionView) -> str:
    cols = width()
    header = f"[{view.header}]"
    lines = [view.review] if view.review else []
    lines += [textwrap.fill(header, cols), _wrap(view.scenario, cols=cols), ""]
    for option in view.options:
        lines.append(
            textwrap.fill(
                flow(option.text).replace("\n", " "),
                cols,
                initial_indent=f"  {option.letter}) ",
                subsequent_indent="     ",
            )
        )
    hint = (
        f"Answer with one letter ({view.letters[0]}–{view.letters[-1]})."
        if view.select == 1
        else f"Select {view.select}: answer with {view.select} letters, e.g. "
        f"{view.letters[: view.select]}."
    )
    lines += ["", hint]
    return "\n".join(lines)


def feedback(fb: Feedback) -> str:
    cols = width()
    verdict = "Correct!" if fb.correct else "Not quite."
    lines = [_wrap(f"{verdict} {fb.verdict}", cols=cols)]
    lines.append("")
    for option in fb.options:
        mark = "✓" if option.correct else "✗"
        you = " (your pick)" if option.chosen else ""
        lines.append(_wrap(f"{option.letter} {mark}{you}: {option.why}", "  ", cols))
    lines += ["", _wrap(fb.explanation, cols=cols)]
    if fb.concepts:
        names = ", ".join(c.name for c in fb.concepts)
        lines += ["", _wrap(f"Concepts: {names} (type /explain NAME to read a card)", cols=cols)]
    if fb.streak:
        lines.append(f"Daily streak: {fb.streak} day(s).")
    return "\n".join(lines)


def concept(card: ConceptView) -> str:
    cols = width()
    lines = [
        textwrap.fill(f"{card.title}  [{card.category}]", cols),
        "",
        _wrap(card.summary, cols=cols),
        "",
        _wrap(card.explanation, cols=cols),
    ]
    if card.related:
        related = "Related: " + ", ".join(name for _id, name in card.related)
        lines += ["", _wrap(related, cols=cols)]
    return "\n".join(lines)


def stats(s: Stats) -> str:
    if not s.answered:
        return "No answers yet. Send /quiz to start."
    cols = width()
    # Columns: domain (wrapped at word boundaries) | answered | accuracy | bar
    numbers = 8 + 7 + 11
    name_cols = max(16, cols - numbers)
    lines = [f"Answered: {s.answered}   Correct: {s.correct}   Accuracy: {_pct(s.accuracy)}", ""]
    if s.blueprint:
        lines.append(_wrap(f"Exam domains of {s.blueprint}:", cols=cols))
    lines.append(f"{'Domain':<{name_cols}}{'Answered':>8} {'Right':>6} {'':10}")
    for d in s.domains:
        names = textwrap.wrap(d.label, name_cols - 1) or [d.id]
        bar = "█" * round(10 * (d.accuracy or 0))
        lines.append(f"{names[0]:<{name_cols}}{d.answered:>8} {_pct(d.accuracy):>6} {bar}")
        lines += [f"  {more}" for more in names[1:]]
    if s.due_reviews:
        lines += ["", f"Reviews due now: {s.due_reviews}"]
    if s.streak:
        lines.append(f"Daily streak: {s.streak} (best {s.best_streak})")
    lines += [_wrap(note) for note in s.notes]
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"
