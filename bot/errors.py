"""Typed errors the core raises; each adapter turns them into a message at one boundary."""

from __future__ import annotations

from datetime import timedelta


class TutorError(Exception):
    """A problem the user should be told about, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AskNotFound(TutorError):
    def __init__(self) -> None:
        super().__init__("That question is no longer available. Send /quiz for a new one.")


class NotYourQuestion(TutorError):
    def __init__(self) -> None:
        super().__init__("That question was asked to someone else. Send /quiz for your own.")


class AlreadyAnswered(TutorError):
    def __init__(self) -> None:
        super().__init__("You already answered this question; it was scored once.")


class QuestionChanged(TutorError):
    def __init__(self) -> None:
        super().__init__("This question was edited since it was asked. Send /quiz for a fresh one.")


class NoOpenQuestion(TutorError):
    def __init__(self) -> None:
        super().__init__("There is no open question to answer. Send /quiz to get one.")


class BadAnswer(TutorError):
    pass


class NoQuestions(TutorError):
    def __init__(self) -> None:
        super().__init__("No questions are loaded yet. An admin can load a pack with /import.")


class UnknownConcept(TutorError):
    def __init__(self, name: str, suggestions: list[str], ids: tuple[str, ...] = ()) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"I have no card called {name!r}.{hint}")
        self.name = name
        self.suggestions = suggestions
        self.ids = ids  # the suggested cards' ids, in the same order (for buttons)


class BadSetting(TutorError):
    pass


class AllSeen(TutorError):
    """Every question of the track answered right and none due: said once, not cycled."""

    def __init__(self, until: timedelta) -> None:
        hours = max(1, round(until.total_seconds() / 3600))
        when = f"{hours} hour(s)" if hours < 48 else f"{round(hours / 24)} days"
        super().__init__(
            "You have answered every question of this track, each right the last time, and "
            f"your next review is due in {when}. Try /exam short to test yourself under "
            "exam conditions, /track to study another pack or blueprint, or /quiz again to "
            "go round them once more (the ones you saw longest ago first)."
        )
