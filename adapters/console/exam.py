"""`/exam` in the terminal: the commands, and the exam's views as plain text."""

from __future__ import annotations

from adapters.console import render
from bot.exams.service import Exams
from bot.exams.views import ExamQuestion, ExamResult, history_text, miss_text
from bot.views import UserRef

USAGE = (
    "/exam          the full timed exam (or resume the one in progress)\n"
    "/exam short    10 questions in proportional time\n"
    "/exam stop     abandon the exam in progress\n"
    "/exam history  your past exams"
)


def step(view: ExamQuestion | ExamResult) -> str:
    """An exam question (with the time left), or the result with every miss explained."""
    if isinstance(view, ExamQuestion):
        return f"{view.header}\n\n{render.question(view.question)}"
    parts = [render._wrap(view.text())]
    count = len(view.misses)
    parts += [render._wrap(miss_text(m, i, count)) for i, m in enumerate(view.misses)]
    return "\n\n".join(parts)


async def command(exams: Exams, user: UserRef, arg: str) -> str:
    """Run `/exam ARG` and say what happened."""
    word = arg.strip().lower()
    if word == "":
        if await exams.in_progress(user):
            return step(await exams.current(user))
        return step(await exams.start(user))
    if word == "short":
        return step(await exams.start(user, short=True))
    if word == "stop":
        stopped = await exams.stop(user)
        return f"Exam stopped after {stopped.correct} right answer(s); it is kept in /exam history."
    if word == "history":
        return history_text(await exams.history(user))
    return f"I don't know /exam {arg.strip()}. Try:\n{USAGE}"
