"""Every command, driven through the real Application against the fake Bot API."""

from __future__ import annotations

from tests.telegram.conftest import (
    Harness,
    Student,
    ask_id_of,
    buttons,
    right_letters,
    wrong_letters,
)


async def test_commands_are_registered_at_start(bot: Harness) -> None:
    everyone, groups, admins = bot.fake.calls_to("setMyCommands")
    names = [c["command"] for c in everyone.params["commands"]]
    assert names == [
        "start", "quiz", "explain", "stats", "misses", "exam", "settings", "track", "reviews",
        "daily", "stop", "help",
    ]  # fmt: skip
    assert "scope" not in everyone.params
    assert groups.params["scope"] == {"type": "all_group_chats"}
    assert [c["command"] for c in groups.params["commands"]][:4] == [
        "quiz",
        "duel",
        "leaderboard",
        "stopgame",
    ]
    assert admins.params["scope"] == {"type": "chat", "chat_id": 1001}
    assert [c["command"] for c in admins.params["commands"]][-2:] == ["import", "content"]


async def test_start_welcomes_and_offers_the_daily_question(
    bot: Harness, alice: Student, admin: Student
) -> None:
    welcome = await bot.reply(alice, "/start")
    assert "Hi Alice" in welcome["text"]
    assert "How it works" in welcome["text"]
    assert "send /daily and tap a time or share your location" in welcome["text"]
    assert "/daily 08:30 Berlin" in welcome["text"] and "Area/City" not in welcome["text"]
    assert "/settings" in welcome["text"]
    assert "/import" not in welcome["text"]
    assert "/import" in (await bot.reply(admin, "/start"))["text"]


async def test_help_lists_the_commands(bot: Harness, alice: Student) -> None:
    text = (await bot.reply(alice, "/help"))["text"]
    for command in ("/quiz", "/settings", "/explain", "/stats", "/daily", "/stop", "/help"):
        assert command in text
    assert "/import" not in text


async def test_quiz_sends_a_question_with_letter_buttons(bot: Harness, alice: Student) -> None:
    question = await bot.reply(alice, "/quiz")
    letters = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert letters[:2] == ["A", "B"]
    assert "A. " in question["text"] and "★" in question["text"]
    assert right_letters(question)  # the options are the pack's, in some order


async def test_explain_shows_a_card_or_suggests(bot: Harness, alice: Student) -> None:
    card = await bot.reply(alice, "/explain s3")
    assert card["text"].startswith("Amazon S3 (Simple Storage Service) · Storage")
    assert "Related: Glacier" in card["text"]
    assert "Did you mean: Glacier?" in (await bot.reply(alice, "/explain glaicer"))["text"]


async def test_user_text_is_escaped(bot: Harness, alice: Student) -> None:
    # The fake refuses HTML Telegram would refuse, so this arrives only if escaped.
    reply = await bot.reply(alice, "/explain <b>&nbsp;</i>")
    assert "I have no card called '<b>&nbsp;</i>'" in reply["text"]


async def test_stats_before_and_after_an_answer(bot: Harness, alice: Student) -> None:
    assert "No answers yet" in (await bot.reply(alice, "/stats"))["text"]
    question = await bot.reply(alice, "/quiz")
    await bot.answer(alice, question, right_letters(question))
    photo = await bot.reply_photo(alice, "/stats")
    assert "Answered 1 · right 1 (100%)" in photo["caption"]
    assert "Seen 1 of" in photo["caption"] and "Readiness: about" in photo["caption"]
    assert photo["png"].startswith(b"\x89PNG\r\n\x1a\n")


async def test_misses_retry_and_why(bot: Harness, alice: Student) -> None:
    assert "No wrong answers" in (await bot.reply(alice, "/misses"))["text"]
    question = await bot.reply(alice, "/quiz")
    await bot.answer(alice, question, wrong_letters(question))
    listed = await bot.reply(alice, "/misses")
    assert listed["text"].startswith("Your last 1 missed question(s)")
    labels = [b["text"] for b in buttons(listed)]
    assert labels == ["🔁 Retry 1", "📖 Why 1"]

    seen = len(bot.fake.sent(alice.chat_id))
    await alice.tap(listed, "📖 Why 1")
    why = await bot.next_message(alice.chat_id, seen)
    assert "✓ " in why["text"]

    seen = len(bot.fake.sent(alice.chat_id))
    await alice.tap(listed, "🔁 Retry 1")
    again = await bot.next_message(alice.chat_id, seen)
    assert " ".join(again["text"].split()[:6]) == " ".join(question["text"].split()[:6])
    assert ask_id_of(again) != ask_id_of(question)
    feedback = await bot.answer(alice, again, right_letters(again))
    assert "Correct" in feedback["text"]

    query = await alice.press(listed, "mr:999999")
    assert (await bot.callback_answer(query))["text"]  # a forged id gets a notice


async def test_daily_shows_sets_validates_and_turns_off(bot: Harness, alice: Student) -> None:
    shown = (await bot.reply(alice, "/daily"))["text"]
    assert "every day at 09:00 (UTC)" in shown

    assert "08:30 (Europe/Berlin)" in (await bot.reply(alice, "/daily 8:30 europe/berlin"))["text"]
    setting = await bot.tutor.daily_setting(alice.ref)
    assert (setting.enabled, setting.time, setting.timezone) == (True, "08:30", "Europe/Berlin")

    assert "not a time of day" in (await bot.reply(alice, "/daily 25:00"))["text"]
    unknown = (await bot.reply(alice, "/daily 07:00 Mars/Olympus"))["text"]
    assert "I do not know the place 'Mars/Olympus'" in unknown and "New York" in unknown
    assert "is not a time. Use HH:MM" in (await bot.reply(alice, "/daily 1 2 3"))["text"]
    unchanged = await bot.tutor.daily_setting(alice.ref)
    assert (unchanged.time, unchanged.timezone) == ("08:30", "Europe/Berlin")

    assert "Daily question: off" in (await bot.reply(alice, "/daily off"))["text"]
    assert not (await bot.tutor.daily_setting(alice.ref)).enabled


async def test_stop_turns_the_daily_question_off(bot: Harness, alice: Student) -> None:
    await bot.reply(alice, "/daily 07:15 Asia/Tokyo")
    assert "no more daily questions" in (await bot.reply(alice, "/stop"))["text"]
    setting = await bot.tutor.daily_setting(alice.ref)
    assert not setting.enabled
    assert (setting.time, setting.timezone) == ("07:15", "Asia/Tokyo")


async def test_unknown_commands_and_stray_text_get_a_hint(bot: Harness, alice: Student) -> None:
    assert "/help" in (await bot.reply(alice, "/frobnicate"))["text"]
    assert "/quiz" in (await bot.reply(alice, "hello?"))["text"]
