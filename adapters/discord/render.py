"""Core views -> Discord messages: embeds and plain content within Discord's limits.

Discord shows Markdown: text from the bank or from users is escaped, and every length is
cut to its limit (content 2,000; embed title 256, description 4,096, field 1,024, footer
2,048; 6,000 in all) so a long scenario never makes a send fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord
from discord.utils import escape_markdown, escape_mentions

from bot import labels
from bot.views import (
    ConceptView,
    DailySetting,
    Feedback,
    GroupAnswer,
    ImportReport,
    QuestionView,
    Stats,
)

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FIELD_NAME_LIMIT = 100  # Discord allows 256; ours are short labels
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
LABEL_LIMIT = 80
CHOICE_LIMIT = 100  # autocomplete choice names and values
NUMBER_WORDS = {2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
BLUE, GREEN, RED, GOLD = 0x3498DB, 0x2ECC71, 0xE74C3C, 0xF1C40F


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, ending in … when shortened."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md(text: str) -> str:
    """User or bank text shown literally: no Markdown, no pings."""
    return escape_mentions(escape_markdown(text.strip()))


def embed(
    title: str,
    description: str = "",
    *,
    colour: int = BLUE,
    fields: Sequence[tuple[str, str]] = (),
    footer: str = "",
) -> discord.Embed:
    """An embed whose every part is cut to Discord's limits, and 6,000 characters in all:
    while too long, the longest text (the description or a field's value) gives way."""
    title = cut(title, TITLE_LIMIT)
    footer = cut(footer, FOOTER_LIMIT)
    # Names of at most 100 leave room for the texts, so the loop below always ends.
    names = [cut(n, FIELD_NAME_LIMIT) for n, _v in fields[:25]]
    texts = [cut(description, DESCRIPTION_LIMIT)] + [cut(v, FIELD_LIMIT) for _n, v in fields[:25]]
    while (
        excess := len(title) + len(footer) + sum(map(len, names + texts)) - EMBED_TOTAL_LIMIT
    ) > 0:
        longest = max(range(len(texts)), key=lambda k: len(texts[k]))
        texts[longest] = cut(texts[longest], max(1, len(texts[longest]) - excess))
    result = discord.Embed(title=title, description=texts[0] or None, colour=colour)
    for name, value in zip(names, texts[1:], strict=True):
        result.add_field(name=name, value=value or "—", inline=False)
    if footer:
        result.set_footer(text=footer)
    return result


# -- questions -------------------------------------------------------------------------------
def question(view: QuestionView, *, group: bool = False, title: str | None = None) -> discord.Embed:
    heading = title or ("☀️ Your daily question" if view.purpose == "daily" else "Question")
    if view.review and title is None:
        heading = view.review
    options = "\n".join(f"**{o.letter}.** {md(o.text)}" for o in view.options)
    # The options must stay whole; the scenario gives way if the two are too long.
    room = DESCRIPTION_LIMIT - len(options) - 2
    description = cut(md(view.scenario), max(200, room)) + "\n\n" + options
    return embed(
        f"{heading} · {view.header}",
        description,
        footer=hint(view, group),
    )


def hint(view: QuestionView, group: bool) -> str:
    who = "Everyone here may answer once. " if group else ""
    if view.select == 1:
        return f"{who}Click the letter of your answer."
    count = NUMBER_WORDS.get(view.select, str(view.select))
    return f"{who}Select {count}: click the button with your combination."


def verdict(fb: Feedback) -> str:
    return f"{'✅ Correct!' if fb.correct else '❌ Not quite.'} {fb.verdict}"


def feedback(fb: Feedback) -> discord.Embed:
    """The answer explained, option by option (for the one who answered)."""
    fields = [
        (
            f"{o.letter} {'✅' if o.correct else '❌'}{' (your pick)' if o.chosen else ''}",
            md(o.why),
        )
        for o in fb.options
    ]
    footer = ""
    if fb.concepts:
        footer = "Concepts: " + ", ".join(c.name for c in fb.concepts) + " (try /explain)"
    if fb.streak:
        footer += f"{' · ' if footer else ''}Daily streak: {fb.streak} day(s)"
    return embed(
        verdict(fb),
        md(fb.explanation),
        colour=GREEN if fb.correct else RED,
        fields=fields,
        footer=footer,
    )


def result_line(fb: Feedback) -> str:
    """What a personal question shows once answered (its buttons are removed)."""
    right = "".join(fb.right)
    if fb.correct:
        return f"✅ Answered: {right}, correct."
    return f"❌ Answered: {''.join(fb.chosen)}; the answer is {right}."


def group_tally(answers: Sequence[GroupAnswer], shown: int = 30) -> str:
    """Who answered a group question so far (not what: that is for the reveal)."""
    if not answers:
        return ""
    names = ", ".join(md(a.display_name or "someone") for a in answers[:shown])
    more = f" and {len(answers) - shown} more" if len(answers) > shown else ""
    return cut(f"Answered so far ({len(answers)}): {names}{more}", CONTENT_LIMIT)


def reveal(fb: Feedback, answers: Sequence[GroupAnswer], shown: int = 40) -> discord.Embed:
    """A group question's reveal: the right answer, why, and who got it right."""
    right = "".join(fb.right)
    fields = [(f"{o.letter} {'✅' if o.correct else '❌'}", md(o.why)) for o in fb.options]
    got = [a for a in answers if a.correct]
    if answers:
        names = ", ".join(md(a.display_name or "someone") for a in got[:shown]) or "nobody"
        more = f" and {len(got) - shown} more" if len(got) > shown else ""
        fields.append((f"Right: {len(got)} of {len(answers)}", names + more))
    else:
        fields.append(("Answers", "Nobody answered this one."))
    return embed(f"The answer is {right}", md(fb.explanation), colour=GOLD, fields=fields)


# -- other views -----------------------------------------------------------------------------
def concept(card: ConceptView) -> discord.Embed:
    title = card.title if card.name.lower() in card.title.lower() else f"{card.name}: {card.title}"
    footer = "Related: " + ", ".join(n for _id, n in card.related) if card.related else ""
    return embed(
        title,
        f"*{md(card.category)}*\n\n{md(card.summary)}\n\n{md(card.explanation)}",
        footer=footer,
    )


def stats(s: Stats) -> discord.Embed:
    if not s.answered:
        return embed("Your progress", "No answers yet. Use /quiz to start.")
    fields = [(d.title, f"{d.answered} answered, {pct(d.accuracy)}") for d in s.domains]
    lines = [f"Answered {s.answered} · correct {s.correct} · {pct(s.accuracy)}"]
    if s.due_reviews:
        lines.append(f"Reviews due now: {s.due_reviews}")
    if s.streak:
        lines.append(f"Daily streak: {s.streak} (best {s.best_streak})")
    return embed("Your progress", "\n".join(lines), fields=fields)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def daily(setting: DailySetting) -> str:
    if setting.enabled:
        return (
            f"Daily question by DM: every day at **{setting.time}** ({setting.timezone}). "
            "Change it with `/daily me time:08:30 zone:Berlin` (a city or a zone such as "
            "Europe/Berlin), stop it with `/daily me time:off`."
        )
    return "Daily question by DM: **off**. Turn it on with `/daily me time:08:30 zone:Berlin`."


def daily_with_picker(setting: DailySetting) -> str:
    # Discord cannot share a location (Telegram's "Use my location"): a city names the zone.
    return (
        f"{daily(setting)}\n\n{labels.PICKER_HINT} "
        "For another zone, name your city: `/daily me zone:Berlin`."
    )


def report_thanks(report_id: int, reason: str) -> str:
    return (
        f"⚑ Thanks, reported as **{reason}**. Report #{report_id}.\n"
        "To add a line of detail, use the button below (optional)."
    )


def channel_daily(channel_mention: str, time: str, zone: str) -> str:
    return (
        f"{channel_mention} gets the group's daily question every day at **{time}** ({zone}). "
        "Anyone there can answer; the answer and who got it right follow later that day."
    )


# -- admin import ----------------------------------------------------------------------------
def import_done(name: str, report: ImportReport) -> str:
    return cut(f"**Imported {md(name)}**\n" + "\n".join(report.lines()), CONTENT_LIMIT)


def import_refused(problems: Iterable[object], shown: int = 40) -> str:
    lines = [str(p) for p in problems]
    head = f"**Import refused: {len(lines)} problem(s); nothing was changed.**\n"
    more = f"\n… and {len(lines) - shown} more" if len(lines) > shown else ""
    # Inside a code block nothing needs escaping but the fence itself.
    body = "\n".join(lines[:shown]).replace("```", "'''")
    room = CONTENT_LIMIT - len(head) - len(more) - 8
    return f"{head}```\n{cut(body, room)}\n```{more}"
