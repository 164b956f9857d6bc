"""The daily push through Telegram: one message with the question and its answer buttons."""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from adapters.telegram import keyboards, render
from bot.daily.errors import DeliveryBlocked, DeliveryRetryAfter, DeliveryUnknown
from bot.views import QuestionView

# Through the bot's shared rate limiter, wait out one 429 at most and retry nothing else:
# the daily sweeper decides what happens next (see adapters/telegram/ratelimit.py).
ONE_429_RETRY = 1


class TelegramNotifier:
    platform = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_question(self, external_id: str, view: QuestionView) -> str:
        try:
            message = await self.bot.send_message(
                int(external_id),
                render.question(view),
                reply_markup=keyboards.question(view),
                rate_limit_args=ONE_429_RETRY,
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
