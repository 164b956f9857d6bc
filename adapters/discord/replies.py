"""Answering interactions: defer first, reply after, and one boundary for every error.

- `guarded` defers the interaction before any work (ephemerally, unless the command's
  answer is for the whole channel), so Discord always hears back within 3 s however slow
  the database is, then runs the handler.
  A click that edits its own message defers as an update instead (no "thinking…").
- A TutorError (the core's typed errors, games' refusals included) is told to the member
  privately; anything else is logged and the member gets a short apology.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord

from adapters.discord import render
from bot.errors import TutorError

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."

P = ParamSpec("P")
S = TypeVar("S")
Handler = Callable[Concatenate[S, discord.Interaction[Any], P], Awaitable[None]]


def guarded(
    ephemeral: bool = True, *, update: bool = False, defer: bool = True
) -> Callable[[Handler[S, P]], Handler[S, P]]:
    """`update`: a click that edits its own message (deferred without "thinking…");
    `defer=False`: a handler that must answer first itself (with a form, which cannot
    follow a deferral), quickly."""

    def decorate(handler: Handler[S, P]) -> Handler[S, P]:
        async def run(
            self: S, interaction: discord.Interaction[Any], /, *args: P.args, **kwargs: P.kwargs
        ) -> None:
            try:
                if defer and not interaction.response.is_done():
                    await interaction.response.defer(ephemeral=ephemeral, thinking=not update)
                await handler(self, interaction, *args, **kwargs)
            except TutorError as error:
                await tell(interaction, error.message)
            except Exception:
                log.exception("interaction %s failed", _describe(interaction))
                await tell(interaction, APOLOGY)

        functools.update_wrapper(run, handler)  # not @wraps: that types it as functools' _Wrapped
        return run

    return decorate


async def tell(interaction: discord.Interaction[Any], text: str) -> None:
    """Say `text` to the member privately; failing to say it is only logged."""
    text = render.cut(text, render.CONTENT_LIMIT)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as error:
        log.info("could not tell %s: %s", _describe(interaction), error)


def _describe(interaction: discord.Interaction[Any]) -> str:
    data: dict[str, Any] = dict(interaction.data or {})
    what = data.get("name") or data.get("custom_id") or interaction.type.name
    return f"{what} by {interaction.user.id if interaction.user else '?'}"
