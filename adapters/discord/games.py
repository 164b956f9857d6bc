"""Games on Discord: the GamePublisher port (post/edit views in a channel) and their looks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import discord

from adapters.discord import buttons, render
from bot.games.ports import ChannelGone
from bot.games.views import (
    DUEL,
    INVITE_OPEN,
    GameOverView,
    GameView,
    InviteView,
    LeaderboardView,
    RankRow,
    RevealView,
    RoundView,
    Venue,
)

KIND_NAMES = {DUEL: "Duel", "quiz": "Group quiz", "single": "Question"}


UNKNOWN_CHANNEL = 10003


class DiscordGamePublisher:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post(self, venue: Venue, view: GameView) -> str:
        channel = self.client.get_partial_messageable(int(venue.channel))
        with _channel_gone(venue):
            message = await channel.send(**game_message(view))
        return f"{venue.channel}:{message.id}"

    async def edit(self, venue: Venue, message_ref: str, view: GameView) -> None:
        channel_id, message_id = message_ref.split(":")
        channel = self.client.get_partial_messageable(int(channel_id))
        with _channel_gone(venue):
            await channel.get_partial_message(int(message_id)).edit(**game_message(view))


@contextmanager
def _channel_gone(venue: Venue) -> Iterator[None]:
    """The bot was removed, lost its permissions there, or the channel was deleted: the
    service ends the channel's games (a deleted message is only logged by the service)."""
    try:
        yield
    except discord.Forbidden as error:
        raise ChannelGone(f"no access to channel {venue.channel}: {error}") from error
    except discord.NotFound as error:
        if error.code == UNKNOWN_CHANNEL:
            raise ChannelGone(f"channel {venue.channel} is gone") from error
        raise


def game_message(view: GameView) -> dict[str, Any]:
    """Keyword arguments for send/edit: one embed and its buttons (or none)."""
    if isinstance(view, InviteView):
        return invite(view)
    if isinstance(view, RoundView):
        return round_message(view)
    if isinstance(view, RevealView):
        return reveal(view)
    return game_over(view)


def invite(view: InviteView) -> dict[str, Any]:
    who = f"{render.md(view.challenger)} challenges {render.md(view.opponent)}"
    if view.status == INVITE_OPEN:
        expires = discord.utils.format_dt(view.expires_at, "R")
        text = f"{who} to a duel of {view.rounds} rounds. The invitation expires {expires}."
        items: list[discord.ui.Item[Any]] = [
            buttons.GameButton("a", view.game_id),
            buttons.GameButton("d", view.game_id),
        ]
        return {"embed": render.embed("⚔️ Duel invitation", text), "view": buttons.items_view(items)}
    text = f"{who} to a duel of {view.rounds} rounds: {view.status}."
    return {"embed": render.embed("⚔️ Duel invitation", text), "view": None}


def round_message(view: RoundView) -> dict[str, Any]:
    kind = KIND_NAMES.get(view.kind, "Round")
    title = f"{kind}: round {view.round_no}/{view.rounds}" if view.kind != "single" else kind
    if view.players:
        title += " · " + " vs ".join(view.players)
    embed = render.question(view.question, group=True, title=render.cut(title, 200))
    if view.closed:
        embed.set_footer(text="Closed.")
        return {"embed": embed, "view": None}
    closes = discord.utils.format_dt(view.closes_at, "R")
    embed.add_field(name="Time", value=f"{view.seconds} s: closes {closes}", inline=False)
    answer = buttons.question_view(view.question, game=True)
    if view.revealable and len(answer.children) < buttons.MAX_BUTTONS:
        answer.add_item(buttons.GameButton("r", view.game_id))
    return {"embed": embed, "view": answer}


def reveal(view: RevealView) -> dict[str, Any]:
    right = "".join(view.right)
    lines = [f"**{right}**: " + "; ".join(render.md(t) for t in view.right_text), ""]
    lines.append(render.md(view.explanation))
    fields: list[tuple[str, str]] = []
    if view.answers:
        fields.append(
            (
                "Answers",
                "\n".join(
                    f"{'✅' if a.correct else '❌'} {render.md(a.name)}: {a.letters}"
                    f"{f' (+{a.points})' if a.points else ''}{' ⚡ first' if a.first else ''}"
                    for a in view.answers[:30]
                ),
            )
        )
    else:
        fields.append(("Answers", "Nobody answered" + (" in time." if view.timed_out else ".")))
    if view.scores and view.kind != "single":
        fields.append(("Scores", scores(view.scores)))
    title = f"Round {view.round_no}/{view.rounds}: the answer is {right}"
    if view.kind == "single":
        title = f"The answer is {right}"
    items: list[discord.ui.Item[Any]] = [
        buttons.ExplainButton(c.id, c.name) for c in view.concepts[:5]
    ]
    embed = render.embed(title, "\n".join(lines), colour=render.GOLD, fields=fields)
    return {"embed": embed, "view": buttons.items_view(items)}


def game_over(view: GameOverView) -> dict[str, Any]:
    kind = KIND_NAMES.get(view.kind, "Game")
    if view.reason == "stopped":
        head = f"{kind} stopped after {view.rounds_played} of {view.rounds} rounds."
    elif view.reason == "stale":
        head = f"{kind} ended: I was away too long to go on."
    elif view.kind == DUEL:
        head = f"🏆 {render.md(view.winner)} wins!" if view.winner else "It is a draw."
    else:
        head = f"{kind} over after {view.rounds_played} rounds."
    fields = [("Standings", scores(view.standings))] if view.standings else []
    embed = render.embed(f"{kind} over", head, colour=render.GOLD, fields=fields)
    return {"embed": embed, "view": None}


def scores(rows: Any) -> str:
    out = []
    for place, s in enumerate(rows, start=1):
        line = f"{place}. {render.md(s.name)}: {s.score} points ({s.correct} right)"
        if s.rating is not None:
            change = f"{s.rating_change:+d}" if s.rating_change is not None else ""
            line += f" · rating {s.rating} {change}".rstrip()
        out.append(line)
    return "\n".join(out) or "—"


def _rank_lines(rows: tuple[RankRow, ...], me: RankRow | None, duels: bool) -> str:
    def line(r: RankRow) -> str:
        if duels:
            return f"{r.rank}. {render.md(r.name)}: {r.value} ({r.wins}W {r.losses}L {r.draws}D)"
        return f"{r.rank}. {render.md(r.name)}: {r.value} points in {r.played} game(s)"

    lines = [line(r) for r in rows] or ["Nobody yet."]
    if me is not None and all(r.rank != me.rank for r in rows):
        lines.append(f"…\n{line(me)}")
    return "\n".join(lines)


def leaderboard_embed(view: LeaderboardView, board: str | None) -> discord.Embed:
    fields = []
    if board in (None, "duels"):
        fields.append(("Duels (rating)", _rank_lines(view.duels, view.my_duel, True)))
    if board in (None, "quiz"):
        fields.append(("Group quizzes (points)", _rank_lines(view.quizzes, view.my_quiz, False)))
    return render.embed("🏅 Leaderboard", "", colour=render.GOLD, fields=fields)
