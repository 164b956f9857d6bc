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
    done = tutor(
        "chat", stdin=script, db_url=db_url, content=single_answer_pack(tmp_path),
        TMPDIR=str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "A) " in out and "B) " in out
    assert re.search(r"Correct! The answer is [A-F] \(“|Not quite\. You chose [A-F] \(“", out)
    assert "Amazon S3 Glacier" in out  # the concept card
    assert "Did you mean: Glacier?" in out
    assert "Answered 1 · right" in out and "Chart: " in out
    assert "Unknown command /nonsense" in out
    assert "There is no open question" in out  # B after the question was answered
    assert "is not an option here" in out  # F on a four-option question
    assert "does not look like an answer" in out  # hello
    # "I think B" answered the second question
    assert out.count("Correct!") + out.count("Not quite.") == 2
    assert out.rstrip().endswith("Goodbye — see you at the next question.")


def test_chat_tracks_topics_and_review_cap(db_url: str) -> None:
    # A first session answers the daily question if the clock made it due ("A", or "AC" for a
    # Select-TWO one) and turns it off
    # (it is shown when a session starts after the daily time), so nothing is left open.
    first = tutor("chat", stdin="A\nAC\n/daily off\n/quit\n", db_url=db_url)  # one or two
    assert first.returncode == 0, first.stderr
    script = "/track\n/track nope\n/quiz secur\n/quiz kubernetes\n/reviews 4\n/reviews\n/quit\n"
    done = tutor("chat", stdin=script, db_url=db_url)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "You study:" in out
    assert "mini/" in out  # the track's key, to choose it by
    assert "There is no track 'nope'" in out
    assert "[Security ·" in out  # the question of the domain asked for
    assert "no domain or service called 'kubernetes'" in out
    assert "At most 4 reviews a day from now on" in out
    assert "You get at most 4 reviews a day" in out


def test_daily_question_and_streak_in_the_terminal(db_url: str, tmp_path: Path) -> None:
    pack = single_answer_pack(tmp_path)
    first = tutor(
        "chat", stdin="/daily\n/daily 7:5\n/daily 00:00 UTC\n", db_url=db_url, content=pack
    )
    assert first.returncode == 0, first.stderr
    assert "Your daily question: " in first.stdout
    assert "'7:5' is not a time. Use HH:MM" in first.stdout
    assert "Your daily question comes at 00:00 (UTC)" in first.stdout
    # The next session starts with today's question (00:00 UTC has always passed)
    second = tutor("chat", stdin="A\n/stats\n", db_url=db_url, content=pack)
    assert second.returncode == 0, second.stderr
    assert "Today's daily question:" in second.stdout
    assert re.search(r"Correct! The answer is [A-F]|Not quite\. You chose [A-F]", second.stdout)
    assert "Daily streak: 1 day(s)." in second.stdout
    # Answered: not asked again, and /daily today says why
    third = tutor("chat", stdin="/daily today\n/daily off\n/daily\n", db_url=db_url, content=pack)
    assert "Today's daily question:" not in third.stdout
    assert "No daily question is waiting: today's is answered" in third.stdout
    assert "No daily question any more." in third.stdout
    assert "Your daily question: off." in third.stdout


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
    lines = lint.stdout.splitlines()
    assert all(line.startswith(f"{bad}:3:5: ") for line in lines)
    # every problem at once: the missing keys and the id's pattern
    assert f"{bad}:3:5: question id 'BAD' must match [a-z0-9-]{{1,80}}" in lines
    refused = tutor("content", "import", str(bad), db_url=db_url)
    assert refused.returncode == 1
    assert "nothing was changed" in refused.stderr


def test_content_list_and_retire(db_url: str) -> None:
    empty = tutor("content", "list", db_url=db_url)
    assert empty.returncode == 0, empty.stderr
    assert "No pack is loaded" in empty.stdout
    assert tutor("content", "import", str(MINIPACK), db_url=db_url).returncode == 0
    listed = tutor("content", "list", db_url=db_url)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "Content revision 1"
    assert any(line.startswith("mini: ") for line in lines), lines
    assert "  4 questions, " in listed.stdout
    assert all(len(line) <= 60 for line in lines)
    unknown = tutor("content", "retire", "nope", db_url=db_url)
    assert unknown.returncode == 1
    assert "there is no pack 'nope' (packs: mini); nothing was changed" in unknown.stderr
    retired = tutor("content", "retire", "mini", db_url=db_url)
    assert retired.returncode == 0, retired.stderr
    assert retired.stdout.startswith("Retired pack mini: 4 questions and ")
    assert "content revision 2" in retired.stdout
    listed = tutor("content", "list", db_url=db_url)
    assert "mini (retired): " in listed.stdout
    assert "0 questions, 0 concepts, 4 retired questions" in listed.stdout
    again = tutor("content", "retire", "mini", db_url=db_url)
    assert "already retired; nothing changed" in again.stdout
    # importing the pack again brings it back
    assert tutor("content", "import", str(MINIPACK), db_url=db_url).returncode == 0
    listed = tutor("content", "list", db_url=db_url)
    assert "mini (retired)" not in listed.stdout and "  4 questions, " in listed.stdout


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
