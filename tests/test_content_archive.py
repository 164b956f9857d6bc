"""A pack in one .zip: read all or nothing; hostile archives refused with a plain message."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.content import archive
from bot.content.archive import ArchiveRefused, pack_files
from bot.content.importer import ImportRefused, import_archive, known_packs
from bot.content.lint import lint_paths
from tests.conftest import MINIPACK


def zipped(members: dict[str, bytes], folder: str = "minipack/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(folder + name, data)
    return buffer.getvalue()


def minipack_zip(**extra: bytes) -> bytes:
    members = {p.name: p.read_bytes() for p in sorted(MINIPACK.iterdir())}
    return zipped({**members, "README.md": b"notes", **extra})


def refused(data: bytes) -> str:
    with pytest.raises(ArchiveRefused) as caught:
        pack_files("pack.zip", data)
    return caught.value.message


def test_the_yaml_files_of_a_pack_folder_are_read() -> None:
    files = pack_files("pack.zip", minipack_zip())
    assert [name for name, _ in files] == [
        "pack.zip:minipack/pack.yaml",
        "pack.zip:minipack/storage.yaml",
    ]
    assert files[0][1] == (MINIPACK / "pack.yaml").read_text()


def test_paths_outside_the_pack_are_refused() -> None:
    assert "outside the pack folder" in refused(zipped({"/etc/x.yaml": b"a: 1"}, folder=""))
    assert "outside the pack folder" in refused(zipped({"../x.yaml": b"a: 1"}))
    assert "outside the pack folder" in refused(zipped({"a/../../x.yaml": b"a: 1"}, folder=""))
    assert "outside the pack folder" in refused(zipped({"C:/x.yaml": b"a: 1"}, folder=""))


def test_symlinks_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("minipack/pack.yaml", (MINIPACK / "pack.yaml").read_bytes())
        link = zipfile.ZipInfo("minipack/storage.yaml")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    assert "symbolic link, 'minipack/storage.yaml'" in refused(buffer.getvalue())


def test_zip_bombs_are_refused_whatever_the_headers_say() -> None:
    # One member far more compressible than any YAML file.
    bomb = zipped({"bomb.yaml": b"a" * (900 * 1024)})
    assert "more than 100 times its packed size" in refused(bomb)
    # A member over 1 MiB, even if it compresses modestly.
    big = "\n".join(f"k{i}: {i * 7919 % 100003}" for i in range(120_000)).encode()
    assert "over 1,048,576 bytes (1 MiB) unpacked" in refused(zipped({"big.yaml": big}))


def test_total_size_and_member_count_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    many = zipped({f"f{i}.txt": b"" for i in range(archive.MAX_MEMBERS + 1)})
    assert "entries; the limit is 1,000" in refused(many)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1000)
    assert "unpacks to more than 1,000 bytes" in refused(minipack_zip())


def test_other_bad_archives() -> None:
    assert refused(b"PK not really") == "pack.zip is not a readable .zip archive"
    assert "holds no .yaml file" in refused(zipped({"README.md": b"x"}))
    assert "is not UTF-8 text" in refused(zipped({"pack.yaml": b"\xff\xfe"}))
    assert "the limit for an archive is" in refused(b"x" * (archive.MAX_ZIP_BYTES + 1))
    encrypted = bytearray(zipped({"pack.yaml": b"a: 1"}))
    # set the "encrypted" flag in the local and central headers
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = encrypted.index(signature) + offset
        encrypted[at] |= 1
    assert "is encrypted" in refused(bytes(encrypted))


def test_lint_reads_a_zip_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "mini.zip"
    path.write_bytes(minipack_zip())
    result = lint_paths([path])
    assert result.ok, result.problems
    assert len(result.content.questions) == 4
    path.write_bytes(zipped({"../x.yaml": b"a: 1"}))
    problems = [str(p) for p in lint_paths([path]).problems]
    assert problems == [
        f"{path}:1:1: {path} names 'minipack/../x.yaml', a path outside the pack folder; refused"
    ]


async def test_a_whole_pack_imports_in_one_go(engine: AsyncEngine) -> None:
    report = await import_archive(engine, "mini.zip", minipack_zip())
    assert report.counts["questions"]["added"] == 4
    assert "mini" in await known_packs(engine)


async def test_a_broken_archive_changes_nothing(engine: AsyncEngine) -> None:
    broken = minipack_zip(**{"extra.yaml": b"pack: mini\nquestions:\n  - id: x\n"})
    with pytest.raises(ImportRefused) as caught:
        await import_archive(engine, "mini.zip", broken)
    assert all(p.file == "mini.zip:minipack/extra.yaml" for p in caught.value.problems)
    assert await known_packs(engine) == {}
    with pytest.raises(ImportRefused):
        await import_archive(engine, "mini.zip", zipped({"/abs.yaml": b"a: 1"}, folder=""))
    assert await known_packs(engine) == {}
