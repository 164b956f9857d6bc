"""/stats (a chart photo with the report as its caption) and /misses (retry or read why).

Buttons: `mr:<question>` asks that question again (a new ask), `mx:<question>` shows its
explanation. Question ids are database keys; the core refuses unknown or retired ones.
"""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit
from telegram.ext import CallbackQueryHandler, CommandHandler

from adapters.telegram import keyboards, render
from adapters.telegram.handlers import Context, TelegramApp, _message_and_user, user_ref
from bot.chart import chart_png
from bot.progress import MissView, Progress, chart_numbers
from bot.progress_text import miss_text, misses_text, report_text

PATTERN = r"^m[rx]:\d{1,18}$"
_DATA = re.compile(PATTERN)


def misses_keyboard(misses: list[MissView]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(f"🔁 Retry {n}", callback_data=f"mr:{m.question_key}"),
                InlineKeyboardButton(f"📖 Why {n}", callback_data=f"mx:{m.question_key}"),
            ]
            for n, m in enumerate(misses, 1)
        ]
    )


class ProgressHandlers:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def register(self, application: TelegramApp) -> None:
        """Before the general handlers, so that /stats and these buttons land here."""
        application.add_handler(CommandHandler("stats", self.stats))
        application.add_handler(CommandHandler("misses", self.misses))
        application.add_handler(CallbackQueryHandler(self.button, pattern=PATTERN))

    async def stats(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        report = await self.progress.report(user_ref(user))
        text = html.escape(report_text(report))
        if not report.answered:
            await message.reply_text(text)
            return
        png = await chart_png(chart_numbers(report))
        if len(text) <= MessageLimit.CAPTION_LENGTH:
            await message.reply_photo(png, caption=text)
            return
        # Too long for a caption (many domains or notes): the chart, then the text.
        await message.reply_photo(png, caption=html.escape(report.blueprint)[:1000] or None)
        await message.reply_text(text[: MessageLimit.MAX_TEXT_LENGTH])

    async def misses(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        found = await self.progress.misses(user_ref(user))
        markup = misses_keyboard(found) if found else None
        await message.reply_text(html.escape(misses_text(found)), reply_markup=markup)

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None or query.data is None or not _DATA.fullmatch(query.data):
            return
        kind, _, key = query.data.partition(":")
        message = query.message if isinstance(query.message, Message) else None
        target = message.chat.id if message is not None else query.from_user.id
        if kind == "mx":
            text = miss_text(await self.progress.miss(user_ref(query.from_user), int(key)))
            await query.answer()
            await context.bot.send_message(
                target, html.escape(text)[: MessageLimit.MAX_TEXT_LENGTH]
            )
            return
        view = await self.progress.retry(user_ref(query.from_user), int(key))
        await query.answer()
        sent = await context.bot.send_message(
            target, render.question(view), reply_markup=keyboards.question(view)
        )
        await self.progress.tutor.set_message_ref(view.ask_id, f"{target}:{sent.message_id}")
