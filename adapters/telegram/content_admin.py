"""/content for admins named in TELEGRAM_ADMINS: the loaded packs, and `/content retire PACK`.

The text comes from bot.content.catalog, the same that `tutor content list` prints.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from adapters.telegram import render
from adapters.telegram.handlers import TelegramApp
from bot.content.catalog import UnknownPack, catalog, catalog_text, retire_pack, retired_text
from bot.tutor import Tutor

NOT_ADMIN = "Only admins can manage content."
USAGE = "/content lists the packs; /content retire PACK stops asking a pack's questions."


class ContentAdmin:
    def __init__(self, engine: AsyncEngine, tutor: Tutor, admins: frozenset[int]) -> None:
        self.engine = engine
        self.tutor = tutor
        self.admins = admins

    def register(self, application: TelegramApp) -> None:
        application.add_handler(CommandHandler("content", self.command))

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None:
            return
        if user is None or user.id not in self.admins:
            await message.reply_text(NOT_ADMIN)
            return
        args = list(context.args or [])
        if not args:
            text = catalog_text(await catalog(self.engine))
        elif args[0].lower() == "retire" and len(args) == 2:
            try:
                text = retired_text(await retire_pack(self.engine, args[1]))
            except UnknownPack as unknown:
                text = f"{unknown.message[0].upper()}{unknown.message[1:]}; nothing was changed."
            else:
                self.tutor.forget_bank()  # stop asking its questions from the next /quiz on
        else:
            text = USAGE
        await message.reply_text(render.escaped(text))
