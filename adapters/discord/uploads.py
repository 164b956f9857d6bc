"""/import file:<attachment>: lint, then load all-or-nothing (the same path as Telegram's).

Every check that can be made before downloading is made first: the name ends in
.yaml/.yml and the size Discord reports is within 1 MiB. The caller checks Manage Server.
"""

from __future__ import annotations

import logging

import discord
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.discord import render
from bot.content.catalog import UnknownPack, catalog, catalog_text, retire_pack, retired_text
from bot.content.importer import ImportRefused
from bot.content.upload import UploadRefused, check_size, file_name, import_upload, upload_limit
from bot.tutor import Tutor

log = logging.getLogger(__name__)

USAGE = (
    "Attach a .yaml question or concept file, or a .zip of a whole pack folder: "
    "/import file:<your file>."
)


class Uploads:
    def __init__(self, engine: AsyncEngine, tutor: Tutor) -> None:
        self.engine = engine
        self.tutor = tutor

    async def load(self, uploader: int, file: discord.Attachment) -> str:
        """Import the file; the reply for the uploader."""
        name = file_name(file.filename)
        try:
            check_size(name, file.size, upload_limit(name))
            report = await import_upload(self.engine, name, await file.read())
        except UploadRefused as refused:
            return f"{render.md(refused.name)} {refused.reason}" + (
                f" {USAGE}" if refused.usage else ""
            )
        except ImportRefused as refused:
            return render.import_refused(refused.problems)
        self.tutor.forget_bank()  # ask the new questions from the next /quiz on
        log.info("discord admin %s imported %s: %s", uploader, name, "; ".join(report.lines()))
        return render.import_done(name, report)

    async def content(self, admin: int, retire: str | None) -> str:
        """/content: the loaded packs, or retire one (the caller checks Manage Server)."""
        if retire is None:
            return render.md(catalog_text(await catalog(self.engine)))
        try:
            retired = await retire_pack(self.engine, retire.strip())
        except UnknownPack as unknown:
            message = unknown.message
            return render.md(f"{message[0].upper()}{message[1:]}; nothing was changed.")
        self.tutor.forget_bank()  # stop asking its questions from the next /quiz on
        log.info("discord admin %s retired pack %s", admin, retired.pack)
        return render.md(retired_text(retired))

