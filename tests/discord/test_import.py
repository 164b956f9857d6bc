"""/import on Discord: members with Manage Server load YAML; everyone else is refused
before any download. The lint and import are the ones Telegram's /import uses."""

from __future__ import annotations

import re

from tests.discord.conftest import Harness
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord, Json, Member, message_text
from tests.telegram.test_import import BROKEN, EXTRA


async def upload(
    bot: Harness, member: Member, name: str, content: bytes, size: int | None = None
) -> Json:
    attachment = bot.fake.attach(name, content, size)
    record = await bot.fake.slash(
        member,
        "import",
        [{"name": "file", "type": 11, "value": attachment["id"]}],
        resolved={"attachments": {attachment["id"]: attachment}},
    )
    reply = await bot.reply(record)
    assert reply["flags"] & EPHEMERAL
    return reply


async def test_a_member_with_manage_server_imports_a_file(
    bot: Harness, fake: FakeDiscord, admin: Member
) -> None:
    command = next(c for c in fake.commands["global"] if c["name"] == "import")
    assert int(command["default_member_permissions"]) == 1 << 5  # a hint; checked in code too
    reply = await upload(bot, admin, "extra.yaml", EXTRA.encode())
    assert message_text(reply).splitlines() == [
        "**Imported extra.yaml**",
        "packs: 0 added, 0 updated, 0 retired, 0 unchanged",
        "concepts: 0 added, 0 updated, 0 retired, 0 unchanged",
        "questions: 2 added, 0 updated, 0 retired, 0 unchanged",
    ]
    bank = await bot.app.tutor.bank()
    assert {"kms-who", "s3-what"} <= {q.id for q in bank.active_questions}
    again = await upload(bot, admin, "extra.yaml", EXTRA.encode())
    assert "nothing changed" in message_text(again)


async def test_members_without_manage_server_are_refused_before_any_download(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    reply = await upload(bot, alice, "extra.yaml", EXTRA.encode())
    assert message_text(reply) == "Only members with the Manage Server permission can do that."
    assert not fake.downloads
    bank = await bot.app.tutor.bank()
    assert "kms-who" not in {q.id for q in bank.active_questions}


async def test_lint_errors_come_back_as_file_line_column(bot: Harness, admin: Member) -> None:
    reply = await upload(bot, admin, "broken.yaml", BROKEN.encode())
    lines = message_text(reply).splitlines()
    assert lines[0] == "**Import refused: 2 problem(s); nothing was changed.**"
    problems = [line for line in lines[1:] if line and not line.startswith("```")]
    assert all(re.fullmatch(r"broken\.yaml:\d+:\d+: .+", p) for p in problems), problems
    assert len(problems) == 2


async def test_wrong_files_are_refused_before_download(
    bot: Harness, fake: FakeDiscord, admin: Member
) -> None:
    reply = await upload(bot, admin, "huge.yaml", b"pack: mini\n", size=2 * 1024 * 1024)
    assert "huge.yaml is 2,097,152 bytes; the limit is 1,048,576 (1 MiB)" in message_text(reply)
    reply = await upload(bot, admin, "notes_*v2*.txt", b"hello")
    assert "notes\\_\\*v2\\*.txt is not a .yaml file" in message_text(reply)
    assert not fake.downloads
    reply = await upload(bot, admin, "R&D.yaml", "pack: mïni".encode("latin-1"))
    assert "R&D.yaml is not UTF-8 text" in message_text(reply)


async def test_manage_server_lists_and_retires_packs_with_content(
    bot: Harness, fake: FakeDiscord, admin: Member, alice: Member
) -> None:
    command = next(c for c in fake.commands["global"] if c["name"] == "content")
    assert int(command["default_member_permissions"]) == 1 << 5
    refused = await bot.reply(await bot.fake.slash(alice, "content", []))
    assert message_text(refused) == "Only members with the Manage Server permission can do that."
    listed = await bot.reply(await bot.fake.slash(admin, "content", []))
    assert listed["flags"] & EPHEMERAL
    assert "mini: " in message_text(listed)
    assert "4 questions, " in message_text(listed)
    retire = [{"name": "retire", "type": 3, "value": "nope"}]
    unknown = await bot.reply(await bot.fake.slash(admin, "content", retire))
    assert "There is no pack 'nope' (packs: mini); nothing was changed." in message_text(unknown)
    retire = [{"name": "retire", "type": 3, "value": "mini"}]
    done = await bot.reply(await bot.fake.slash(admin, "content", retire))
    assert message_text(done).startswith("Retired pack mini: 4 questions and ")
    assert not (await bot.app.tutor.bank()).active_questions


async def test_a_whole_pack_imports_from_one_zip_attachment(
    bot: Harness, fake: FakeDiscord, admin: Member
) -> None:
    from tests.test_content_archive import minipack_zip, zipped

    reply = await upload(bot, admin, "mini.zip", minipack_zip(**{"extra.yaml": EXTRA.encode()}))
    assert message_text(reply).splitlines()[0] == "**Imported mini.zip**"
    bank = await bot.app.tutor.bank()
    assert {"kms-who", "s3-what"} <= {q.id for q in bank.active_questions}
    reply = await upload(bot, admin, "evil.zip", zipped({"/abs.yaml": b"a: 1"}, folder=""))
    assert "a path outside the pack folder; refused" in message_text(reply)
    downloads = len(fake.downloads)
    reply = await upload(bot, admin, "big.zip", b"PK", size=6 * 1024 * 1024)
    assert "the limit is 5,242,880 (5 MiB)" in message_text(reply)
    assert len(fake.downloads) == downloads
