"""Duels, group quizzes and leaderboards on Discord, end to end through the real client.

Timers are deadlines in the database; tests move them with `bot.tick(seconds)`, which gives
the games a later clock instead of waiting.
"""

from __future__ import annotations

from tests.discord.conftest import (
    Harness,
    custom_id,
    is_round,
    right_letters,
    wrong_letters,
)
from tests.discord.fake_discord import (
    CHANNEL_ID,
    FakeDiscord,
    Json,
    Member,
    buttons,
    message_text,
)

PAUSE_S = 6  # past the pause between a reveal and the next round
ROUND_S = 200  # past any round's time limit
INVITE_S = 180  # past an invitation's two minutes


def duel_options(opponent: Member, rounds: int | None = None) -> list[Json]:
    options: list[Json] = [{"name": "opponent", "type": 6, "value": str(opponent.id)}]
    if rounds is not None:
        options.append({"name": "rounds", "type": 4, "value": rounds})
    return options


def resolved(*members: Member) -> Json:
    return {
        "users": {str(m.id): m.user() for m in members},
        "members": {
            str(m.id): {k: v for k, v in m.member().items() if k != "user"} for m in members
        },
    }


async def challenge(bot: Harness, alice: Member, bob: Member, rounds: int = 3) -> Json:
    seen = bot.seen()
    asked = await bot.fake.slash(alice, "duel", duel_options(bob, rounds), resolved=resolved(bob))
    assert "Bob" in await bot.notice(asked)
    return await bot.posted("Duel invitation", seen)


async def play_round(
    bot: Harness, seen: int, a: tuple[Member, bool], b: tuple[Member, bool]
) -> tuple[Json, int]:
    """Both players answer the next round (right or wrong); the round and where it was."""
    question = await bot.posted(is_round, seen)
    index = bot.fake.channel_messages[int(question["channel_id"])].index(question["id"])
    for member, right in (a, b):
        letters = right_letters(question) if right else wrong_letters(question)
        click = await bot.fake.click(member, question, custom_id(question, letters))
        notice = await bot.notice(click)
        assert "locked in" in notice
    return question, index


async def test_a_full_duel_changes_the_leaderboard(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    invitation = await challenge(bot, alice, bob)
    assert "Alice challenges Bob" in message_text(invitation)
    seen = bot.seen()
    accepted = await fake.click_label(bob, invitation, "Accept")
    assert "Duel on" in await bot.notice(accepted)
    await fake.wait_for(lambda: "accepted" in message_text(fake.messages[invitation["id"]]))
    assert not buttons(fake.messages[invitation["id"]])

    for round_no in (1, 2, 3):
        question, index = await play_round(bot, seen, (alice, True), (bob, False))
        assert f"round {round_no}/3" in message_text(question)
        reveal = await bot.posted(f"Round {round_no}/3: the answer is", index)
        assert "✅ Alice" in message_text(reveal) and "❌ Bob" in message_text(reveal)
        seen = bot.seen()
        if round_no < 3:
            await bot.tick(PAUSE_S)  # the next round opens after the pause
    over = await bot.posted("Duel over", index)
    assert "Alice wins" in message_text(over)
    assert "rating 1216 +16" in message_text(over)

    board = await bot.reply(await fake.slash(bob, "leaderboard"))
    text = message_text(board)
    assert text.index("Alice: 1216") < text.index("Bob: 1184")
    assert "1W 0L" in text


async def test_a_declined_duel_and_a_member_who_is_not_invited(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member, admin: Member
) -> None:
    invitation = await challenge(bot, alice, bob)
    stranger = await fake.click_label(admin, invitation, "Accept")
    assert "for someone else" in await bot.notice(stranger)
    declined = await fake.click_label(bob, invitation, "Decline")
    assert "declined" in (await bot.notice(declined)).lower()
    await fake.wait_for(lambda: "declined" in message_text(fake.messages[invitation["id"]]))
    board = await bot.reply(await fake.slash(alice, "leaderboard", board_option("duels")))
    assert "Nobody yet" in message_text(board)


async def test_an_invitation_expires(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    invitation = await challenge(bot, alice, bob)
    accept = custom_id_of(invitation, "Accept")
    assert await bot.tick(INVITE_S) == 1
    await fake.wait_for(lambda: "expired" in message_text(fake.messages[invitation["id"]]))
    late = await fake.click(bob, invitation, accept)  # an old client still shows the button
    assert "no longer open" in await bot.notice(late)


async def test_a_round_times_out_and_a_spectator_cannot_answer(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member, admin: Member
) -> None:
    invitation = await challenge(bot, alice, bob, rounds=3)
    await bot.notice(await fake.click_label(bob, invitation, "Accept"))
    question = await bot.posted(is_round)
    spectator = await fake.click(admin, question, custom_id(question, right_letters(question)))
    assert "between two other members" in await bot.notice(spectator)
    click = await fake.click(alice, question, custom_id(question, right_letters(question)))
    assert "locked in" in await bot.notice(click)
    index = bot.seen()
    assert await bot.tick(ROUND_S) == 1  # Bob never answers
    reveal = await bot.posted("Round 1/3: the answer is", index - 1)
    assert (
        "✅ Alice" in message_text(reveal)
        and "Bob" not in message_text(reveal).split("Answers")[1].split("Scores")[0]
    )
    assert not buttons(fake.messages[question["id"]])  # the round is closed


async def test_a_group_quiz_reveals_each_round_and_ends(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    seen = bot.seen()
    started = await fake.slash(alice, "quiz", [{"name": "rounds", "type": 4, "value": 2}])
    assert "Quiz started: 2 rounds" in await bot.notice(started)
    for round_no in (1, 2):
        question, index = await play_round(bot, seen, (bob, True), (alice, True))
        assert f"Group quiz: round {round_no}/2" in message_text(question)
        await bot.tick(ROUND_S)  # anyone may still answer until the round's time is up
        reveal = await bot.posted(f"Round {round_no}/2: the answer is", index)
        assert "⚡ first" in message_text(reveal)  # Bob was first
        seen = bot.seen()
        if round_no == 1:
            await bot.tick(ROUND_S + PAUSE_S)
    over = await bot.posted("Group quiz over", index)
    assert message_text(over).index("Bob") < message_text(over).index("Alice")
    board = await bot.reply(await fake.slash(alice, "leaderboard", board_option("quiz")))
    assert "1. Bob: 300 points" in message_text(board)


async def test_a_duel_goes_on_after_a_restart(
    bot: Harness, fake: FakeDiscord, alice: Member, bob: Member
) -> None:
    invitation = await challenge(bot, alice, bob, rounds=3)
    await bot.notice(await fake.click_label(bob, invitation, "Accept"))
    question = await bot.posted(is_round)
    click = await fake.click(alice, question, custom_id(question, right_letters(question)))
    assert "locked in" in await bot.notice(click)

    await bot.restart()  # a new process: nothing in memory, the buttons still work
    index = bot.seen()
    click = await fake.click(bob, question, custom_id(question, right_letters(question)))
    assert "Everyone has answered" in await bot.notice(click)
    await bot.posted("Round 1/3: the answer is", index)
    await bot.tick(PAUSE_S)
    assert "round 2/3" in message_text(await bot.posted(is_round, index))


def custom_id_of(message: Json, label: str) -> str:
    return next(b["custom_id"] for b in buttons(message) if b.get("label") == label)


def board_option(board: str) -> list[Json]:
    return [{"name": "board", "type": 3, "value": board}]


async def test_a_channel_the_bot_was_shut_out_of_ends_its_game(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    seen = bot.seen()
    started = await fake.slash(alice, "quiz", [{"name": "rounds", "type": 4, "value": 3}])
    assert "Quiz started" in await bot.notice(started)
    await bot.posted(is_round, seen)
    fake.no_access.add(CHANNEL_ID)  # the bot's role lost the channel
    await bot.tick(ROUND_S)  # closing the round cannot be shown: the game ends
    fake.no_access.clear()
    again = await fake.slash(alice, "quiz", [{"name": "rounds", "type": 4, "value": 1}])
    assert "Quiz started" in await bot.notice(again)  # no game is left running there
