"""Edges that used to answer with a traceback: hostile YAML characters, numbers and names too
big for their columns (PostgreSQL refused them where SQLite let them through), bad settings,
and a database that cannot be reached. Each gets one clear line and loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App
from bot.config import SettingsError, load_settings
from bot.content.importer import ImportRefused, import_text
from bot.content.lint import lint_text
from bot.errors import AskNotFound
from bot.store.models import User
from bot.views import UserRef
from tests.asking import next_question
from tests.conftest import PG_SKIP_REASON, TEST_DATABASE_URL
from tests.test_cli import tutor

ITEMS = """\
pack: saa
questions: []
"""
PACK = """\
pack:
  id: big
  title: Big exam
  exam: {questions: QUESTIONS, minutes: MINUTES, pass_percent: 70}
  domains:
    - {id: design, weight: 100, title: Design}
"""


# -- YAML ----------------------------------------------------------------------------------
def test_a_control_character_is_reported_at_its_line_and_column() -> None:
    result = lint_text("bell.yaml", "pack: saa\nquestions: [\x07]\n")
    assert [str(p) for p in result.problems] == [
        "bell.yaml:2:13: character U+0007 is not allowed in YAML (a control character?)"
    ]


def test_lint_prints_the_position_not_a_traceback(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "bell.yaml"
    path.write_bytes(b"pack: saa\nquestions: [\x07]\n")
    done = tutor("content", "lint", str(path), db_url=db_url)
    assert done.returncode == 1
    assert (
        done.stdout
        == f"{path}:2:13: character U+0007 is not allowed in YAML (a control character?)\n"
    )
    assert "Traceback" not in done.stderr


# -- numbers and names past their columns, on both databases --------------------------------
@pytest.mark.parametrize(
    ("questions", "minutes", "expected"),
    [
        (2**31, 60, "`questions` is 2147483648; it must be 1 to 500"),
        (65, 10**12, "`minutes` is 1000000000000; it must be 1 to 600"),
    ],
)
async def test_exam_numbers_have_upper_bounds(
    engine: AsyncEngine, questions: int, minutes: int, expected: str
) -> None:
    text = PACK.replace("QUESTIONS", str(questions)).replace("MINUTES", str(minutes))
    with pytest.raises(ImportRefused) as refused:
        await import_text(engine, "pack.yaml", text)
    assert [p.message for p in refused.value.problems] == [expected]


async def test_a_file_name_too_long_to_store_is_refused(engine: AsyncEngine) -> None:
    pack = PACK.replace("QUESTIONS", "65").replace("MINUTES", "130")
    name = "p" * 196 + ".yaml"  # 201 characters: the source column holds 200
    with pytest.raises(ImportRefused) as refused:
        await import_text(engine, name, pack)
    (problem,) = refused.value.problems
    assert str(problem).startswith(f"{name}:1:1: the file name is 201 characters long")
    assert (await import_text(engine, name[-200:], pack)).lines()  # 200 is fine


@pytest.mark.parametrize(
    "name",
    ["Ali\x00ce", "A" * 10_000, "tab\there\nand a new line"],
    ids=["NUL", "10000-chars", "control"],
)
async def test_any_display_name_is_stored_and_the_user_keeps_working(app: App, name: str) -> None:
    ref = UserRef("telegram", "4242", name)
    assert (await app.tutor.stats(ref)).answered == 0
    question = await next_question(app.tutor, ref)
    await app.tutor.answer(ref, question.ask_id, "ABC"[: question.select])
    assert (await app.tutor.stats(ref)).answered == 1
    async with app.engine.connect() as conn:
        (stored,) = (await conn.execute(select(User.display_name))).scalars()
    assert len(stored) <= 200 and "\x00" not in stored and "\n" not in stored


@pytest.mark.parametrize("ask_id", [2**31, 2**63 - 1, 10**17, 0])
async def test_an_ask_id_past_32_bits_is_an_unknown_ask(app: App, ask_id: int) -> None:
    ref = UserRef("telegram", "4242", "Forger")
    with pytest.raises(AskNotFound):
        await app.tutor.answer(ref, ask_id, "A")
    assert (await app.tutor.stats(ref)).answered == 0


# -- settings and the database URL ----------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TUTOR_LOG_LEVEL", "LOUD", "TUTOR_LOG_LEVEL: 'LOUD' is not a log level"),
        ("TELEGRAM_WEBHOOK_PORT", "99999", "TELEGRAM_WEBHOOK_PORT: Input should be less than"),
        ("TELEGRAM_WEBHOOK_PORT", "0", "TELEGRAM_WEBHOOK_PORT: Input should be greater than"),
    ],
)
def test_bad_settings_are_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=expected):
        load_settings()


def test_a_bad_log_level_stops_the_cli_with_one_line(db_url: str) -> None:
    done = tutor("daily", "status", db_url=db_url, TUTOR_LOG_LEVEL="LOUD")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "TUTOR_LOG_LEVEL" in done.stderr


def _one_line(url: str, *args: str) -> str:
    done = tutor(*(args or ("daily", "status")), db_url=url)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("tutor: DATABASE_URL: ")
    return done.stderr


def test_an_unreachable_database_is_one_line() -> None:
    line = _one_line("postgresql+asyncpg://tutor@127.0.0.1:1/tutor")
    assert "cannot reach 127.0.0.1:1: connection refused" in line
    line = _one_line("postgresql+asyncpg://tutor@no-such-host.invalid/tutor", "chat")
    assert "cannot resolve host 'no-such-host.invalid'" in line
    line = _one_line("sqlite+aiosqlite:////no/such/folder/tutor.db", "db", "upgrade")
    assert "cannot open the SQLite file '/no/such/folder/tutor.db'" in line


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL, reason=PG_SKIP_REASON)
def test_a_missing_database_or_a_wrong_user_is_one_line() -> None:
    assert TEST_DATABASE_URL
    url = make_url(TEST_DATABASE_URL)
    missing = url.set(database="no_such_database_here").render_as_string(hide_password=False)
    assert "database 'no_such_database_here' does not exist" in _one_line(missing)
    stranger = url.set(username="no_such_role").render_as_string(hide_password=False)
    assert "authentication failed" in _one_line(stranger, "content", "import", "content")
