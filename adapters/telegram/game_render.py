"""Game views -> Telegram HTML and inline keyboards (every text escaped, within limits).

Buttons carry the core's game actions (`bot.games.actions`), plus the ordinary Explain and
Next question buttons under the reveal of a single group question.
"""

from __future__ import annotations

from itertools import combinations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.callbacks import Explain, NextQuestion
from adapters.telegram.render import NUMBER_WORDS, Piece, b, compose, i
from bot.games.actions import Accept, AnswerRound, Decline, Reveal
from bot.games.views import (
    DUEL,
    GROUP_QUIZ,
    INVITE_ACCEPTED,
    INVITE_CANCELLED,
    INVITE_DECLINED,
    INVITE_EXPIRED,
    INVITE_OPEN,
    OVER_STALE,
    OVER_STOPPED,
    GameOverView,
    GameView,
    InviteView,
    LeaderboardView,
    PlayerScore,
    RankRow,
    RevealView,
    RoundView,
)

LETTERS = "ABCDEF"
EXPLANATION_LIMIT = 700  # "a short explanation": the whole card is one /explain away
MAX_EXPLAIN_BUTTONS = 3
SHOWN_ANSWERS = 30

Rendered = tuple[str, InlineKeyboardMarkup | None]


def render(view: GameView) -> Rendered:
    if isinstance(view, InviteView):
        return invite(view)
    if isinstance(view, RoundView):
        return round_question(view)
    if isinstance(view, RevealView):
        return reveal(view)
    return game_over(view), None


# -- invitations -----------------------------------------------------------------------------
def invite(view: InviteView) -> Rendered:
    duel: list[Piece | str] = [
        "⚔️ ",
        b("Duel"),
        ": ",
        view.challenger,
        " challenges ",
        view.opponent,
        f" to {view.rounds} rounds",
    ]
    if view.status == INVITE_OPEN:
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Accept ⚔️", callback_data=Accept(view.game_id).encode()),
                    InlineKeyboardButton("Decline", callback_data=Decline(view.game_id).encode()),
                ]
            ]
        )
        pieces: list[Piece | str] = [
            *duel,
            ".\n\n",
            view.opponent,
            ", accept within 2 minutes. Each round: one question, answer privately with the "
            "buttons; the quicker right answer scores more.",
        ]
        return compose(pieces), buttons
    outcome = {
        INVITE_ACCEPTED: "Accepted: good luck!",
        INVITE_DECLINED: f"{view.opponent} declined.",
        INVITE_EXPIRED: "The invitation expired.",
        INVITE_CANCELLED: "Called off.",
    }.get(view.status, view.status)
    return compose([*duel, ".\n", i(outcome)]), None


# -- rounds ----------------------------------------------------------------------------------
def round_question(view: RoundView) -> Rendered:
    q = view.question
    if view.kind == DUEL:
        head: list[Piece | str] = [
            "⚔️ ",
            b(f"Round {view.round_no}/{view.rounds}"),
            " · ",
            " vs ".join(view.players),
        ]
    elif view.kind == GROUP_QUIZ:
        head = ["🧠 ", b(f"Quiz · round {view.round_no}/{view.rounds}")]
    else:
        head = ["❓ ", b("Question for the group")]
    pieces: list[Piece | str] = [
        *head,
        f" · {view.seconds} s\n",
        i(q.header),
        "\n\n",
        q.scenario.strip(),
        "\n",
    ]
    for option in q.options:
        pieces += ["\n", b(f"{option.letter}."), " ", option.text.strip()]
    pieces += ["\n\n", i(_hint(view))]
    if view.closed:
        return compose(pieces), None
    return compose(pieces), answer_buttons(view)


def _hint(view: RoundView) -> str:
    if view.closed:
        return "⏱ Closed: the answer is below."
    if view.kind == DUEL:
        who = "Players: tap your answer; it stays private until both answered or time is up."
    else:
        who = "Everyone may answer once; the answer is shown when the round closes."
    if view.question.select > 1:
        count = NUMBER_WORDS.get(view.question.select, str(view.question.select))
        who += f" Select {count}: tap the button with your combination."
    if view.revealable:
        who += " Reveal shows the answer now."
    return who


def answer_buttons(view: RoundView) -> InlineKeyboardMarkup:
    q = view.question
    letters = LETTERS[: len(q.options)]
    if q.select == 1:
        picks = list(letters)
        per_row = 6
    else:  # several members answer one message: every combination is a button
        picks = ["".join(c) for c in combinations(letters, q.select)]
        per_row = 4
    buttons = [
        InlineKeyboardButton("+".join(p), callback_data=AnswerRound(q.ask_id, p).encode())
        for p in picks
    ]
    rows = [buttons[k : k + per_row] for k in range(0, len(buttons), per_row)]
    if view.revealable:
        rows.append([InlineKeyboardButton("Reveal", callback_data=Reveal(view.game_id).encode())])
    return InlineKeyboardMarkup(rows)


# -- reveals ---------------------------------------------------------------------------------
def reveal(view: RevealView) -> Rendered:
    right = "".join(view.right)
    label = "Answers" if len(view.right) > 1 else "Answer"
    pieces: list[Piece | str] = []
    if view.kind != "single":
        pieces += [b(f"Round {view.round_no}/{view.rounds}"), " · "]
    if view.timed_out:
        pieces.append("⏱ time is up. ")
    pieces += ["✅ ", b(f"{label}: {right}"), " — ", "; ".join(view.right_text), "\n\n"]
    explanation = view.explanation.strip()
    if len(explanation) > EXPLANATION_LIMIT:
        explanation = explanation[: EXPLANATION_LIMIT - 1].rstrip() + "…"
    pieces += [explanation, "\n"]
    if view.answers:
        count = sum(1 for a in view.answers if a.correct)
        pieces += ["\n", b(f"{count} of {len(view.answers)} right")]
        for a in view.answers[:SHOWN_ANSWERS]:
            mark = "✅" if a.correct else "❌"
            points = f" +{a.points}" if a.points else ""
            first = " (first!)" if a.first and view.kind != DUEL else ""
            pieces += ["\n", f"{mark} ", a.name, f" ({a.letters}){points}{first}"]
        if len(view.answers) > SHOWN_ANSWERS:
            pieces.append(f"\n… and {len(view.answers) - SHOWN_ANSWERS} more")
    else:
        pieces += ["\n", i("Nobody answered.")]
    if view.kind != "single" and view.scores:
        pieces += ["\n\n", b("Scores"), ": ", _scores(view.scores)]
    if not view.last:
        pieces += ["\n", i("Next round in a few seconds…")]
    return compose(pieces), _reveal_buttons(view)


def _scores(scores: tuple[PlayerScore, ...], shown: int = 10) -> str:
    text = " · ".join(f"{s.name} {s.score}" for s in scores[:shown])
    return text + (f" · … {len(scores) - shown} more" if len(scores) > shown else "")


def _reveal_buttons(view: RevealView) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(f"Explain {c.name}", callback_data=Explain(c.id).data())]
        for c in view.concepts[:MAX_EXPLAIN_BUTTONS]
    ]
    if view.next_button:
        rows.append([InlineKeyboardButton("Next question", callback_data=NextQuestion().data())])
    return InlineKeyboardMarkup(rows) if rows else None


# -- the end ---------------------------------------------------------------------------------
def game_over(view: GameOverView) -> str:
    if view.reason == OVER_STOPPED:
        pieces: list[Piece | str] = ["⏹ ", b("Game stopped"), f" after {view.rounds_played} "]
        pieces.append(f"of {view.rounds} rounds. No ratings changed.")
    elif view.reason == OVER_STALE:
        pieces = ["⏹ ", b("Game ended"), ": I was offline too long to go on. No ratings changed."]
    elif view.kind == DUEL:
        pieces = (
            ["🏆 ", b(f"{view.winner} wins the duel!")]
            if view.winner
            else ["🤝 ", b("The duel is a draw!")]
        )
    else:
        pieces = ["🏁 ", b("Quiz over!"), " Final standings:"]
    if view.standings:
        pieces.append("\n")
        for rank, s in enumerate(view.standings, start=1):
            pieces += ["\n", f"{rank}. ", s.name, f" — {s.score} points ({s.correct} right)"]
            if s.rating is not None and s.rating_change is not None:
                pieces.append(f" · rating {s.rating} ({s.rating_change:+d})")
    return compose(pieces)


def leaderboard(view: LeaderboardView) -> str:
    pieces: list[Piece | str] = ["🏆 ", b("Leaderboard"), "\n\n", b("⚔️ Duels"), " (rating)"]
    pieces += _board(view.duels, view.my_duel, duel=True)
    pieces += ["\n\n", b("🧠 Quizzes"), " (points)"]
    pieces += _board(view.quizzes, view.my_quiz, duel=False)
    return compose(pieces)


def _board(rows: tuple[RankRow, ...], me: RankRow | None, duel: bool) -> list[Piece | str]:
    if not rows:
        hint = "reply to a member with /duel" if duel else "/quiz 5 starts a quiz"
        return ["\n", i(f"Nobody yet: {hint}.")]
    pieces: list[Piece | str] = []
    for r in rows:
        pieces += ["\n", f"{r.rank}. ", r.name, f" — {r.value}", _record(r, duel)]
    if me is None:
        pieces += ["\n", i("You are not on this board yet.")]
    else:
        pieces += ["\n", i(f"You: #{me.rank} with {me.value}{_record(me, duel)}")]
    return pieces


def _record(r: RankRow, duel: bool) -> str:
    if duel:
        draws = f" {r.draws}D" if r.draws else ""
        return f" ({r.wins}W {r.losses}L{draws})"
    return f" ({r.played} game{'s' if r.played != 1 else ''})"
