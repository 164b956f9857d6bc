"""Refusals of the games, in plain words. They are TutorErrors: adapters show `.message`."""

from __future__ import annotations

from bot.errors import TutorError


class GameError(TutorError):
    pass


class GameNotFound(GameError):
    def __init__(self) -> None:
        super().__init__("That game is over or no longer exists.")


class NotYourInvitation(GameError):
    def __init__(self) -> None:
        super().__init__("This invitation is for someone else.")


class InvitationClosed(GameError):
    def __init__(self, status: str) -> None:
        super().__init__(f"This invitation is no longer open (it was {status}).")


class SelfDuel(GameError):
    def __init__(self) -> None:
        super().__init__("You cannot duel yourself. Reply to another member's message.")


class BotDuel(GameError):
    def __init__(self) -> None:
        super().__init__("Bots do not duel. Challenge a member instead.")


class AlreadyInDuel(GameError):
    def __init__(self, name: str | None) -> None:
        if name is None:
            super().__init__("You are already in a duel. Finish it first.")
        else:
            super().__init__(f"{name} is already in a duel. Try again when it is over.")


class BadRounds(GameError):
    def __init__(self, low: int, high: int) -> None:
        super().__init__(f"Choose between {low} and {high} rounds.")


class GameRunning(GameError):
    def __init__(self) -> None:
        super().__init__("A quiz is already running here. Join in, or wait for it to end.")


class NoGameHere(GameError):
    def __init__(self) -> None:
        super().__init__("No game is running here.")


class NotAPlayer(GameError):
    def __init__(self) -> None:
        super().__init__("This duel is between two other members. Send /duel to start yours.")


class RoundClosed(GameError):
    def __init__(self) -> None:
        super().__init__("Time is up: this round is closed.")


class NotYourGame(GameError):
    def __init__(self) -> None:
        super().__init__("Only its players (or whoever started it) can stop this game.")


class NotRevealable(GameError):
    def __init__(self) -> None:
        super().__init__("Only a single question can be revealed early; quiz rounds run on time.")
