"""The game state machines on a fake clock: pure transitions, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.games import errors, machine, rules
from bot.games.machine import Answer, Game
from bot.games.rules import RULES
from bot.games.views import DUEL, GROUP_QUIZ, SINGLE, Venue
from tests.fakes import FakeClock, make_bank

VENUE = Venue("telegram", "-100", "-100")
ALICE, BOB, CAROL = (1, "Alice"), (2, "Bob"), (3, "Carol")


def duel(clock: FakeClock, rounds: int = 3) -> Game:
    return replace(machine.new_duel(VENUE, ALICE, BOB, rounds, clock(), RULES), id=7)


def opened(game: Game, clock: FakeClock, seconds: int = 30, ask_id: int = 100) -> Game:
    return replace(machine.open_round(game, seconds, clock()), ask_id=ask_id)


def answer(user: tuple[int, str], correct: bool, clock: FakeClock, letters: str = "B") -> Answer:
    return Answer(user[0], user[1], letters, correct, clock())


def test_invitation_expires_after_two_minutes() -> None:
    clock = FakeClock()
    game = duel(clock)
    assert game.status == machine.INVITED
    clock.advance(seconds=119)
    assert machine.due(game, clock()) is None
    clock.advance(seconds=1)
    assert machine.due(game, clock()) == machine.EXPIRE
    with pytest.raises(errors.InvitationClosed, match="expired"):  # even before the tick
        machine.accept(game, BOB[0], clock())
    expired = machine.expire(game)
    assert (expired.status, expired.deadline) == (machine.EXPIRED, None)
    with pytest.raises(errors.InvitationClosed, match="expired"):
        machine.accept(expired, BOB[0], clock())


def test_only_the_opponent_accepts_and_either_side_can_say_no() -> None:
    clock = FakeClock()
    game = duel(clock)
    with pytest.raises(errors.NotYourInvitation):
        machine.accept(game, ALICE[0], clock())
    with pytest.raises(errors.NotYourInvitation):
        machine.decline(game, CAROL[0])
    assert machine.decline(game, BOB[0]).status == machine.DECLINED
    assert machine.decline(game, ALICE[0]).status == machine.CANCELLED
    accepted = machine.accept(game, BOB[0], clock())
    assert (accepted.status, accepted.phase, accepted.deadline) == (
        machine.RUNNING,
        machine.PAUSE,
        clock(),
    )
    assert machine.due(accepted, clock()) == machine.NEXT  # round 1 opens at once
    with pytest.raises(errors.InvitationClosed, match="accepted"):
        machine.accept(accepted, BOB[0], clock())


def test_duels_are_refused_with_yourself_or_a_bad_number_of_rounds() -> None:
    clock = FakeClock()
    with pytest.raises(errors.SelfDuel):
        machine.new_duel(VENUE, ALICE, ALICE, 5, clock())
    for rounds in (2, 11):
        with pytest.raises(errors.BadRounds, match="between 3 and 10"):
            machine.new_duel(VENUE, ALICE, BOB, rounds, clock())


def test_a_duel_round_closes_when_both_answered_and_scores_speed() -> None:
    clock = FakeClock()
    game = opened(machine.accept(duel(clock), BOB[0], clock()), clock, seconds=40)
    assert (game.round_no, game.deadline) == (1, clock() + timedelta(seconds=40))
    clock.advance(seconds=10)  # Alice right after 10 of 40 s: 100 + 50 * 30/40
    a = answer(ALICE, True, clock)
    assert not machine.complete(game, (a,))
    with pytest.raises(errors.NotAPlayer):
        machine.check_answer(game, 100, CAROL[0], clock())
    clock.advance(seconds=10)
    b = answer(BOB, False, clock, "C")
    assert machine.complete(game, (a, b))
    closed, result = machine.close_round(game, (a, b), clock(), timed_out=False)
    assert [s.points for s in result.scored] == [138, 0]
    assert [(s.score, s.correct) for s in closed.seats] == [(138, 1), (0, 0)]
    assert (closed.phase, closed.deadline) == (machine.PAUSE, clock() + RULES.pause)
    assert not result.last
    with pytest.raises(errors.RoundClosed):
        machine.check_answer(closed, 100, ALICE[0], clock())


def test_a_round_times_out_and_late_answers_are_refused() -> None:
    clock = FakeClock()
    game = opened(machine.accept(duel(clock), BOB[0], clock()), clock, seconds=20)
    clock.advance(seconds=20)
    with pytest.raises(errors.RoundClosed, match="Time is up"):
        machine.check_answer(game, 100, ALICE[0], clock())
    assert machine.due(game, clock()) == machine.CLOSE
    closed, result = machine.close_round(game, (), clock(), timed_out=True)
    assert result.timed_out and result.scored == ()
    assert [s.score for s in closed.seats] == [0, 0]


def test_answers_to_an_older_round_are_refused() -> None:
    clock = FakeClock()
    game = opened(machine.accept(duel(clock), BOB[0], clock()), clock, ask_id=100)
    with pytest.raises(errors.RoundClosed):
        machine.check_answer(game, 99, ALICE[0], clock())


def test_the_last_round_finishes_the_duel() -> None:
    clock = FakeClock()
    game = machine.accept(duel(clock, rounds=3), BOB[0], clock())
    for _ in range(3):
        game = opened(game, clock)
        game, result = machine.close_round(game, (answer(BOB, True, clock),), clock(), False)
        clock.advance(seconds=5)
    assert result.last and game.status == machine.FINISHED and game.deadline is None
    assert machine.duel_score(game) == 0.0  # Bob won
    assert machine.due(game, clock()) is None


def test_a_group_quiz_adds_players_who_answer_and_rewards_the_first_right() -> None:
    clock = FakeClock()
    game = replace(machine.new_group(GROUP_QUIZ, VENUE, ALICE[0], 2, clock()), id=3)
    assert machine.due(game, clock()) == machine.NEXT
    game = opened(game, clock)
    b = answer(BOB, False, clock)
    clock.advance(seconds=1)
    c = answer(CAROL, True, clock)
    clock.advance(seconds=1)
    a = answer(ALICE, True, clock)
    assert not machine.complete(game, (b, c, a))  # round 1 always runs its time
    game, result = machine.close_round(game, (a, b, c), clock(), timed_out=True)
    assert [(s.answer.name, s.points, s.first) for s in result.scored] == [
        ("Bob", 0, False),
        ("Carol", 150, True),
        ("Alice", 100, False),
    ]
    assert [s.name for s in game.standings()] == ["Carol", "Alice", "Bob"]
    game = opened(game, clock, ask_id=101)
    two = (answer(ALICE, True, clock), answer(BOB, True, clock))
    assert not machine.complete(game, two)
    assert machine.complete(game, (*two, answer(CAROL, False, clock)))


def test_a_single_question_waits_for_its_timer_or_reveal() -> None:
    clock = FakeClock()
    game = opened(replace(machine.new_group(SINGLE, VENUE, ALICE[0], 1, clock()), id=4), clock)
    assert not machine.complete(game, (answer(ALICE, True, clock), answer(BOB, True, clock)))
    closed, result = machine.close_round(game, (), clock(), timed_out=False)
    assert result.last and closed.status == machine.FINISHED


def test_a_deadline_missed_for_long_gives_the_game_up() -> None:
    clock = FakeClock()
    game = opened(machine.accept(duel(clock), BOB[0], clock()), clock, seconds=30)
    clock.advance(seconds=30)
    assert machine.due(game, clock()) == machine.CLOSE
    clock.advance(minutes=11)
    assert machine.due(game, clock()) == machine.GIVE_UP
    assert machine.stop(game, machine.STALE).status == machine.STALE
    with pytest.raises(errors.NoGameHere):
        machine.stop(machine.stop(game))


def test_round_time_follows_reading_time() -> None:
    bank = make_bank()
    question = bank.questions[1]  # "Scenario 1?" and four "option i": 2 + 8 words
    assert rules.round_seconds(question) == 20
    long = replace(question, scenario="word " * 2000)
    assert rules.round_seconds(long) == RULES.max_seconds
    assert rules.round_seconds(replace(question, scenario="word " * 142)) == 30


def test_speed_bonus_and_elo() -> None:
    assert rules.speed_bonus(timedelta(0), 30) == 50
    assert rules.speed_bonus(timedelta(seconds=15), 30) == 25
    assert rules.speed_bonus(timedelta(seconds=45), 30) == 0
    assert rules.elo(1200, 1200, 1.0) == (1216, 1184)
    assert rules.elo(1200, 1200, 0.5) == (1200, 1200)
    a, b = rules.elo(1400, 1200, 0.0)
    assert (a, b) == (1376, 1224) and a + b == 2600  # an upset moves more points


def test_kinds_have_their_own_purposes() -> None:
    clock = FakeClock()
    assert duel(clock).purpose == "duel"
    assert machine.new_group(GROUP_QUIZ, VENUE, 1, 5, clock()).purpose == "groupquiz"
    assert machine.new_group(SINGLE, VENUE, 1, 1, clock()).purpose == "single"
    assert DUEL == "duel"
