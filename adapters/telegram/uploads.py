"""Admin content import: a .yaml document with the caption /import, or /import as a reply.

Every check that can be made without the file is made before it is downloaded: the sender
is an admin, the name ends in .yaml/.yml, and the size Telegram reports is within 1 MiB.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Document, Message, Update
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from adapters.telegram import render
from adapters.telegram.handlers import TelegramApp
from bot.content.importer import ImportRefused
from bot.content.upload import UploadRefused, check_size, file_name, import_upload, upload_limit
from bot.tutor import Tutor

log = logging.getLogger(__name__)

IMPORT_CAPTION = r"^/import(@\w+)?(\s|$)"
NOT_ADMIN = "Only admins can import content."
USAGE = (
    "Send a .yaml file, or a .zip of a whole pack folder, with the caption /import, "
    "or reply /import to one."
)


class Uploads:
    def __init__(self, engine: AsyncEngine, tutor: Tutor, admins: frozenset[int]) -> None:
        self.engine = engine
        self.tutor = tutor
        self.admins = admins

    def register(self, application: TelegramApp) -> None:
        application.add_handler(CommandHandler("import", self.command))
        application.add_handler(
            MessageHandler(
                filters.Document.ALL & filters.CaptionRegex(IMPORT_CAPTION), self.caption
            )
        )

    async def caption(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.document is None:
            return
        await self.upload(update, message, message.document)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        replied = message.reply_to_message
        if not self._is_admin(update):
            await message.reply_text(NOT_ADMIN)
        elif replied is None or replied.document is None:
            await message.reply_text(USAGE)
        else:
            await self.upload(update, message, replied.document)

    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admins

    async def upload(self, update: Update, message: Message, document: Document) -> None:
        if not self._is_admin(update):
            await message.reply_text(NOT_ADMIN)
            return
        name = file_name(document.file_name)
        try:
            limit = upload_limit(name)
            check_size(name, document.file_size, limit)
            file = await document.get_file()
            check_size(name, file.file_size, limit)
            report = await import_upload(
                self.engine, name, bytes(await file.download_as_bytearray())
            )
        except UploadRefused as refused:
            text = str(refused) + (f" {USAGE}" if refused.usage else "")
            await message.reply_text(render.escaped(text))
            return
        except ImportRefused as refused:
            await message.reply_text(render.import_refused(refused.problems))
            return
        self.tutor.forget_bank()  # ask the new questions from the next /quiz on
        log.info(
            "admin %s imported %s: %s",
            update.effective_user.id if update.effective_user else "?",
            name,
            "; ".join(report.lines()),
        )
        await message.reply_text(render.import_done(name, report))
