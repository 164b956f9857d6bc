"""Core views -> Telegram HTML (parse_mode=HTML), every text escaped, every message ≤ 4096.

Messages are built from pieces of plain text wrapped in fixed markup. When a message would be
too long, the longest plain pieces are shortened with "…" (never cutting inside markup or an
escape), so the result is always valid HTML within the limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot import labels, settings_view
from bot.settings_view import StudentSettings
from bot.views import (
    ConceptView,
    DailySetting,
    Feedback,
    GroupAnswer,
    ImportReport,
    QuestionView,
    Stats,
)

MESSAGE_LIMIT = 4096
CALLBACK_ANSWER_LIMIT = 200
# A question leaves room below it for the result that is added when it is answered.
QUESTION_LIMIT = 3400
RESULT_LIMIT = MESSAGE_LIMIT - QUESTION_LIMIT - 50
SEPARATOR = "\n\n──────────\n"
NUMBER_WORDS = {2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}


@dataclass(frozen=True)
class Piece:
    """Plain text, escaped on output, between two bits of fixed markup."""

    text: str
    before: str = ""
    after: str = ""

    def html(self) -> str:
        return f"{self.before}{html.escape(self.text, quote=False)}{self.after}"


def b(text: str) -> Piece:
    return Piece(text, "<b>", "</b>")


def i(text: str) -> Piece:
    return Piece(text, "<i>", "</i>")


def compose(pieces: Sequence[Piece | str], limit: int = MESSAGE_LIMIT) -> str:
    """Join pieces (a str is plain text) into HTML of at most `limit` characters."""
    parts = [Piece(p) if isinstance(p, str) else p for p in pieces]
    while True:
        rendered = [p.html() for p in parts]
        excess = sum(map(len, rendered)) - limit
        if excess <= 0:
            return "".join(rendered)
        longest = max(range(len(parts)), key=lambda k: len(parts[k].text))
        piece = parts[longest]
        if not piece.text:
            raise ValueError("markup alone is longer than the limit")
        keep = max(0, len(piece.text) - excess - 1)
        parts[longest] = Piece(piece.text[:keep].rstrip() + "…", piece.before, piece.after)


def escaped(text: str) -> str:
    """Plain text (which may quote user input) as a whole message."""
    return compose([text])


def plain(text: str, limit: int) -> str:
    """Plain text (e.g. for answerCallbackQuery) cut to `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- questions -------------------------------------------------------------------------------
def question(view: QuestionView, *, group: bool = False) -> str:
    pieces: list[Piece | str] = (
        ["☀️ ", b("Your daily question"), "\n"] if view.purpose == "daily" else []
    )
    if view.review:
        pieces += [b(view.review), "\n"]
    pieces += [
        b(view.header),
        "\n\n",
        view.scenario.strip(),
        "\n",
    ]
    for option in view.options:
        pieces += ["\n", b(f"{option.letter}."), " ", option.text.strip()]
    pieces += ["\n\n", i(_hint(view, group))]
    return compose(pieces, QUESTION_LIMIT)


# What `_hint` writes (a message read back may have lost its italics).
_HINT = re.compile(
    r"(?:Everyone here may answer once\. )?"
    r"(?:Tap the letter of your answer|Select \w+: tap [^\n]*)\."
)


def _hint(view: QuestionView, group: bool) -> str:
    who = "Everyone here may answer once. " if group else ""
    if view.select == 1:
        return f"{who}Tap the letter of your answer."
    count = NUMBER_WORDS.get(view.select, str(view.select))
    if group:
        return f"{who}Select {count}: tap the button with your combination."
    return f"Select {count}: tap the letters, then Submit."


def too_many_picks(select: int, picks: str) -> str:
    """The toast for a tick beyond a "Select N" question's N."""
    count = NUMBER_WORDS.get(select, str(select))
    shown = " and ".join(picks)
    return plain(
        f"This question wants exactly {count}: you picked {shown}. Untick one first, or Submit.",
        CALLBACK_ANSWER_LIMIT,
    )


def with_result(question_html: str, result_html: str) -> str:
    """The question message as it reads once answered: the question, a rule, the result."""
    head = question_part(question_html)
    return head + SEPARATOR + result_html


def without_hint(question_html: str) -> str:
    """The question without the italic hint paragraph that ends it (the hint says how to
    answer, which is over once the result is added)."""
    body, sep, last = question_html.rpartition("\n\n")
    if sep and _HINT.fullmatch(re.sub(r"</?i>", "", last)):
        return body
    return question_html


def question_part(message_html: str) -> str:
    """The question without any result added below it earlier."""
    return message_html.split(SEPARATOR, 1)[0]


def result(fb: Feedback) -> str:
    right = "".join(fb.right)
    if fb.correct:
        return compose(["✅ ", b("Correct"), f": {right}."], RESULT_LIMIT)
    return compose(
        ["❌ ", b("Not quite"), f": you chose {''.join(fb.chosen)}; the answer is {right}."],
        RESULT_LIMIT,
    )


def group_results(answers: Sequence[GroupAnswer], shown: int = 30) -> str:
    if not answers:
        return ""
    right = sum(1 for a in answers if a.correct)
    pieces: list[Piece | str] = [b(f"Answers: {right} of {len(answers)} right")]
    for answer in answers[:shown]:
        pieces += ["\n", "✅ " if answer.correct else "❌ ", answer.display_name or "someone"]
    if len(answers) > shown:
        pieces.append(f"\n… and {len(answers) - shown} more")
    return compose(pieces, RESULT_LIMIT)


def callback_verdict(fb: Feedback) -> str:
    """The short notice shown to the person who pressed (answerCallbackQuery)."""
    right = "".join(fb.right)
    if fb.correct:
        return plain(f"✅ Correct! The answer is {right}.", CALLBACK_ANSWER_LIMIT)
    return plain(
        f"❌ Not quite. You chose {''.join(fb.chosen)}; the answer is {right}.",
        CALLBACK_ANSWER_LIMIT,
    )


def answered(question_html: str, fb: Feedback) -> str:
    """The question message once answered: the question without its "tap a letter" hint,
    a rule, then the verdict and the explanation, in one message (one edit) of at most
    MESSAGE_LIMIT characters. The explanation is shortened with "…" only when the two do
    not fit together."""
    head = without_hint(question_part(question_html)) + SEPARATOR
    return head + feedback(fb, MESSAGE_LIMIT - len(head))


def feedback(fb: Feedback, limit: int = MESSAGE_LIMIT) -> str:
    if fb.correct:
        pieces: list[Piece | str] = ["✅ ", b("Correct!"), f" {fb.verdict}\n\n"]
    else:
        pieces = ["❌ ", b("Not quite."), f" {fb.verdict}\n\n"]
    pieces += [fb.explanation.strip(), "\n"]
    for option in fb.options:
        mark = "✅" if option.correct else "❌"
        pick = " (your pick)" if option.chosen else ""
        pieces += ["\n", b(f"{option.letter} {mark}{pick}"), ": ", option.why.strip()]
    if fb.concepts:
        names = ", ".join(c.name for c in fb.concepts)
        pieces += ["\n\n", i(f"Concepts: {names}")]
    if fb.streak:
        pieces.append(f"\nDaily streak: {fb.streak} day(s).")
    return compose(pieces, limit)


# -- other views -----------------------------------------------------------------------------
def concept(card: ConceptView) -> str:
    title = card.title if card.name.lower() in card.title.lower() else f"{card.name}: {card.title}"
    pieces: list[Piece | str] = [
        b(title),
        " · ",
        i(card.category),
        "\n\n",
        card.summary.strip(),
        "\n\n",
        card.explanation.strip(),
    ]
    if card.related:
        pieces += ["\n\n", i("Related: " + ", ".join(name for _id, name in card.related))]
    return compose(pieces)


def catalogue_intro(card_count: int) -> str:
    lookup = "send /explain NAME (e.g. /explain NAT gateway)"
    return compose([b(labels.CATALOGUE_TITLE), "\n" + labels.catalogue_hint(card_count, lookup)])


def category_intro(name: str, count: int, page: int, pages: int) -> str:
    return compose([b(name), "\n" + labels.category_hint(count, page, pages)])


REPORT_TAG = re.compile(r"Report #(\d{1,18})\b")


def report_thanks(report_id: int, reason: str) -> str:
    """The reason message once tapped. Its "Report #id" lets a reply add a line to it."""
    return compose(
        [
            "⚑ Thanks: reported as ",
            b(reason),
            f". Report #{report_id}.\nTo add a line of detail, reply to this message (optional).",
        ]
    )


def stats(s: Stats) -> str:
    if not s.answered:
        return "No answers yet. Send /quiz to start."
    pieces: list[Piece | str] = [
        b("Your progress"),
        f"\nAnswered {s.answered} · correct {s.correct} · {_pct(s.accuracy)}\n",
    ]
    if s.blueprint:
        pieces.append(f"Exam domains of {s.blueprint}:")
    for d in s.domains:
        pieces += ["\n", b(d.label), f": {d.answered} answered, {_pct(d.accuracy)}"]
    if s.due_reviews:
        pieces.append(f"\n\nReviews due now: {s.due_reviews} (send /quiz)")
    if s.streak:
        pieces.append(f"\nDaily streak: {s.streak} (best {s.best_streak})")
    for note in s.notes:
        pieces += ["\n\n", i(note)]
    return compose(pieces)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def daily(setting: DailySetting) -> str:
    if setting.enabled:
        return compose(
            [
                "Daily question: every day at ",
                b(setting.time),
                f" ({setting.timezone}).\nChange it: /daily 08:30 Berlin, or /settings for "
                "buttons. Stop it: /daily off.",
            ]
        )
    return compose(
        [
            "Daily question: ",
            b("off"),
            f" (zone {setting.timezone}).\nTurn it on: send /daily and tap a time, or type "
            "/daily 08:30 Berlin.",
        ]
    )


def daily_picker(setting: DailySetting) -> str:
    """A bare /daily: the setting, above a time picker and "📍 Use my location"."""
    if setting.enabled:
        head: list[Piece | str] = [
            "Daily question: every day at ",
            b(setting.time),
            f" ({setting.timezone}).",
        ]
        tail = (
            "Tap another time, or type one with your city: /daily 08:30 Berlin. "
            "/daily off stops it."
        )
    else:
        head = ["Daily question: ", b("off"), f" (zone {setting.timezone})."]
        tail = "Tap a time to turn it on, or type one with your city: /daily 08:30 Berlin."
    return compose([*head, "\n", tail, "\n📍 sets your time zone from your location."])


def settings(current: StudentSettings, prompt: str = "") -> str:
    """/settings: each value in bold; below them, what a sub-menu asks (if one is open)."""
    pieces: list[Piece | str] = ["⚙️ ", b("Your settings")]
    for what, value in settings_view.rows(current):
        pieces += [f"\n{what}: ", b(value)]
    if prompt:
        pieces += ["\n\n", prompt]
    return compose(pieces)


LOCATION_PROMPT = (
    "Tap “📍 Share location” below: I only use it to find your time zone (offline), and "
    "keep nothing but the zone's name."
)


HELP_LINES = (
    ("/quiz [TOPIC]", "a practice question now; of one domain or service: /quiz security"),
    ("/settings", "your daily time and zone, reviews a day and track, as buttons"),
    ("/track", "what you study: the loaded packs and exam blueprints"),
    ("/reviews N", "at most N spaced-repetition reviews a day (default 30)"),
    ("/explain NAME", "the concept card for a service, e.g. /explain S3"),
    ("/stats", "your progress: domains against the pass mark, readiness, a chart"),
    ("/misses", "your last 10 wrong answers, to retry or read why"),
    ("/exam", "a timed exam (/exam short: 10 questions; /exam stop; /exam history)"),
    ("/daily", "a daily question: tap a time, or /daily 08:30 Berlin; /daily off"),
    ("/stop", "no more daily questions"),
    ("/help", "this help"),
)


def help_text(admin: bool = False) -> str:
    pieces: list[Piece | str] = [b("Commands")]
    for command, what in HELP_LINES:
        pieces += ["\n", command, " — ", what]
    if admin:
        pieces += ["\n", "/import", " — send a .yaml file with the caption /import (admins)"]
    pieces.append(
        "\n\nTap a letter to answer. In a group: /quiz asks everyone at once, /quiz 5 runs "
        "a quiz, /duel (as a reply) challenges a member, /leaderboard shows the best, "
        "/track shows what the group studies (its admins change it)."
    )
    return compose(pieces)


def welcome(name: str, setting: DailySetting, admin: bool = False) -> str:
    pieces: list[Piece | str] = [
        "Hi ",
        name or "there",
        "! I am ",
        b("SAA Tutor"),
        ": I help you prepare for the AWS Certified Solutions Architect – Associate exam.\n\n",
        b("How it works"),
        "\n• /quiz gives you an exam-style question; tap a letter to answer."
        "\n• I explain the answer and why each option is right or wrong."
        "\n• I remember what you missed and ask it again at the right time."
        "\n• /explain NAME shows a concept card, /stats your progress.\n\n",
    ]
    if setting.enabled:
        pieces += [
            "☀️ You get a daily question at ",
            b(setting.time),
            f" ({setting.timezone}). To change it, send /daily and tap a time or share "
            "your location, or type it: /daily 08:30 Berlin.",
        ]
    else:
        pieces.append(
            "☀️ Want a question every day? Send /daily and tap a time, or type it with your "
            "city: /daily 08:30 Berlin."
        )
    pieces.append("\n/settings shows and changes all of it.")
    if admin:
        pieces.append("\n\nYou are an admin: send a .yaml file with the caption /import.")
    return compose(pieces)


# -- admin import ----------------------------------------------------------------------------
def import_done(name: str, report: ImportReport) -> str:
    pieces: list[Piece | str] = [b(f"Imported {name}")]
    for line in report.lines():
        pieces += ["\n", line]
    return compose(pieces)


def import_refused(problems: Iterable[object], shown: int = 40) -> str:
    lines = [str(p) for p in problems]
    body = "\n".join(lines[:shown])
    if len(lines) > shown:
        body += f"\n… and {len(lines) - shown} more"
    return compose(
        [
            b(f"Import refused: {len(lines)} problem(s); nothing was changed."),
            "\n",
            Piece(body, "<pre>", "</pre>"),
        ]
    )
