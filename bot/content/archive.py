"""A whole pack in one upload: the YAML files of a .zip of the pack folder, read defensively.

Refused with a plain message, before anything is imported: an archive over MAX_ZIP_BYTES,
more than MAX_MEMBERS entries, more than MAX_TOTAL_BYTES once unpacked or a member that
unpacks to more than MAX_RATIO times its packed size (zip bombs: sizes are counted while
reading, never taken from the headers), absolute paths, `..`, symlinks, encrypted members,
and any YAML member over the 1 MiB a single file may have. Files other than *.yaml/*.yml
(a README, macOS's __MACOSX/ folder) are skipped.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import PurePosixPath

from bot.content.yamlsafe import MAX_FILE_BYTES

MAX_ZIP_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100
SUFFIXES = (".yaml", ".yml")


class ArchiveRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_archive(name: str) -> bool:
    return name.lower().endswith(".zip")


def pack_files(name: str, data: bytes) -> list[tuple[str, str]]:
    """(`ARCHIVE:member path`, text) for every YAML file of the archive, or ArchiveRefused."""
    if len(data) > MAX_ZIP_BYTES:
        raise ArchiveRefused(
            f"{name} is {len(data):,} bytes; the limit for an archive is {MAX_ZIP_BYTES:,} (5 MiB)"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveRefused(f"{name} is not a readable .zip archive") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveRefused(
                f"{name} holds {len(members):,} entries; the limit is {MAX_MEMBERS:,}"
            )
        chosen = [m for m in members if _check(name, m)]
        if not chosen:
            raise ArchiveRefused(f"{name} holds no .yaml file: zip the pack's folder")
        total = 0
        files: list[tuple[str, str]] = []
        for member in chosen:
            raw = _read(name, archive, member, MAX_TOTAL_BYTES - total)
            total += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ArchiveRefused(f"{name}:{member.filename} is not UTF-8 text") from None
            files.append((f"{name}:{member.filename}", text))
    return files


def _check(name: str, member: zipfile.ZipInfo) -> bool:
    """Whether the member is a YAML file to read; ArchiveRefused for a hostile one."""
    path = member.filename.replace("\\", "/")
    parts = PurePosixPath(path).parts
    if path.startswith("/") or (parts and parts[0].endswith(":")) or ".." in parts:
        raise ArchiveRefused(
            f"{name} names {member.filename!r}, a path outside the pack folder; refused"
        )
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveRefused(f"{name} holds a symbolic link, {member.filename!r}; refused")
    if member.is_dir() or "__MACOSX" in parts or not path.lower().endswith(SUFFIXES):
        return False
    if member.flag_bits & 0x1:
        raise ArchiveRefused(f"{name}:{member.filename} is encrypted; zip it without a password")
    return True


def _read(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, room: int) -> bytes:
    """The member's bytes, counted as they unpack (the header's sizes may lie)."""
    limit = min(MAX_FILE_BYTES, room, max(member.compress_size, 1) * MAX_RATIO)
    try:
        with archive.open(member) as stream:
            raw = stream.read(limit + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError) as error:
        raise ArchiveRefused(f"{name}:{member.filename} cannot be unpacked ({error})") from None
    if len(raw) <= limit:
        return raw
    if limit == room:
        raise ArchiveRefused(
            f"{name} unpacks to more than {MAX_TOTAL_BYTES:,} bytes (20 MiB); refused"
        )
    if limit == MAX_FILE_BYTES:
        raise ArchiveRefused(
            f"{name}:{member.filename} is over {MAX_FILE_BYTES:,} bytes (1 MiB) unpacked; "
            "split it into smaller files"
        )
    raise ArchiveRefused(
        f"{name}:{member.filename} unpacks to more than {MAX_RATIO} times its packed size "
        "(a zip bomb?); refused"
    )
