"""Who and where an interaction comes from, in the core's terms."""

from __future__ import annotations

from typing import Any

import discord

from bot.games.views import Venue
from bot.views import UserRef

PLATFORM = "discord"


def user_ref(user: discord.abc.User) -> UserRef:
    return UserRef(PLATFORM, str(user.id), user.display_name)


def venue_of(interaction: discord.Interaction[Any]) -> Venue | None:
    """The server channel of an interaction; None in a DM."""
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    return Venue(PLATFORM, str(interaction.guild_id), str(interaction.channel_id))
