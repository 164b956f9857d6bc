"""`/exam` in the terminal, through a pipe: a real `tutor chat` process."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_cli import single_answer_pack, tutor


def test_an_exam_through_a_pipe(db_url: str, tmp_path: Path) -> None:
    script = (
        "/exam short\nA\n/exam\n/exam short\nA\nF\nA\n"  # resume, refuse a second, bad letter
        "/exam history\n/exam stop\n/exam\n/exam stop\n/exam sideways\n/quit\n"
    )
    done = tutor("chat", stdin=script, db_url=db_url, content=single_answer_pack(tmp_path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Question 1/3 · ⏱ 5:00 left" in out
    assert out.count("Question 2/3") == 2  # after the first answer, and on /exam (resume)
    assert "You already have an exam in progress" in out
    assert "F is not an option here" in out
    assert "Question 3/3" in out
    assert "The answer is" not in out.split("🏁")[0]  # no feedback before the end
    assert re.search(r"🏁 .*: \d/3 \(\d+%\) — (PASS|FAIL)", out)
    assert "Per domain:" in out and "Pass mark: 65%" in out
    assert "/3 (" in out.split("Your exams (newest first):")[1]
    assert "You have no exam in progress" in out  # /exam stop with none running
    assert "I don't know /exam sideways" in out
    assert "Exam stopped after 0 right answer(s)" in out


def test_a_practice_question_during_an_exam_takes_the_next_letter(
    db_url: str, tmp_path: Path
) -> None:
    script = "/exam short\n/quiz\nA\n/exam\nA\n/quit\n"
    done = tutor("chat", stdin=script, db_url=db_url, content=single_answer_pack(tmp_path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # the practice question got its feedback
    assert len(re.findall(r"Correct! The answer is|Not quite\. You chose", out)) == 1
    assert "Question 1/3" in out and "Question 2/3" in out  # the exam resumed and moved on
