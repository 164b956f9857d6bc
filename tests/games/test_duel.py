"""Duels through the Games service on a real database, with a fake clock and channel."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import AlreadyAnswered, AskNotFound
from bot.games import errors
from bot.games.views import (
    INVITE_ACCEPTED,
    INVITE_CANCELLED,
    INVITE_DECLINED,
    INVITE_EXPIRED,
    INVITE_OPEN,
    OVER_FINISHED,
    GameOverView,
    InviteView,
    RevealView,
    RoundView,
)
from tests.games.conftest import ALICE, BOB, CAROL, VENUE, Table


async def start_duel(table: Table, rounds: int = 3) -> int:
    notice = await table.games.challenge(VENUE, ALICE, BOB, rounds)
    assert notice.game_id is not None
    await table.games.accept(notice.game_id, BOB)
    return notice.game_id


async def test_a_full_duel(table: Table) -> None:
    games, pub = table.games, table.publisher
    notice = await games.challenge(VENUE, ALICE, BOB, 3)
    assert "Challenge sent to Bob: 3 rounds" in notice.text
    invite = pub.last(InviteView)
    assert (invite.challenger, invite.opponent, invite.status) == ("Alice", "Bob", INVITE_OPEN)
    assert notice.game_id == invite.game_id

    await games.accept(invite.game_id, BOB)
    assert pub.edited(InviteView)[-1].status == INVITE_ACCEPTED
    for round_no in (1, 2, 3):
        question = pub.last(RoundView)
        assert (question.round_no, question.rounds, question.players) == (
            round_no,
            3,
            ("Alice", "Bob"),
        )
        assert question.seconds >= 20 and not question.closed
        table.clock.advance(seconds=2)
        locked = await games.answer(ALICE, question.question.ask_id, await table.right(question))
        assert "locked in" in locked.text and "Correct" not in locked.text  # no spoiler
        assert len(pub.posted(RevealView)) == round_no - 1  # Bob has not answered yet
        table.clock.advance(seconds=3)
        await games.answer(BOB, question.question.ask_id, await table.wrong(question))
        reveal = pub.last(RevealView)  # both answered: the round closed at once
        assert reveal.round_no == round_no and not reveal.timed_out
        assert reveal.right == tuple(await table.right(question))
        assert [(a.name, a.correct) for a in reveal.answers] == [("Alice", True), ("Bob", False)]
        assert reveal.answers[0].points > 100 and reveal.answers[1].points == 0
        assert reveal.answers[1].letters == await table.wrong(question)
        assert reveal.explanation
        closed = pub.edited(RoundView)[-1]
        assert closed.closed and closed.question.ask_id == question.question.ask_id
        if round_no < 3:
            assert await table.pass_time(4) == 0  # the pause between rounds
            assert await table.pass_time(1) == 1  # the next round opens
    over = pub.last(GameOverView)
    assert (over.winner, over.reason, over.rounds_played) == ("Alice", OVER_FINISHED, 3)
    assert [(s.name, s.correct, s.rating, s.rating_change) for s in over.standings] == [
        ("Alice", 3, 1216, 16),
        ("Bob", 0, 1184, -16),
    ]
    assert over.standings[0].score == sum(r.answers[0].points for r in pub.posted(RevealView))
    assert await table.pass_time(600) == 0  # nothing is left to fire

    board = await games.leaderboard(VENUE, BOB)
    assert [(r.rank, r.name, r.value, r.wins, r.losses) for r in board.duels] == [
        (1, "Alice", 1216, 1, 0),
        (2, "Bob", 1184, 0, 1),
    ]
    assert board.my_duel is not None and board.my_duel.rank == 2
    assert board.quizzes == () and board.my_quiz is None


async def test_declined_withdrawn_and_expired_invitations(table: Table) -> None:
    games, pub = table.games, table.publisher
    first = (await games.challenge(VENUE, ALICE, BOB)).game_id
    assert first is not None
    with pytest.raises(errors.NotYourInvitation):
        await games.accept(first, CAROL)
    with pytest.raises(errors.NotYourInvitation):
        await games.accept(first, ALICE)
    await games.decline(first, BOB)
    assert pub.edited(InviteView)[-1].status == INVITE_DECLINED
    with pytest.raises(errors.InvitationClosed, match="declined"):
        await games.accept(first, BOB)

    second = (await games.challenge(VENUE, ALICE, BOB)).game_id
    assert second is not None
    assert "withdrawn" in (await games.decline(second, ALICE)).text
    assert pub.edited(InviteView)[-1].status == INVITE_CANCELLED

    third = (await games.challenge(VENUE, BOB, ALICE)).game_id
    assert third is not None
    assert await table.pass_time(119) == 0
    assert await table.pass_time(1) == 1
    expired = pub.edited(InviteView)[-1]
    assert (expired.game_id, expired.status) == (third, INVITE_EXPIRED)
    with pytest.raises(errors.InvitationClosed, match="expired"):
        await games.accept(third, ALICE)
    assert pub.posted(RoundView) == []
    assert (await games.leaderboard(VENUE, ALICE)).duels == ()


async def test_duels_refused_clearly(table: Table) -> None:
    games = table.games
    with pytest.raises(errors.SelfDuel):
        await games.challenge(VENUE, ALICE, ALICE)
    with pytest.raises(errors.BotDuel):
        await games.challenge(VENUE, ALICE, BOB, opponent_is_bot=True)
    with pytest.raises(errors.BadRounds, match="between 3 and 10"):
        await games.challenge(VENUE, ALICE, BOB, 11)
    await games.challenge(VENUE, ALICE, BOB)
    with pytest.raises(errors.AlreadyInDuel, match="Bob is already in a duel"):
        await games.challenge(VENUE, CAROL, BOB)
    with pytest.raises(errors.AlreadyInDuel, match="You are already in a duel"):
        await games.challenge(VENUE, ALICE, CAROL)
    assert len(table.publisher.posted(InviteView)) == 1


async def test_answers_only_from_players_once_and_through_the_game(table: Table) -> None:
    await start_duel(table)
    question = table.publisher.last(RoundView)
    ask_id, right = question.question.ask_id, await table.right(question)
    with pytest.raises(errors.NotAPlayer):
        await table.games.answer(CAROL, ask_id, right)
    with pytest.raises(AskNotFound):  # the plain answer path refuses a game round
        await table.games.tutor.answer(ALICE, ask_id, right)
    await table.games.answer(ALICE, ask_id, right)
    with pytest.raises(AlreadyAnswered):
        await table.games.answer(ALICE, ask_id, await table.wrong(question))
    assert table.publisher.posted(RevealView) == []


async def test_a_round_times_out(table: Table) -> None:
    await start_duel(table)
    pub = table.publisher
    question = pub.last(RoundView)
    await table.games.answer(ALICE, question.question.ask_id, await table.right(question))
    assert await table.pass_time(question.seconds - 1) == 0
    table.clock.advance(seconds=1)
    # time is up, even before the tick has closed the round
    with pytest.raises(errors.RoundClosed, match="Time is up"):
        await table.games.answer(BOB, question.question.ask_id, await table.right(question))
    assert await table.games.tick() == 1
    reveal = pub.last(RevealView)
    assert reveal.timed_out and [a.name for a in reveal.answers] == ["Alice"]
    assert [(s.name, s.correct) for s in reveal.scores] == [("Alice", 1), ("Bob", 0)]
    with pytest.raises(errors.RoundClosed):
        await table.games.answer(BOB, question.question.ask_id, await table.right(question))
    await table.pass_time(5)
    assert pub.last(RoundView).round_no == 2


async def test_a_duel_can_be_stopped_by_a_player_only(table: Table) -> None:
    await start_duel(table)
    with pytest.raises(errors.NotYourGame):
        await table.games.stop(VENUE, CAROL)
    await table.games.stop(VENUE, BOB)
    over = table.publisher.last(GameOverView)
    assert over.reason == "stopped" and over.winner is None
    assert table.publisher.edited(RoundView)[-1].closed
    with pytest.raises(errors.NoGameHere):
        await table.games.stop(VENUE, BOB)
    assert (await table.games.leaderboard(VENUE, ALICE)).duels == ()  # no rating change
    await table.games.challenge(VENUE, ALICE, BOB)  # both are free again


async def test_a_restart_in_the_middle_of_a_duel(table: Table) -> None:
    await start_duel(table)
    question = table.publisher.last(RoundView)
    await table.games.answer(ALICE, question.question.ask_id, await table.right(question))
    await table.close()  # the process stops ...
    table.clock.advance(seconds=3)
    await table.open(seed=2)  # ... and a new one starts on the same database
    # the button under the question still works, and the duel goes on
    await table.games.answer(BOB, question.question.ask_id, await table.right(question))
    assert table.publisher.last(RevealView).round_no == 1
    for _ in range(2):
        await table.pass_time(5)
        question = table.publisher.last(RoundView)
        await table.games.answer(ALICE, question.question.ask_id, await table.wrong(question))
        await table.games.answer(BOB, question.question.ask_id, await table.right(question))
    over = table.publisher.last(GameOverView)
    assert over.winner == "Bob" and over.rounds_played == 3


async def test_a_duel_left_while_the_bot_was_away_ends_with_a_message(table: Table) -> None:
    await start_duel(table)
    await table.close()
    table.clock.advance(minutes=30)
    await table.open()
    assert await table.games.tick() == 1
    over = table.publisher.last(GameOverView)
    assert over.reason == "stale" and over.rounds_played == 1
    assert table.publisher.edited(RoundView)[-1].closed
    await table.games.challenge(VENUE, ALICE, BOB)  # nobody is stuck in it


async def test_simultaneous_challenges_to_one_member_let_one_through(table: Table) -> None:
    other = await Table(table.db_url, table.clock, table.publisher).open(seed=4)  # a 2nd process
    try:
        results = await asyncio.gather(
            table.games.challenge(VENUE, ALICE, BOB),
            other.games.challenge(VENUE, CAROL, BOB),
            return_exceptions=True,
        )
    finally:
        await other.close()
    refused = [r for r in results if isinstance(r, errors.AlreadyInDuel)]
    assert len(refused) == 1 and "Bob is already in a duel" in refused[0].message
    assert len(table.publisher.posted(InviteView)) == 1
