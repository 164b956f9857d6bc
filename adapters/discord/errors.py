"""The Discord adapter's one startup error, importable without loading discord.py."""

from __future__ import annotations


class DiscordConfigError(Exception):
    """A Discord setting is missing or refused; the message names the variable."""
