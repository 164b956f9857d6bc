"""Plain-text rendering of core views for the terminal."""

from __future__ import annotations

import textwrap

from bot.views import ConceptView, Feedback, QuestionView, Stats

WIDTH = 78


def _wrap(text: str, indent: str = "") -> str:
    """Re-flow paragraphs to the terminal width; keep "- " list items on lines of their own."""
    blocks: list[str] = []
    for paragraph in text.strip().split("\n\n"):
        items: list[str] = []
        for line in paragraph.splitlines():
            if line.lstrip().startswith("- ") or not items:
                items.append(line.strip())
            else:
                items[-1] += " " + line.strip()
        blocks.append(
            "\n".join(
                textwrap.fill(
                    " ".join(item.split()),
                    WIDTH,
                    initial_indent=indent,
                    subsequent_indent=indent + ("  " if item.startswith("- ") else ""),
                )  # fmt: skip
                for item in items
            )
        )
    return "\n\n".join(blocks)


def question(view: QuestionView) -> str:
    lines = [f"[{view.domain} · difficulty {view.difficulty}]", _wrap(view.scenario), ""]
    for option in view.options:
        lines.append(
            textwrap.fill(
                option.text, WIDTH, initial_indent=f"  {option.letter}) ", subsequent_indent="     "
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
    verdict = "Correct!" if fb.correct else "Not quite."
    right = "".join(fb.right)
    lines = [
        f"{verdict} The answer is {right}."
        + (f" You chose {''.join(fb.chosen)}." if not fb.correct else "")
    ]
    lines.append("")
    for option in fb.options:
        mark = "✓" if option.correct else "✗"
        you = " (your pick)" if option.chosen else ""
        lines.append(_wrap(f"{option.letter} {mark}{you}: {option.why}", "  "))
    lines += ["", _wrap(fb.explanation)]
    if fb.concepts:
        names = ", ".join(c.name for c in fb.concepts)
        lines += ["", f"Concepts: {names}  (type /explain NAME to read a card)"]
    if fb.streak:
        lines.append(f"Daily streak: {fb.streak} day(s).")
    return "\n".join(lines)


def concept(card: ConceptView) -> str:
    lines = [
        f"{card.title}  [{card.category}]",
        "",
        _wrap(card.summary),
        "",
        _wrap(card.explanation),
    ]
    if card.related:
        lines += ["", "Related: " + ", ".join(name for _id, name in card.related)]
    return "\n".join(lines)


def stats(s: Stats) -> str:
    if not s.answered:
        return "No answers yet. Send /quiz to start."
    lines = [f"Answered: {s.answered}   Correct: {s.correct}   Accuracy: {_pct(s.accuracy)}"]
    if s.blueprint:
        lines.append(f"Exam domains of {s.blueprint}:")
    width = min(48, max((len(d.label) for d in s.domains), default=0))
    for d in s.domains:
        bar = "█" * round(10 * (d.accuracy or 0))
        lines.append(f"  {d.label[:width]:<{width}} {d.answered:>4}  {_pct(d.accuracy):>5} {bar}")
    if s.due_reviews:
        lines.append(f"Reviews due now: {s.due_reviews}")
    if s.streak:
        lines.append(f"Daily streak: {s.streak} (best {s.best_streak})")
    lines += [_wrap(note) for note in s.notes]
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"
