"""The numbers of the games: timings, points and Elo. Pure functions, no state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.bank import QuestionData


@dataclass(frozen=True)
class Rules:
    invite_ttl: timedelta = timedelta(minutes=2)
    duel_rounds: tuple[int, int] = (3, 10)
    quiz_rounds: tuple[int, int] = (1, 10)
    default_rounds: int = 5
    base_seconds: int = 20  # a round: this, plus one second per `words_per_second` words
    words_per_second: int = 15
    max_seconds: int = 90
    single_factor: int = 2  # a single group question stays open this many times longer
    pause: timedelta = timedelta(seconds=5)  # between a reveal and the next round
    # A deadline missed by more than this (the bot was away) ends the game instead.
    stale_after: timedelta = timedelta(minutes=10)
    correct_points: int = 100
    speed_bonus: int = 50  # duels: up to this much more for a quick right answer
    first_bonus: int = 50  # group quizzes: the first right answer
    start_rating: int = 1200
    elo_k: int = 32


RULES = Rules()


def round_seconds(question: QuestionData, rules: Rules = RULES) -> int:
    """Reading time: 20 s + 1 s per 15 words of scenario and options (capped)."""
    words = len(question.scenario.split()) + sum(len(o.text.split()) for o in question.options)
    return min(rules.max_seconds, rules.base_seconds + words // rules.words_per_second)


def speed_bonus(elapsed: timedelta, limit_s: int, rules: Rules = RULES) -> int:
    """Up to `speed_bonus` points, falling linearly to 0 at the end of the round."""
    if limit_s <= 0:
        return 0
    left = 1 - elapsed.total_seconds() / limit_s
    return round(rules.speed_bonus * min(1.0, max(0.0, left)))


def expected(rating: int, other: int) -> float:
    return 1 / (1 + 10 ** ((other - rating) / 400))


def elo(a: int, b: int, score_a: float, k: int = RULES.elo_k) -> tuple[int, int]:
    """New ratings of A and B after a game A scored `score_a` in (1 win, 0.5 draw, 0 loss).
    The change is rounded once and mirrored, so no points are made or lost."""
    change = round(k * (score_a - expected(a, b)))
    return a + change, b - change
