"""Importing packs into a real database: all-or-nothing, idempotent, history kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.content.importer import ImportRefused, import_paths, import_text
from bot.store.models import Attempt, Concept, Question
from bot.store.sql import SqlStore
from bot.tutor import REVISION_CHECK_SECONDS, Tutor
from bot.views import UserRef
from tests.asking import next_question
from tests.conftest import MINIPACK
from tests.fakes import FakeClock


def copy_pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINIPACK, target)
    return target


async def active_questions(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.scalars(select(Question.slug).where(Question.retired.is_(False))))


async def test_import_then_reimport_changes_nothing(engine: AsyncEngine) -> None:
    first = await import_paths(engine, [MINIPACK])
    assert first.counts["questions"]["added"] == 4
    assert first.counts["concepts"]["added"] == 3
    assert first.counts["packs"]["added"] == 1
    again = await import_paths(engine, [MINIPACK])
    assert not again.changed
    assert again.counts["questions"]["unchanged"] == 4
    assert again.lines()[-1] == "nothing changed"


async def test_update_in_place_and_retire_keeps_history(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    pack = copy_pack(tmp_path)
    await import_paths(engine, [pack])
    tutor = Tutor(SqlStore(engine))
    ref = UserRef("test", "1", "Ada")
    # answer every question once, so each has history
    for _ in range(4):
        view = await next_question(tutor, ref)
        await tutor.answer(ref, view.ask_id, view.letters[: view.select])

    text = (pack / "storage.yaml").read_text()
    text = text.replace("What is cheapest?", "Which option is cheapest?")
    start = text.index("  - id: glacier-retrieval")
    end = text.index("  - id: kms-rotation")
    (pack / "storage.yaml").write_text(text[:start] + text[end:])

    report = await import_paths(engine, [pack])
    tutor.forget_bank()  # what an import made in the tutor's own process does
    assert report.counts["questions"] == {"added": 0, "updated": 1, "retired": 1, "unchanged": 2}
    assert "glacier-retrieval" not in await active_questions(engine)
    async with engine.connect() as conn:
        attempts = await conn.scalar(select(func.count()).select_from(Attempt))
        updated = await conn.scalar(select(Question.scenario).where(Question.slug == "s3-archive"))
    assert attempts == 4  # history of the retired question is kept
    assert "Which option is cheapest?" in str(updated)
    assert (await tutor.stats(ref)).answered == 4
    # the retired question is no longer asked
    for _ in range(6):
        view = await next_question(tutor, ref)
        assert view.question_id != "glacier-retrieval"
        await tutor.answer(ref, view.ask_id, view.letters[: view.select])


async def test_bad_pack_changes_nothing(engine: AsyncEngine, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    await import_paths(engine, [pack])
    text = (pack / "storage.yaml").read_text()
    text = text.replace("What is cheapest?", "Changed!").replace(
        "difficulty: 2", "difficulty: 7", 1
    )
    (pack / "storage.yaml").write_text(text)
    with pytest.raises(ImportRefused) as refused:
        await import_paths(engine, [pack])
    assert len(refused.value.problems) == 1
    async with engine.connect() as conn:
        scenario = await conn.scalar(select(Question.scenario).where(Question.slug == "s3-archive"))
    assert "What is cheapest?" in str(scenario)


async def test_lone_file_upload_into_loaded_pack(engine: AsyncEngine) -> None:
    await import_paths(engine, [MINIPACK])
    upload = """\
pack: mini
questions:
  - id: kms-new
    domain: security
    concepts: [kms]
    difficulty: 1
    scenario: Who controls a customer managed key?
    options:
      - {text: The customer, correct: true, why: The key policy is theirs.}
      - {text: Nobody, why: Someone always does.}
    explanation: Customer managed keys are controlled by the customer.
"""
    report = await import_text(engine, "extra.yaml", upload)
    assert report.counts["questions"]["added"] == 1
    assert report.counts["questions"]["retired"] == 0  # other files' questions stay
    assert len(await active_questions(engine)) == 5
    # the same file again without the question retires just that question
    emptied = "pack: mini\nquestions: []\n"
    report = await import_text(engine, "extra.yaml", emptied)
    assert report.counts["questions"]["retired"] == 1
    assert len(await active_questions(engine)) == 4


async def test_lone_file_with_dangling_reference_is_refused(engine: AsyncEngine) -> None:
    await import_paths(engine, [MINIPACK])
    upload = "pack: mini\nquestions:\n  - id: x\n    domain: design\n    concepts: [ec2]\n"
    with pytest.raises(ImportRefused) as refused:
        await import_text(engine, "bad.yaml", upload)
    assert any("missing required key" in p.message for p in refused.value.problems)
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Concept)) == 3


async def test_tutor_sees_an_import_from_elsewhere(engine: AsyncEngine, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    await import_paths(engine, [pack])
    clock = FakeClock()
    tutor = Tutor(SqlStore(engine), clock=clock)
    assert len((await tutor.bank()).active_questions) == 4
    text = (pack / "storage.yaml").read_text()
    start = text.index("  - id: kms-rotation")
    (pack / "storage.yaml").write_text(text[:start])
    await import_paths(engine, [pack])  # e.g. `tutor content import` in another process
    clock.advance(seconds=REVISION_CHECK_SECONDS)
    assert len((await tutor.bank()).active_questions) == 3
