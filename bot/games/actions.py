"""Game buttons: a short action and one id, nothing more (<= 64 bytes).

The same string is a Telegram callback_data and a Discord custom_id. State lives in the
database, so a button works across restarts and forged data is refused by the service.

    g:<ask>:<letters>   answer a game round with these letters
    ga:<game>           accept a duel invitation
    gd:<game>           decline (or, for the challenger, withdraw) it
    gr:<game>           reveal a single group question now
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_ANSWER = re.compile(r"g:(\d{1,18}):([A-F]{1,6})")
_GAME = re.compile(r"g([adr]):(\d{1,18})")


@dataclass(frozen=True)
class AnswerRound:
    ask_id: int
    letters: str

    def encode(self) -> str:
        return f"g:{self.ask_id}:{self.letters}"


@dataclass(frozen=True)
class Accept:
    game_id: int

    def encode(self) -> str:
        return f"ga:{self.game_id}"


@dataclass(frozen=True)
class Decline:
    game_id: int

    def encode(self) -> str:
        return f"gd:{self.game_id}"


@dataclass(frozen=True)
class Reveal:
    game_id: int

    def encode(self) -> str:
        return f"gr:{self.game_id}"


GameAction = AnswerRound | Accept | Decline | Reveal
_BY_LETTER: dict[str, type[Accept] | type[Decline] | type[Reveal]] = {
    "a": Accept,
    "d": Decline,
    "r": Reveal,
}


def parse(data: str | None) -> GameAction | None:
    """The game action a button carries, or None for anything else."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    if match := _ANSWER.fullmatch(data):
        return AnswerRound(int(match.group(1)), match.group(2))
    if match := _GAME.fullmatch(data):
        return _BY_LETTER[match.group(1)](int(match.group(2)))
    return None
