"""The Discord adapter (discord.py 2): slash commands, buttons, daily DMs and channels,
games. Nothing in `bot/` imports it."""
