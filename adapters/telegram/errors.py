"""The one error handler: where every failure of an update ends.

- A TutorError (the core's typed errors) is told to the user: as the notice of a button
  press, or as a reply in the chat.
- Forbidden means the user blocked the bot: the user is marked inactive, nothing is sent.
- Anything else is logged (with its traceback, in the log only) and the user gets a short
  apology.
RetryAfter and network errors have already been retried by the rate limiter when they get
here; they are logged without a traceback. While the bot shuts down, apologies are dropped
(and counted): Telegram is likely unreachable, and shutdown must not wait on it.
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from adapters.telegram import render
from adapters.telegram.handlers import chat_ref
from adapters.telegram.updates import ChatOrderedProcessor
from bot.errors import TutorError
from bot.tutor import Tutor

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."


class ErrorBoundary:
    def __init__(self, tutor: Tutor, processor: ChatOrderedProcessor | None = None) -> None:
        self.tutor = tutor
        self.processor = processor

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if isinstance(error, TutorError):
            await self.tell(update, context, error.message)
            return
        if isinstance(error, Forbidden):
            await self.blocked(update)
            return
        if isinstance(error, RetryAfter | NetworkError) and not isinstance(error, BadRequest):
            log.warning("giving up on an update after retries: %s", error)
        else:
            log.error("an update failed", exc_info=error)
        if self.processor is not None and self.processor.draining:
            self.processor.report.apologies_dropped += 1
            return
        await self.tell(update, context, APOLOGY)

    async def blocked(self, update: object) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or chat.type != Chat.PRIVATE:
            log.info("forbidden to write to chat %s", chat.id if chat else "?")
            return
        log.info("user %s blocked the bot: marked inactive", chat.id)
        await self.tutor.mark_inactive(chat_ref(chat.id))

    async def tell(self, update: object, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        """Say `text` where the user will see it; failing to say it is only logged."""
        if not isinstance(update, Update):
            return
        query = update.callback_query
        if query is not None:
            try:
                await query.answer(render.plain(text, render.CALLBACK_ANSWER_LIMIT))
                return
            except TelegramError as error:  # e.g. the query was already answered
                log.debug("could not answer the callback query: %s", error)
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await context.bot.send_message(chat.id, render.escaped(text))
        except TelegramError as error:
            log.info("could not tell chat %s about an error: %s", chat.id, error)
