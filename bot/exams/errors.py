"""Errors of the exam service, told to the student in plain words."""

from __future__ import annotations

from bot.errors import TutorError


class NoExam(TutorError):
    def __init__(self) -> None:
        super().__init__(
            "You have no exam in progress. Send /exam to start one (/exam short for 10 questions)."
        )


class ExamRunning(TutorError):
    def __init__(self) -> None:
        super().__init__(
            "You already have an exam in progress. "
            "Send /exam to resume it, or /exam stop to abandon it."
        )


class NotCurrentQuestion(TutorError):
    def __init__(self) -> None:
        super().__init__(
            "That is not the exam's current question (it was answered already or belongs to "
            "another exam). Send /exam to see where you are."
        )


class ExamNotFound(TutorError):
    def __init__(self) -> None:
        super().__init__("I have no such exam of yours. Send /exam history to list them.")


class NoBlueprint(TutorError):
    def __init__(self) -> None:
        super().__init__(
            "Your track has no exam blueprint loaded, so there is no exam to take yet."
        )
