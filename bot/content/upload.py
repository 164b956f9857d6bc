"""A file an admin sends to a bot: a .yaml file, or a .zip of a whole pack folder.

The checks and the import are the same on every platform; each adapter only says the
outcome in its own markup. Every check that can be made before downloading is offered
separately (`upload_limit`, `check_size`), so adapters refuse a file without fetching it.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.content.archive import MAX_ZIP_BYTES, is_archive
from bot.content.importer import import_archive, import_text
from bot.content.yamlsafe import MAX_FILE_BYTES
from bot.views import ImportReport

SUFFIXES = (".yaml", ".yml")


class UploadRefused(Exception):
    """Why a file was not imported, said after its name: "<name> <reason>". `usage`: the
    adapter should add how to send a file."""

    def __init__(self, name: str, reason: str, usage: bool = False) -> None:
        super().__init__(f"{name} {reason}")
        self.name = name
        self.reason = reason
        self.usage = usage


def file_name(sent: str | None) -> str:
    """The name a platform gives a file, without any folders."""
    return PurePosixPath(sent or "upload.yaml").name


def upload_limit(name: str) -> int:
    """The most bytes a file of this name may have; UploadRefused for any other kind."""
    if is_archive(name):
        return MAX_ZIP_BYTES
    if not name.lower().endswith(SUFFIXES):
        raise UploadRefused(name, "is not a .yaml file.", usage=True)
    return MAX_FILE_BYTES


def check_size(name: str, size: int | None, limit: int) -> None:
    """Refuse a file over `limit` bytes (a size the platform does not know passes)."""
    if size is not None and size > limit:
        raise UploadRefused(
            name,
            f"is {size:,} bytes; the limit is {limit:,} ({limit // 1024 // 1024} MiB). "
            "Split it into smaller files; nothing was changed.",
        )


async def import_upload(engine: AsyncEngine, name: str, data: bytes) -> ImportReport:
    """Lint and load the file all-or-nothing. Raises UploadRefused, or the importer's
    ImportRefused with the problems at fault."""
    check_size(name, len(data), upload_limit(name))
    if is_archive(name):
        return await import_archive(engine, name, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadRefused(name, "is not UTF-8 text; nothing was changed.") from None
    return await import_text(engine, name, text)
