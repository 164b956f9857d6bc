"""Group quizzes, single group questions, leaderboards and the shared tick."""

from __future__ import annotations

import asyncio

import pytest

from bot.games import errors
from bot.games.views import GameOverView, RevealView, RoundView
from tests.fakes import FakeClock
from tests.games.conftest import ALICE, BOB, CAROL, VENUE, Table
from tests.games.fakes import FakePublisher


async def test_a_group_quiz_with_reveals_and_standings(table: Table) -> None:
    games, pub = table.games, table.publisher
    await games.start_quiz(VENUE, ALICE, 2)
    first = pub.last(RoundView)
    assert (first.kind, first.round_no, first.rounds, first.revealable) == ("quiz", 1, 2, False)
    ask = first.question.ask_id
    table.clock.advance(seconds=1)
    await games.answer(BOB, ask, await table.wrong(first))
    table.clock.advance(seconds=1)
    await games.answer(CAROL, ask, await table.right(first))
    table.clock.advance(seconds=1)
    await games.answer(ALICE, ask, await table.right(first))
    assert pub.posted(RevealView) == []  # round 1 runs its time: anyone may still join
    with pytest.raises(errors.GameRunning):
        await games.start_quiz(VENUE, BOB)
    with pytest.raises(errors.GameRunning):
        await games.ask_group(VENUE, BOB)

    assert await table.pass_time(first.seconds) == 1
    reveal = pub.last(RevealView)
    assert reveal.timed_out and reveal.explanation and not reveal.next_button
    assert [(a.name, a.correct, a.points, a.first) for a in reveal.answers] == [
        ("Bob", False, 0, False),
        ("Carol", True, 150, True),
        ("Alice", True, 100, False),
    ]
    assert [s.name for s in reveal.scores] == ["Carol", "Alice", "Bob"]
    await table.pass_time(5)
    second = pub.last(RoundView)
    assert second.round_no == 2 and second.question.question_id != first.question.question_id
    for who in (ALICE, BOB):
        await games.answer(who, second.question.ask_id, await table.right(second))
    assert len(pub.posted(RevealView)) == 1
    await games.answer(CAROL, second.question.ask_id, await table.wrong(second))
    # everyone who joined has answered: the round closes before its time, the quiz ends
    last = pub.last(RevealView)
    assert last.round_no == 2 and last.last and not last.timed_out
    over = pub.last(GameOverView)
    assert [(s.name, s.score, s.correct) for s in over.standings] == [
        ("Alice", 250, 2),  # first right in round 2: 150, plus 100
        ("Carol", 150, 1),
        ("Bob", 100, 1),
    ]
    assert over.winner is None and over.rounds_played == 2

    board = await games.leaderboard(VENUE, BOB)
    assert [(r.rank, r.name, r.value, r.played) for r in board.quizzes] == [
        (1, "Alice", 250, 1),
        (2, "Carol", 150, 1),
        (3, "Bob", 100, 1),
    ]
    assert board.my_quiz is not None and board.my_quiz.rank == 3
    assert board.duels == () and board.my_duel is None
    # another community keeps its own board
    elsewhere = VENUE.__class__("telegram", "-777", "-777")
    assert (await games.leaderboard(elsewhere, ALICE)).quizzes == ()


async def test_a_single_question_reveals_on_the_button_or_its_timer(table: Table) -> None:
    games, pub = table.games, table.publisher
    await games.ask_group(VENUE, ALICE)
    question = pub.last(RoundView)
    assert question.kind == "single" and question.revealable and question.rounds == 1
    await games.answer(BOB, question.question.ask_id, await table.right(question))
    await games.answer(CAROL, question.question.ask_id, await table.wrong(question))
    assert pub.posted(RevealView) == []
    await games.reveal(question.game_id, CAROL)
    reveal = pub.last(RevealView)
    assert reveal.next_button and reveal.concepts and reveal.last
    assert [(a.name, a.correct, a.first) for a in reveal.answers] == [
        ("Bob", True, True),
        ("Carol", False, False),
    ]
    assert pub.edited(RoundView)[-1].closed
    assert pub.posted(GameOverView) == []  # the reveal of one question says it all
    with pytest.raises(errors.RoundClosed):
        await games.answer(ALICE, question.question.ask_id, await table.right(question))
    with pytest.raises(errors.GameError):
        await games.reveal(question.game_id, CAROL)

    await games.ask_group(VENUE, BOB)
    timed = pub.last(RoundView)
    assert timed.seconds == 2 * (timed.seconds // 2)  # twice a round's reading time
    assert await table.pass_time(timed.seconds) == 1
    assert pub.last(RevealView).timed_out and pub.last(RevealView).answers == ()


async def test_a_quiz_round_cannot_be_revealed_early_and_quizzes_can_be_stopped(
    table: Table,
) -> None:
    await table.games.start_quiz(VENUE, ALICE, 3)
    game_id = table.publisher.last(RoundView).game_id
    with pytest.raises(errors.NotRevealable):
        await table.games.reveal(game_id, ALICE)
    with pytest.raises(errors.NotYourGame):
        await table.games.stop(VENUE, BOB)
    await table.games.stop(VENUE, ALICE)
    assert table.publisher.last(GameOverView).reason == "stopped"
    await table.games.start_quiz(VENUE, BOB, 1)  # the channel is free again


async def test_bad_quiz_sizes_are_refused(table: Table) -> None:
    for rounds in (0, 11):
        with pytest.raises(errors.BadRounds, match="between 1 and 10"):
            await table.games.start_quiz(VENUE, ALICE, rounds)
    assert table.publisher.posts == []


async def test_members_met_in_a_group_get_no_private_daily_question(table: Table) -> None:
    await table.games.ask_group(VENUE, ALICE)
    question = table.publisher.last(RoundView)
    await table.games.answer(BOB, question.question.ask_id, await table.right(question))
    tutor = table.games.tutor
    assert not (await tutor.user(BOB)).daily_enabled
    assert not (await tutor.user(ALICE)).daily_enabled
    assert (await tutor.user(CAROL)).daily_enabled  # first met in a private chat
    # a group member who later sets a daily time gets it
    assert (await tutor.set_daily(BOB, "08:00", None)).enabled


async def test_two_processes_never_fire_a_round_twice(table: Table) -> None:
    """Two processes on one database tick the same due deadlines at the same moment."""
    other = await Table(table.db_url, table.clock, FakePublisher()).open(seed=3)
    try:
        for k in range(4):  # four groups' quizzes come due together
            venue = VENUE.__class__("telegram", str(-100 - k), str(-100 - k))
            await table.games.start_quiz(venue, ALICE, 1)
        table.clock.advance(minutes=2)
        moved = await asyncio.gather(table.games.tick(), other.games.tick())
        assert sum(moved) == 4
        reveals = table.publisher.posted(RevealView) + other.publisher.posted(RevealView)
        assert sorted(r.game_id for r in reveals) == sorted({r.game_id for r in reveals})
        assert len(reveals) == 4
        assert await table.games.tick() == 0 and await other.games.tick() == 0
    finally:
        await other.close()


async def test_a_failed_post_loses_no_game(table: Table) -> None:
    table.publisher.fail_posts = 1  # the question of round 1 is not delivered
    await table.games.start_quiz(VENUE, ALICE, 2)
    assert table.publisher.posted(RoundView) == []
    assert await table.pass_time(90) == 1  # the round still closes on time ...
    await table.pass_time(5)
    assert table.publisher.last(RoundView).round_no == 2  # ... and the quiz goes on


async def test_the_tick_serves_only_attached_platforms(table: Table) -> None:
    discord = VENUE.__class__("discord", "guild", "channel")
    table.games.attach(FakePublisher("discord"))
    await table.games.start_quiz(discord, ALICE, 1)
    bare = await Table(table.db_url, FakeClock(table.clock())).open()
    try:
        bare.games.publishers.clear()
        bare.games.attach(FakePublisher("telegram"))
        bare.clock.advance(minutes=2)
        assert await bare.games.tick() == 0  # a Telegram-only process leaves Discord's game
    finally:
        await bare.close()
    assert await table.pass_time(120) == 1


async def test_a_channel_the_bot_was_removed_from_ends_its_games(table: Table) -> None:
    await table.games.start_quiz(VENUE, ALICE, 3)
    table.publisher.gone = True  # kicked from the group between two rounds
    assert await table.pass_time(90) == 1  # the round closes; its reveal cannot be posted
    assert await table.games.store.open_games(VENUE) == []
    assert await table.pass_time(600) == 0  # nothing is left to fire
    table.publisher.gone = False
    await table.games.start_quiz(VENUE, BOB, 1)  # added back: the channel is free
