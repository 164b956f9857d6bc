"""Sending outside an interaction: members' daily DMs (Notifier) and channel dailies."""

from __future__ import annotations

import contextlib

import aiohttp
import discord

from adapters.discord import buttons, render
from bot.daily.errors import DeliveryBlocked, DeliveryRetryAfter, DeliveryUnknown
from bot.views import Feedback, GroupAnswer, QuestionView

CANNOT_DM = 50007  # Discord's "Cannot send messages to this user"


class DiscordNotifier:
    """The daily push by DM, only to members who asked for it (/daily me)."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send_question(self, external_id: str, view: QuestionView) -> str:
        try:
            channel = await self.client.create_dm(discord.Object(int(external_id)))
            message = await channel.send(
                embed=render.question(view), view=buttons.question_view(view)
            )
        except discord.Forbidden as error:  # DMs closed, or no server shared any more
            raise DeliveryBlocked(str(error)) from error
        except discord.NotFound as error:
            raise DeliveryBlocked(str(error)) from error
        except discord.RateLimited as error:
            raise DeliveryRetryAfter(error.retry_after) from error
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise DeliveryUnknown(str(error)) from error
        return f"{channel.id}:{message.id}"


class DiscordChannelPoster:
    """A channel's daily question and, later, its reveal."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post_question(self, channel: str, view: QuestionView) -> str:
        target = self.client.get_partial_messageable(int(channel))
        message = await target.send(
            embed=render.question(view, group=True, title="☀️ Today's question"),
            view=buttons.question_view(view),
        )
        return f"{channel}:{message.id}"

    async def post_reveal(
        self, channel: str, message_ref: str | None, reveal: Feedback, answers: list[GroupAnswer]
    ) -> None:
        target = self.client.get_partial_messageable(int(channel))
        if message_ref:
            message_id = int(message_ref.split(":")[-1])
            with contextlib.suppress(discord.HTTPException):  # answers closed: buttons go
                await target.get_partial_message(message_id).edit(view=None)
        await target.send(embed=render.reveal(reveal, answers))
