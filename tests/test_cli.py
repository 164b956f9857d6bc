"""The `tutor` command end to end, as a user runs it: a real process, stdin from a pipe."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIPACK

ROOT = Path(__file__).resolve().parent.parent


def tutor(
    *args: str, stdin: str = "", db_url: str, content: Path = MINIPACK, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TUTOR_CONTENT_DIR": str(content),
        "TELEGRAM_TOKEN": "",
        "DISCORD_TOKEN": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def single_answer_pack(tmp_path: Path) -> Path:
    """The mini pack without its Select-TWO question, so any one letter A-B answers."""
    target = tmp_path / "single"
    shutil.copytree(MINIPACK, target)
    text = (target / "storage.yaml").read_text()
    start, end = text.index("  - id: s3-encrypt"), text.index("  - id: glacier-retrieval")
    (target / "storage.yaml").write_text(text[:start] + text[end:])
    return target


def test_chat_through_a_pipe(db_url: str, tmp_path: Path) -> None:
    script = (
        "/quiz\nA\n/explain glacier\n/explain glaicer\n/stats\n/nonsense\nB\n/quiz\nF\n"
        "hello\nI think B\n/quit\n"
    )
    done = tutor("chat", stdin=script, db_url=db_url, content=single_answer_pack(tmp_path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "A) " in out and "B) " in out
    assert re.search(r"Correct! The answer is [A-F] \(“|Not quite\. You chose [A-F] \(“", out)
    assert "Amazon S3 Glacier" in out  # the concept card
    assert "Did you mean: Glacier?" in out
    assert "Answered: 1" in out
    assert "Unknown command /nonsense" in out
    assert "There is no open question" in out  # B after the question was answered
    assert "is not an option here" in out  # F on a four-option question
    assert "does not look like an answer" in out  # hello
    # "I think B" answered the second question
    assert out.count("Correct!") + out.count("Not quite.") == 2
    assert out.rstrip().endswith("Goodbye — see you at the next question.")


def test_chat_ends_at_end_of_input(db_url: str) -> None:
    done = tutor("chat", stdin="/help\n", db_url=db_url)
    assert done.returncode == 0
    assert "/explain NAME" in done.stdout


def test_multi_answer_needs_the_right_number_of_letters(db_url: str) -> None:
    # Ask until the Select TWO question comes up, then answer it with one letter.
    script = "".join("/quiz\nA\n" for _ in range(3)) + "/quiz\nA\nAB\n/quit\n"
    done = tutor("chat", stdin=script, db_url=db_url)
    assert done.returncode == 0
    assert "This question needs exactly 2 letters" in done.stdout


def test_run_without_token_or_terminal_exits_1(db_url: str) -> None:
    done = tutor("run", db_url=db_url)
    assert done.returncode == 1
    assert "TELEGRAM_TOKEN" in done.stderr and "DISCORD_TOKEN" in done.stderr


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: must start with sqlite+aiosqlite://"),
        (
            "TUTOR_DEFAULT_TZ",
            "Mars/Olympus",
            "TUTOR_DEFAULT_TZ: 'Mars/Olympus' is not an IANA time zone",
        ),
        ("TELEGRAM_ADMINS", "12,bob", "TELEGRAM_ADMINS: 'bob' is not a numeric Telegram user id"),
    ],
)
def test_bad_setting_stops_with_one_line(
    name: str, value: str, expected: str, tmp_path: Path
) -> None:
    done = tutor("db", "upgrade", db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", **{name: value})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"tutor: {expected}")


def test_content_lint_and_import_commands(db_url: str, tmp_path: Path) -> None:
    lint = tutor("content", "lint", str(MINIPACK), db_url=db_url)
    assert lint.returncode == 0, lint.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: mini\nquestions:\n  - id: BAD\n")
    lint = tutor("content", "lint", str(bad), db_url=db_url)
    assert lint.returncode == 1  # pack 'mini' is not loaded yet, and the question is broken
    assert lint.stdout.splitlines()[0] == (
        f"{bad}:1:1: pack 'mini' is not defined here nor loaded yet: include its pack.yaml"
    )
    imported = tutor("content", "import", str(MINIPACK), db_url=db_url)
    assert imported.returncode == 0, imported.stderr
    assert "questions: 4 added, 0 updated, 0 retired, 0 unchanged" in imported.stdout
    again = tutor("content", "import", str(MINIPACK), db_url=db_url)
    assert "nothing changed" in again.stdout
    lint = tutor("content", "lint", str(bad), db_url=db_url)  # now checked against the database
    assert lint.returncode == 1
    assert all(line.startswith(f"{bad}:3:5: ") for line in lint.stdout.splitlines())
    refused = tutor("content", "import", str(bad), db_url=db_url)
    assert refused.returncode == 1
    assert "nothing was changed" in refused.stderr


def test_db_upgrade(db_url: str) -> None:
    done = tutor("db", "upgrade", db_url=db_url)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout


def test_quiz_while_a_question_is_open_offers_skip(db_url: str, tmp_path: Path) -> None:
    script = "/quiz\n/quiz\n/skip\nA\n/quit\n"
    done = tutor("chat", stdin=script, db_url=db_url, content=single_answer_pack(tmp_path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "You still have a question open" in out and "/skip" in out
    assert out.count("Answer with one letter") == 2  # the first question, then the new one
    assert out.count("Correct!") + out.count("Not quite.") == 1
