"""What the games need from a platform: a way to post and edit views in a channel."""

from __future__ import annotations

from typing import Protocol

from bot.games.views import GameView, Venue


class GamePublisher(Protocol):
    """Posts game views in a platform's channels (one publisher per platform).

    Raising is allowed (the service logs it and the game goes on), but a publisher should
    wait out its platform's rate limits itself.
    """

    platform: str

    async def post(self, venue: Venue, view: GameView) -> str:
        """Send `view` to the venue's channel; the message's reference (for `edit`)."""
        ...

    async def edit(self, venue: Venue, message_ref: str, view: GameView) -> None:
        """Replace the message `message_ref` (from `post`) with `view`."""
        ...
