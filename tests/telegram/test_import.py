"""Admins import YAML by sending it to the bot; everyone else is refused before any download."""

from __future__ import annotations

import re

from tests.telegram.conftest import Harness, Student
from tests.telegram.fake_bot_api import Json

EXTRA = """\
pack: mini
questions:
  - id: kms-who
    domain: security
    concepts: [kms]
    difficulty: 1
    scenario: Which service creates and controls encryption keys?
    options:
      - text: AWS KMS
        correct: true
        why: KMS creates and controls keys.
      - text: Amazon S3
        why: S3 stores objects; it does not manage keys.
    explanation: KMS is the managed key service.
  - id: s3-what
    domain: design
    concepts: [s3]
    difficulty: 1
    scenario: Which service stores objects reached over HTTPS?
    options:
      - text: Amazon S3
        correct: true
        why: S3 is object storage.
      - text: AWS KMS
        why: KMS manages keys, not objects.
    explanation: S3 stores objects in buckets.
"""

BROKEN = """\
pack: mini
questions:
  - id: broken
    domain: nowhere
    concepts: [kms]
    difficulty: 1
    scenario: What breaks?
    options:
      - text: This
        correct: true
      - text: That
        why: It does.
    explanation: Lint finds it.
"""


async def send_file(
    bot: Harness, student: Student, name: str, content: bytes, **kw: object
) -> Json:
    seen = len(bot.fake.sent(student.chat_id))
    await student.send_file(name, content, **kw)  # type: ignore[arg-type]
    return await bot.next_message(student.chat_id, seen)


async def test_admin_imports_a_file_sent_with_the_caption(bot: Harness, admin: Student) -> None:
    reply = await send_file(bot, admin, "extra.yaml", EXTRA.encode(), caption="/import")
    assert reply["text"].splitlines() == [
        "Imported extra.yaml",
        "packs: 0 added, 0 updated, 0 retired, 0 unchanged",
        "concepts: 0 added, 0 updated, 0 retired, 0 unchanged",
        "questions: 2 added, 0 updated, 0 retired, 0 unchanged",
    ]
    assert [c.method for c in bot.fake.calls if c.method in ("getFile", "download")] == [
        "getFile",
        "download",
    ]
    card = await bot.tutor.bank()
    assert {"kms-who", "s3-what"} <= {q.id for q in card.active_questions}

    # the same file again changes nothing; without one question, that one is retired
    again = await send_file(bot, admin, "extra.yaml", EXTRA.encode(), caption="/import")
    assert "nothing changed" in again["text"]
    shorter = EXTRA.split("  - id: s3-what")[0]
    retired = await send_file(bot, admin, "extra.yaml", shorter.encode(), caption="/import")
    assert "questions: 0 added, 0 updated, 1 retired, 1 unchanged" in retired["text"]


async def test_admin_imports_by_replying_to_a_file(bot: Harness, admin: Student) -> None:
    document = await admin.send_file("extra.yml", EXTRA.encode())  # no caption
    hint = await bot.next_message(admin.chat_id, 0)
    assert "reply /import to it" in hint["text"]
    reply = await bot.reply(admin, "/import", reply_to=document)
    assert "questions: 2 added" in reply["text"]
    assert len(bot.fake.sent(admin.chat_id)) == 2


async def test_a_file_without_a_caption_gets_told_what_to_do(
    bot: Harness, admin: Student, alice: Student
) -> None:
    """Before: no reply at all. Admins learn how to import it; others that files are not read."""
    hint = await send_file(bot, admin, "extra.yaml", EXTRA.encode())
    assert "reply /import to it, or send it again with the caption /import" in hint["text"]
    other = await send_file(bot, alice, "notes.pdf", b"%PDF-1.4")
    assert other["text"] == "I do not read files here. Send /quiz for a question, or /help."
    assert not [c for c in bot.fake.calls if c.method in ("getFile", "download")]


async def test_lint_errors_come_back_as_file_line_column(bot: Harness, admin: Student) -> None:
    before = await bot.tutor.bank()
    reply = await send_file(bot, admin, "broken.yaml", BROKEN.encode(), caption="/import")
    lines = reply["text"].splitlines()
    assert lines[0] == "Import refused: 2 problem(s); nothing was changed."
    assert all(re.fullmatch(r"broken\.yaml:\d+:\d+: .+", line) for line in lines[1:]), lines
    assert any("nowhere" in line for line in lines[1:])
    assert any("why" in line for line in lines[1:])
    after = await bot.tutor.bank()
    assert {q.id for q in after.active_questions} == {q.id for q in before.active_questions}


async def test_non_admins_are_refused_before_any_download(bot: Harness, alice: Student) -> None:
    reply = await send_file(bot, alice, "extra.yaml", EXTRA.encode(), caption="/import")
    assert reply["text"] == "Only admins can import content."
    document = await alice.send_file("extra.yaml", EXTRA.encode())
    await bot.next_message(alice.chat_id, 1)  # "I do not read files here…"
    reply = await bot.reply(alice, "/import", reply_to=document)
    assert reply["text"] == "Only admins can import content."
    assert not bot.fake.calls_to("getFile")
    assert not bot.fake.calls_to("download")


async def test_files_over_one_mib_are_refused_before_download(bot: Harness, admin: Student) -> None:
    reply = await send_file(
        bot, admin, "huge<1>.yaml", b"pack: mini\n", caption="/import", size=2 * 1024 * 1024
    )
    assert "huge<1>.yaml is 2,097,152 bytes; the limit is 1,048,576 (1 MiB)" in reply["text"]
    assert not bot.fake.calls_to("getFile")
    # a document whose size the message understates: getFile tells the truth, still no download
    big = b"#" * (1024 * 1024 + 1)
    reply = await send_file(bot, admin, "sly.yaml", big, caption="/import", size=100)
    assert "1,048,577 bytes" in reply["text"]
    assert not bot.fake.calls_to("download")


async def test_other_files_are_refused(bot: Harness, admin: Student) -> None:
    reply = await send_file(bot, admin, "<notes> & more.txt", b"hello", caption="/import")
    assert "<notes> & more.txt is not a .yaml file" in reply["text"]
    assert not bot.fake.calls_to("getFile")
    reply = await send_file(
        bot, admin, "R&D.yaml", "pack: mïni".encode("latin-1"), caption="/import"
    )
    assert "R&D.yaml is not UTF-8 text" in reply["text"]
    assert "Send a .yaml file" in (await bot.reply(admin, "/import"))["text"]


async def test_admins_list_and_retire_packs_with_content(bot: Harness, admin: Student) -> None:
    listed = await bot.reply(admin, "/content")
    lines = listed["text"].splitlines()
    assert lines[0].startswith("Content revision ")
    assert any(line.startswith("mini: ") for line in lines), lines
    assert any(line.startswith("  4 questions, ") for line in lines), lines
    unknown = await bot.reply(admin, "/content retire nope")
    assert unknown["text"] == "There is no pack 'nope' (packs: mini); nothing was changed."
    usage = await bot.reply(admin, "/content burn mini")
    assert usage["text"].startswith("/content lists the packs;")
    retired = await bot.reply(admin, "/content retire mini")
    assert retired["text"].startswith("Retired pack mini: 4 questions and ")
    assert not (await bot.tutor.bank()).active_questions  # nothing of it is asked any more
    listed = await bot.reply(admin, "/content")
    assert "mini (retired): " in listed["text"]


async def test_content_is_for_admins_only(bot: Harness, alice: Student) -> None:
    reply = await bot.reply(alice, "/content retire mini")
    assert reply["text"] == "Only admins can manage content."
    assert (await bot.tutor.bank()).active_questions


async def test_admin_imports_a_whole_pack_as_one_zip(bot: Harness, admin: Student) -> None:
    from tests.test_content_archive import minipack_zip, zipped

    extra = minipack_zip(**{"extra.yaml": EXTRA.encode()})
    reply = await send_file(bot, admin, "mini.zip", extra, caption="/import")
    assert reply["text"].splitlines()[0] == "Imported mini.zip"
    assert "questions: 2 added, 0 updated, 0 retired, 4 unchanged" in reply["text"]
    bank = await bot.tutor.bank()
    assert {"kms-who", "s3-what"} <= {q.id for q in bank.active_questions}
    hostile = zipped({"../evil.yaml": b"pack: mini\n"})
    reply = await send_file(bot, admin, "evil.zip", hostile, caption="/import")
    assert reply["text"].splitlines()[0] == "Import refused: 1 problem(s); nothing was changed."
    assert "a path outside the pack folder; refused" in reply["text"]


async def test_a_zip_over_five_mib_is_refused_before_download(bot: Harness, admin: Student) -> None:
    reply = await send_file(bot, admin, "big.zip", b"PK", caption="/import", size=6 * 1024 * 1024)
    assert reply["text"].startswith("big.zip is 6,291,456 bytes; the limit is 5,242,880 (5 MiB).")
    assert not [c for c in bot.fake.calls if c.method in ("getFile", "download")]
