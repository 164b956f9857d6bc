"""The daily push through Telegram: one message with the question and its answer buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut
from telegram.ext import ExtBot

from adapters.telegram import keyboards, render
from adapters.telegram.ratelimit import BULK
from bot.daily.errors import DeliveryBlocked, DeliveryRetryAfter, DeliveryUnknown
from bot.views import QuestionView

# Through the bot's shared rate limiter at the lower priority: replies to students go first,
# one 429 is waited out at most, nothing else is retried (the daily sweeper decides what
# happens next), and a send that waits too long for the budget comes back as a RetryAfter.


class TelegramNotifier:
    platform = "telegram"

    def __init__(self, bot: ExtBot[Any]) -> None:  # ExtBot: it takes rate_limit_args
        self.bot = bot

    async def send_question(self, external_id: str, view: QuestionView) -> str:
        try:
            message = await self.bot.send_message(
                int(external_id),
                render.question(view),
                reply_markup=keyboards.question(view),
                rate_limit_args=BULK,
            )
        except Forbidden as error:
            raise DeliveryBlocked(str(error)) from error
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                raise DeliveryBlocked(str(error)) from error
            raise
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise DeliveryRetryAfter(seconds) from error
        except TimedOut as error:
            raise DeliveryUnknown(str(error)) from error
        return f"{external_id}:{message.message_id}"
