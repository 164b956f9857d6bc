"""/import file:<attachment>: lint, then load all-or-nothing (the same path as Telegram's).

Every check that can be made before downloading is made first: the name ends in
.yaml/.yml and the size Discord reports is within 1 MiB. The caller checks Manage Server.
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath

import discord
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.discord import render
from bot.content.archive import MAX_ZIP_BYTES, is_archive
from bot.content.catalog import UnknownPack, catalog, catalog_text, retire_pack, retired_text
from bot.content.importer import ImportRefused, import_archive, import_text
from bot.content.yamlsafe import MAX_FILE_BYTES
from bot.tutor import Tutor

log = logging.getLogger(__name__)

SUFFIXES = (".yaml", ".yml")
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
        name = PurePosixPath(file.filename or "upload.yaml").name
        zipped = is_archive(name)
        if not zipped and not name.lower().endswith(SUFFIXES):
            return f"{render.md(name)} is not a .yaml file. {USAGE}"
        limit = MAX_ZIP_BYTES if zipped else MAX_FILE_BYTES
        if file.size > limit:
            return _too_big(name, file.size, limit)
        data = await file.read()
        if len(data) > limit:
            return _too_big(name, len(data), limit)
        try:
            if zipped:
                report = await import_archive(self.engine, name, data)
            else:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    return f"{render.md(name)} is not UTF-8 text; nothing was changed."
                report = await import_text(self.engine, name, text)
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


def _too_big(name: str, size: int, limit: int = MAX_FILE_BYTES) -> str:
    return (
        f"{render.md(name)} is {size:,} bytes; the limit is {limit:,} "
        f"({limit // 1024 // 1024} MiB). "
        "Split it into smaller files; nothing was changed."
    )
