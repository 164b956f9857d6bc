"""The games as pure state machines: a state and a moment in, the next state out.

No I/O and no clock of its own: every transition takes `now`, so tests drive a game with a
fake clock, and the service runs each transition inside one store transaction.

    duel:    invited --accept--> running(pause) --next--> running(round) --close--> pause ...
             invited --decline/expire--> declined | cancelled | expired
    quiz:    running(pause) --next--> running(round) --close--> pause ... --> finished
    single:  running(pause) --next--> running(round) --close/reveal--> finished
    any open game --stop--> stopped;  a deadline missed for too long --> stale
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.games import errors, rules
from bot.games.rules import RULES, Rules
from bot.games.views import DUEL, GROUP_QUIZ, SINGLE, Venue

INVITED, RUNNING = "invited", "running"
FINISHED, DECLINED, CANCELLED, EXPIRED = "finished", "declined", "cancelled", "expired"
STOPPED, STALE = "stopped", "stale"
OPEN = (INVITED, RUNNING)
INVITE, ROUND, PAUSE, DONE = "invite", "round", "pause", ""

# What a due deadline means (see `due`).
EXPIRE, CLOSE, NEXT, GIVE_UP = "expire", "close", "next", "give_up"

PURPOSES = {DUEL: "duel", GROUP_QUIZ: "groupquiz", SINGLE: "single"}


@dataclass(frozen=True)
class Seat:
    """A player: a duel's challenger (seat 0) and opponent (1), or a quiz member in the
    order they joined (by answering)."""

    user_id: int
    name: str
    seat: int
    score: int = 0
    correct: int = 0


@dataclass(frozen=True)
class Game:
    id: int
    kind: str  # DUEL, GROUP_QUIZ, SINGLE
    venue: Venue
    status: str
    phase: str
    rounds: int
    round_no: int  # rounds opened so far
    deadline: datetime | None  # when the tick must act (None once over)
    created_by: int
    created_at: datetime
    seats: tuple[Seat, ...] = ()
    ask_id: int | None = None  # the current (or last) round's ask
    round_started_at: datetime | None = None
    round_seconds: int = 0
    message_ref: str | None = None  # the invitation message
    version: int = 0

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def purpose(self) -> str:
        return PURPOSES[self.kind]

    def seat_of(self, user_id: int) -> Seat | None:
        return next((s for s in self.seats if s.user_id == user_id), None)

    def standings(self) -> tuple[Seat, ...]:
        return tuple(sorted(self.seats, key=lambda s: (-s.score, -s.correct, s.seat)))


@dataclass(frozen=True)
class Answer:
    """An answer to the current round, as stored (the ordinary attempt)."""

    user_id: int
    name: str
    letters: str
    correct: bool
    answered_at: datetime


@dataclass(frozen=True)
class Scored:
    answer: Answer
    points: int
    first: bool = False  # the first right answer (group games)


@dataclass(frozen=True)
class RoundResult:
    round_no: int
    scored: tuple[Scored, ...]
    timed_out: bool
    last: bool


# -- starting ------------------------------------------------------------------------------
def check_rounds(kind: str, rounds: int, r: Rules = RULES) -> None:
    low, high = r.duel_rounds if kind == DUEL else r.quiz_rounds
    if not low <= rounds <= high:
        raise errors.BadRounds(low, high)


def new_duel(
    venue: Venue,
    challenger: tuple[int, str],
    opponent: tuple[int, str],
    rounds: int,
    now: datetime,
    r: Rules = RULES,
) -> Game:
    if challenger[0] == opponent[0]:
        raise errors.SelfDuel()
    check_rounds(DUEL, rounds, r)
    return Game(
        id=0, kind=DUEL, venue=venue, status=INVITED, phase=INVITE, rounds=rounds, round_no=0,
        deadline=now + r.invite_ttl, created_by=challenger[0], created_at=now,
        seats=(Seat(challenger[0], challenger[1], 0), Seat(opponent[0], opponent[1], 1)),
    )  # fmt: skip


def new_group(
    kind: str, venue: Venue, starter: int, rounds: int, now: datetime, r: Rules = RULES
) -> Game:
    """A quiz (or a single question): the first round opens at once (its deadline is now)."""
    check_rounds(kind, rounds, r)
    return Game(
        id=0, kind=kind, venue=venue, status=RUNNING, phase=PAUSE, rounds=rounds, round_no=0,
        deadline=now, created_by=starter, created_at=now,
    )  # fmt: skip


# -- invitations ---------------------------------------------------------------------------
def _check_invited(game: Game) -> None:
    if game.status != INVITED:
        raise errors.InvitationClosed(game.status if game.status != RUNNING else "accepted")


def accept(game: Game, user_id: int, now: datetime) -> Game:
    _check_invited(game)
    if user_id != game.seats[1].user_id:
        raise errors.NotYourInvitation()
    if game.deadline is not None and now >= game.deadline:  # the tick has not expired it yet
        raise errors.InvitationClosed(EXPIRED)
    return replace(game, status=RUNNING, phase=PAUSE, deadline=now)


def decline(game: Game, user_id: int) -> Game:
    """The opponent declines; the challenger withdraws (cancelled)."""
    _check_invited(game)
    if user_id == game.seats[1].user_id:
        return replace(game, status=DECLINED, phase=DONE, deadline=None)
    if user_id == game.seats[0].user_id:
        return replace(game, status=CANCELLED, phase=DONE, deadline=None)
    raise errors.NotYourInvitation()


def expire(game: Game) -> Game:
    _check_invited(game)
    return replace(game, status=EXPIRED, phase=DONE, deadline=None)


# -- rounds --------------------------------------------------------------------------------
def open_round(game: Game, seconds: int, now: datetime) -> Game:
    """The next round, open for `seconds`. Its ask is inserted with it (the store sets
    `ask_id` in the same transaction)."""
    if game.status != RUNNING or game.phase != PAUSE or game.round_no >= game.rounds:
        raise ValueError(f"no round to open in {game.status}/{game.phase}")
    return replace(
        game, phase=ROUND, round_no=game.round_no + 1, ask_id=None, round_started_at=now,
        round_seconds=seconds, deadline=_at(now, seconds),
    )  # fmt: skip


def _at(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)


def check_answer(game: Game, ask_id: int, user_id: int, now: datetime) -> None:
    """Refuse an answer the round cannot take (nothing is stored then)."""
    if game.status != RUNNING or game.phase != ROUND or game.ask_id != ask_id:
        raise errors.RoundClosed()
    if game.deadline is not None and now >= game.deadline:
        raise errors.RoundClosed()
    if game.kind == DUEL and game.seat_of(user_id) is None:
        raise errors.NotAPlayer()


def complete(game: Game, answers: tuple[Answer, ...]) -> bool:
    """Whether the round may close before its time: a duel when both answered; a quiz
    (from round 2) when everyone who joined in earlier rounds answered. A single question
    waits for its timer or the Reveal button."""
    answered = {a.user_id for a in answers}
    if game.kind == DUEL:
        return all(s.user_id in answered for s in game.seats)
    if game.kind == GROUP_QUIZ:
        return bool(game.seats) and all(s.user_id in answered for s in game.seats)
    return False


def close_round(
    game: Game, answers: tuple[Answer, ...], now: datetime, timed_out: bool, r: Rules = RULES
) -> tuple[Game, RoundResult]:
    """Score the round, add quiz members who joined by answering, and pause (or finish)."""
    if game.status != RUNNING or game.phase != ROUND:
        raise errors.RoundClosed()
    scored = _score(game, answers, r)
    seats = {s.user_id: s for s in game.seats}
    for item in scored:
        a = item.answer
        seat = seats.get(a.user_id) or Seat(a.user_id, a.name, len(seats))
        seats[a.user_id] = replace(
            seat, score=seat.score + item.points, correct=seat.correct + int(a.correct)
        )
    last = game.round_no >= game.rounds
    after = replace(
        game,
        seats=tuple(sorted(seats.values(), key=lambda s: s.seat)),
        status=FINISHED if last else RUNNING,
        phase=DONE if last else PAUSE,
        deadline=None if last else now + r.pause,
    )
    return after, RoundResult(game.round_no, scored, timed_out, last)


def _score(game: Game, answers: tuple[Answer, ...], r: Rules) -> tuple[Scored, ...]:
    ordered = sorted(answers, key=lambda a: a.answered_at)
    if game.kind == DUEL:
        started = game.round_started_at or game.created_at
        return tuple(
            Scored(
                a,
                r.correct_points + rules.speed_bonus(a.answered_at - started, game.round_seconds, r)
                if a.correct
                else 0,
            )
            for a in ordered
            if game.seat_of(a.user_id) is not None
        )
    first = next((a.user_id for a in ordered if a.correct), None)
    return tuple(
        Scored(
            a,
            (r.correct_points + (r.first_bonus if a.user_id == first else 0)) if a.correct else 0,
            first=a.user_id == first,
        )
        for a in ordered
    )


def stop(game: Game, reason: str = STOPPED) -> Game:
    if not game.open:
        raise errors.NoGameHere()
    return replace(game, status=reason, phase=DONE, deadline=None)


# -- the clock -----------------------------------------------------------------------------
def due(game: Game, now: datetime, r: Rules = RULES) -> str | None:
    """What the tick must do with this game now, if anything."""
    if not game.open or game.deadline is None or game.deadline > now:
        return None
    if game.phase != INVITE and now - game.deadline > r.stale_after:
        return GIVE_UP  # the bot was away: end it rather than replay stale rounds
    return {INVITE: EXPIRE, ROUND: CLOSE, PAUSE: NEXT}.get(game.phase)


def duel_score(game: Game) -> float:
    """The challenger's result for Elo: 1 win, 0.5 draw, 0 loss."""
    a, b = game.seats[0].score, game.seats[1].score
    return 1.0 if a > b else 0.5 if a == b else 0.0
