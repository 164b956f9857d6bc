"""The daily question pushed through Telegram, end to end.

Students set their time through the fake Bot API; a sweep (the one `tutor run` runs every
~30 s, see adapters/daily.py) runs at an explicit instant and sends through the real
TelegramNotifier over the running Application's bot; the students answer with the buttons
of the message they got. Time is never waited on: each sweep is given its `now`, and the
tutor's clock is set to the same instant, as if the world had moved on to it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select, update

from adapters import daily
from adapters.runner import run_platforms
from adapters.telegram.notifier import TelegramNotifier
from bot.app import start
from bot.daily.store import BLOCKED, PENDING, SENT
from bot.daily.sweeper import DailySweeper, SweepReport
from bot.store.models import Delivery, User
from bot.tutor import utcnow
from bot.views import UserRef
from tests.conftest import MINIPACK
from tests.telegram.conftest import (
    Harness,
    Student,
    ask_id_of,
    bot_settings,
    buttons,
    is_multi,
    right_letters,
    wrong_letters,
)
from tests.telegram.fake_bot_api import FakeBotAPI, Json

BERLIN = ZoneInfo("Europe/Berlin")
# Tuesday 10 March 2026, noon UTC: Berlin is on CET (UTC+1) until 29 March.
SIGN_UP = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY1 = date(2026, 3, 11)
DAY2 = date(2026, 3, 12)
SWEEP_WITHIN = 60.0  # seconds: generous; a sweep here takes well under one


def berlin(day: date, at: time = time(9, 0)) -> datetime:
    """The UTC instant of `at` on `day` in Berlin."""
    return datetime.combine(day, at, BERLIN).astimezone(UTC)


def test_the_chosen_instants_are_what_they_claim() -> None:
    assert berlin(DAY1) == datetime(2026, 3, 11, 8, 0, tzinfo=UTC)
    assert berlin(DAY2) == datetime(2026, 3, 12, 8, 0, tzinfo=UTC)


def _explanations() -> dict[str, str]:
    """Scenario -> explanation, for every question of the mini pack."""
    found: dict[str, str] = {}
    for path in MINIPACK.glob("*.yaml"):
        for question in yaml.safe_load(path.read_text()).get("questions", []):
            found[" ".join(question["scenario"].split())] = " ".join(
                question["explanation"].split()
            )
    return found


EXPLANATIONS = _explanations()


def explanation_of(question: Json) -> str:
    text = " ".join(question["text"].split())
    matches = [why for scenario, why in EXPLANATIONS.items() if scenario in text]
    assert len(matches) == 1, question["text"]
    return matches[0]


# -- the world's clock and the sweep ---------------------------------------------------------
def set_clock(bot: Harness, now: datetime) -> None:
    bot.tutor.clock = lambda: now


def make_sweeper(bot: Harness) -> DailySweeper:
    """The sweeper `tutor run` builds: the real notifier over the running bot."""
    assert bot.core is not None and bot.application is not None
    notifier = TelegramNotifier(bot.application.bot)
    return daily.sweeper(bot.core, {"telegram": daily.channel(notifier, rate_per_s=30)})


async def sweep(bot: Harness, sweeper: DailySweeper, now: datetime) -> SweepReport:
    """One sweep at `now`; one that never ends (say, resending forever) fails the test."""
    set_clock(bot, now)
    async with asyncio.timeout(SWEEP_WITHIN):
        return await sweeper.sweep(now)


@pytest.fixture
def sweeper(bot: Harness) -> DailySweeper:
    return make_sweeper(bot)


def send_statuses(bot: Harness, student: Student) -> list[int]:
    """The HTTP status of every sendMessage to the student's chat, failed ones included."""
    return [c.status for c in bot.fake.calls_to("sendMessage", student.chat_id)]


def daily_messages(bot: Harness, student: Student) -> list[Json]:
    return [m for m in bot.fake.sent(student.chat_id) if "Your daily question" in m["text"]]


async def subscribe(bot: Harness, student: Student, at: str = "09:00") -> None:
    """/start, then /daily <at> Europe/Berlin, on SIGN_UP day."""
    set_clock(bot, SIGN_UP)
    welcome = await bot.reply(student, "/start")
    assert "daily question at 09:00 (UTC)" in welcome["text"]  # the default for new users
    reply = await bot.reply(student, f"/daily {at} Europe/Berlin")
    assert reply["text"].startswith(f"Daily question: every day at {at} (Europe/Berlin).")


async def deliveries_of(bot: Harness, student: Student) -> list[Delivery]:
    assert bot.core is not None
    user_id = (await bot.tutor.user(student.ref)).id
    async with bot.core.engine.connect() as conn:
        rows = await conn.execute(
            select(Delivery).where(Delivery.user_id == user_id).order_by(Delivery.local_date)
        )
        return list(rows.all())  # type: ignore[arg-type]


async def daily_question(bot: Harness, sweeper: DailySweeper, student: Student, day: date) -> Json:
    """Sweep at the student's 09:00 Berlin on `day`; the one daily message they got."""
    before = len(daily_messages(bot, student))
    report = await sweep(bot, sweeper, berlin(day))
    assert report.outcomes.get(SENT, 0) >= 1, report.line()
    got = daily_messages(bot, student)[before:]
    assert len(got) == 1, [m["text"] for m in got]
    return got[0]


async def toggle(bot: Harness, student: Student, key: tuple[int, int], letter: str) -> None:
    """Tap a letter of a multi-answer question and wait for the keyboard's redraw."""
    before = bot.fake.messages[key].get("reply_markup")
    await bot.callback_answer(await student.tap(bot.fake.messages[key], letter))
    await bot.fake.wait_for(lambda: bot.fake.messages[key].get("reply_markup") != before)


async def press_answer(bot: Harness, student: Student, question: Json, letters: str) -> str:
    """Answer with the message's own buttons: a letter, or letters toggled then Submit.
    Returns the callback query id of the press that answers."""
    if not is_multi(question):
        return await student.tap(question, letters)
    key = (student.chat_id, question["message_id"])
    for letter in letters:
        await toggle(bot, student, key, letter)
    return await student.tap(bot.fake.messages[key], f"Submit {letters}")


# -- 1. one message at the user's time, and never a second ---------------------------------
async def test_the_daily_question_comes_once_at_the_users_time(
    bot: Harness, sweeper: DailySweeper, alice: Student, bob: Student
) -> None:
    await subscribe(bot, alice)
    set_clock(bot, SIGN_UP)
    await bot.reply(bob, "/start")  # Bob keeps the default: 09:00 UTC, an hour later
    before_alice, before_bob = len(send_statuses(bot, alice)), len(send_statuses(bot, bob))

    early = await sweep(bot, sweeper, berlin(DAY1) - timedelta(minutes=1))
    assert (early.planned, early.claimed) == (0, 0), early.line()

    report = await sweep(bot, sweeper, berlin(DAY1))
    assert (report.planned, report.claimed, report.outcomes) == (1, 1, {SENT: 1}), report.line()
    calls = bot.fake.calls_to("sendMessage", alice.chat_id)[before_alice:]
    assert [c.status for c in calls] == [200]
    message = bot.fake.sent(alice.chat_id)[-1]
    assert message["text"].startswith("☀️ Your daily question\n"), message["text"]
    assert "Your daily question" in message["text"].splitlines()[0]
    ask_id = ask_id_of(message)
    assert buttons(message)
    assert all(b["callback_data"].split(":")[1] == str(ask_id) for b in buttons(message))
    assert len(send_statuses(bot, bob)) == before_bob  # not Bob's time yet

    (delivery,) = await deliveries_of(bot, alice)
    assert (delivery.local_date, delivery.status, delivery.ask_id) == (DAY1, SENT, ask_id)
    assert delivery.message_ref == f"{alice.chat_id}:{message['message_id']}"

    again = await sweep(bot, sweeper, berlin(DAY1))
    assert (again.planned, again.claimed, again.outcomes) == (0, 0, {}), again.line()
    assert len(send_statuses(bot, alice)) == before_alice + 1
    # a new process's sweeper (another `tutor daily sweep`) at the same instant: still one
    await sweep(bot, make_sweeper(bot), berlin(DAY1))
    bobs = await sweep(bot, sweeper, datetime(2026, 3, 11, 9, 0, tzinfo=UTC))
    assert bobs.outcomes == {SENT: 1}, bobs.line()  # Bob's 09:00 UTC has come
    await sweep(bot, sweeper, berlin(DAY1, time(23, 59)))
    assert len(send_statuses(bot, alice)) == before_alice + 1
    assert len(daily_messages(bot, alice)) == 1
    assert len(daily_messages(bot, bob)) == 1


# -- 2. answering it: explanation, scored once, a streak ------------------------------------
async def test_answering_the_daily_question_builds_a_streak(
    bot: Harness, sweeper: DailySweeper, alice: Student
) -> None:
    await subscribe(bot, alice)
    question = await daily_question(bot, sweeper, alice, DAY1)

    set_clock(bot, berlin(DAY1, time(9, 5)))
    right = right_letters(question)
    seen = len(bot.fake.sent(alice.chat_id))
    query = await press_answer(bot, alice, question, right)
    assert (await bot.callback_answer(query))["text"].startswith("✅ Correct!")
    feedback = await bot.explained(alice, question)
    text = feedback["text"]
    # "B (“…”)" for one letter, "B (“…”) and C (“…”)" for a Select-TWO question
    answer = " and ".join(f"{letter} (“" for letter in right)
    assert text.startswith("✅ Correct! The answer is ") and all(
        f"{letter} (“" in text.split("\n")[0] for letter in right
    ), (answer, text)
    assert explanation_of(question) in " ".join(text.split())
    assert "Daily streak: 1 day(s)." in text
    assert buttons(feedback)[0]["text"] == "Next question"  # the letters are gone

    # the same answer again (a double tap, or an old client still showing the buttons)
    again = await alice.press(question, f"a:{ask_id_of(question)}:{right}")
    assert (await bot.callback_answer(again))["text"] == (
        "You already answered this question; it was scored once."
    )
    await bot.reply(alice, "/help")  # a later update got through: no second feedback came
    edits = bot.fake.calls_to("editMessageText", alice.chat_id)
    assert len([c for c in edits if c.params["message_id"] == question["message_id"]]) == 1
    assert len(bot.fake.sent(alice.chat_id)) == seen + 1  # /help's reply only
    stats = await bot.tutor.stats(alice.ref)
    assert (stats.answered, stats.correct, stats.streak) == (1, 1, 1)

    # the next day: another daily question; answering it (even wrongly) makes it two days
    question2 = await daily_question(bot, sweeper, alice, DAY2)
    assert ask_id_of(question2) != ask_id_of(question)
    set_clock(bot, berlin(DAY2, time(9, 5)))
    wrong = wrong_letters(question2)
    query = await press_answer(bot, alice, question2, wrong)
    assert (await bot.callback_answer(query))["text"].startswith("❌")
    feedback2 = await bot.explained(alice, question2)
    # "C (“…”)" for one letter, "C (“…”) and D (“…”)" for a Select-TWO question
    assert feedback2["text"].startswith(f"❌ Not quite. You chose {wrong[0]} (“")
    assert all(f"{letter} (“" in feedback2["text"].split("\n")[0] for letter in wrong)
    assert explanation_of(question2) in " ".join(feedback2["text"].split())
    assert "Daily streak: 2 day(s)." in feedback2["text"]

    reply = await bot.reply_photo(alice, "/stats")
    assert "Daily streak: 2 (best 2)" in reply["caption"]
    assert "Answered 2 · right 1" in reply["caption"]


async def test_a_practice_answer_is_no_daily_streak(
    bot: Harness, sweeper: DailySweeper, alice: Student
) -> None:
    """Only the daily question counts: a /quiz answered the same day shows no streak."""
    await subscribe(bot, alice)
    set_clock(bot, berlin(DAY1, time(7, 0)))
    question = await bot.quiz_until(alice, multi=False)
    follow_up = await bot.answer(alice, question, right_letters(question))
    assert "Daily streak" not in follow_up["text"]
    assert (await bot.tutor.stats(alice.ref)).streak == 0


# -- 3. a user who blocked the bot -----------------------------------------------------------
async def test_a_blocked_user_becomes_inactive_and_gets_nothing_more(
    bot: Harness, sweeper: DailySweeper, alice: Student, bob: Student
) -> None:
    await subscribe(bot, alice)
    await subscribe(bot, bob)
    bot.fake.block(alice.chat_id)
    before = len(send_statuses(bot, alice))

    report = await sweep(bot, sweeper, berlin(DAY1))
    assert report.outcomes == {BLOCKED: 1, SENT: 1}, report.line()
    assert send_statuses(bot, alice)[before:] == [403]
    (delivery,) = await deliveries_of(bot, alice)
    assert (delivery.local_date, delivery.status) == (DAY1, BLOCKED)
    user = await bot.tutor.user(alice.ref)
    assert not user.active
    assert not (await bot.tutor.daily_setting(alice.ref)).enabled

    # never retried: not later that day, not the next day (Bob still gets his)
    for now in (berlin(DAY1, time(9, 1)), berlin(DAY1, time(18, 0)), berlin(DAY2)):
        await sweep(bot, sweeper, now)
    assert send_statuses(bot, alice)[before:] == [403]
    assert [d.status for d in await deliveries_of(bot, alice)] == [BLOCKED]
    assert len(daily_messages(bot, bob)) == 2


# -- 4. flood control ------------------------------------------------------------------------
@pytest.mark.parametrize("refusals", [1, 2], ids=["429-once", "429-twice"])
async def test_a_429_is_waited_out_and_the_question_delivered_once(
    bot: Harness, sweeper: DailySweeper, alice: Student, refusals: int
) -> None:
    """Once: the bot's rate limiter waits `retry_after` and resends within the sweep.
    Twice: (as wired today) the second reaches the sweeper, which puts the delivery off by
    retry_after; the sweep at now + retry_after delivers it."""
    await subscribe(bot, alice)
    for _ in range(refusals):
        bot.fake.retry_after_once("sendMessage", seconds=1)
    before = len(send_statuses(bot, alice))

    now = berlin(DAY1)
    outcomes = []
    for _ in range(5):
        report = await sweep(bot, sweeper, now)
        outcomes.append(report.outcomes)
        if report.outcomes.get(SENT):
            break
        (delivery,) = await deliveries_of(bot, alice)
        assert delivery.status == PENDING, delivery.last_error
        assert delivery.not_before == now + timedelta(seconds=1)  # retry_after, honoured
        assert "retry after" in (delivery.last_error or "")
        now = delivery.not_before
    # sent at last; before that, only retries put off by retry_after (none if the bot's own
    # rate limiter waited them all out)
    assert outcomes[-1] == {SENT: 1} and all(o == {PENDING: 1} for o in outcomes[:-1])
    assert len(outcomes) <= refusals
    assert send_statuses(bot, alice)[before:] == [429] * refusals + [200]

    for later in (now, now + timedelta(seconds=1), berlin(DAY1, time(20, 0))):
        await sweep(bot, sweeper, later)
    assert send_statuses(bot, alice)[before:] == [429] * refusals + [200]
    (delivery,) = await deliveries_of(bot, alice)
    assert (delivery.status, delivery.maybe_duplicates) == (SENT, 0)
    (message,) = daily_messages(bot, alice)
    assert delivery.message_ref == f"{alice.chat_id}:{message['message_id']}"
    assert buttons(message)


# -- the scheduler that `tutor run` starts -------------------------------------------------
async def test_tutor_run_pushes_the_daily_question_by_itself(
    db_url: str, fake: FakeBotAPI, alice: Student
) -> None:
    """No sweep by hand: the scheduler started beside Telegram sweeps at once on start-up.
    (The one test here on the wall clock: Alice is due since today's 00:00 UTC, whenever
    it runs; a date that turns meanwhile still finds today's 00:00 passed.)"""
    settings = bot_settings(db_url, fake.url)
    core = await start(settings)
    try:
        await core.tutor.set_daily(UserRef("telegram", str(alice.user_id), "Alice"), "00:00", "UTC")
        midnight = datetime.combine(utcnow().date(), time(0, 0), UTC)
        async with core.engine.begin() as conn:
            await conn.execute(update(User).values(next_due_at=midnight))
    finally:
        await core.close()

    stop = asyncio.Event()
    run = asyncio.create_task(run_platforms(settings, stop))
    try:
        await fake.wait_for(
            lambda: (
                run.done()
                or any("Your daily question" in m["text"] for m in fake.sent(alice.chat_id))
            ),
            within=60,
        )
        assert not run.done(), run.result()
    finally:
        stop.set()
        assert await asyncio.wait_for(run, 30) == 0
    (message,) = fake.sent(alice.chat_id)
    assert message["text"].startswith("☀️ Your daily question\n")
    assert buttons(message)


async def test_answering_an_older_daily_question_late_keeps_the_streak(
    bot: Harness, sweeper: DailySweeper, alice: Student
) -> None:
    await subscribe(bot, alice)
    day3 = DAY2 + timedelta(days=1)
    first = await daily_question(bot, sweeper, alice, DAY1)  # left unanswered that day
    second = await daily_question(bot, sweeper, alice, DAY2)
    set_clock(bot, berlin(DAY2, time(9, 5)))
    await bot.callback_answer(await press_answer(bot, alice, second, right_letters(second)))
    set_clock(bot, berlin(DAY2, time(9, 10)))  # then she scrolls up and answers the old one
    await bot.callback_answer(await press_answer(bot, alice, first, right_letters(first)))
    third = await daily_question(bot, sweeper, alice, day3)
    set_clock(bot, berlin(day3, time(9, 5)))
    await press_answer(bot, alice, third, right_letters(third))
    feedback = await bot.explained(alice, third)
    assert "Daily streak: 2 day(s)." in feedback["text"]  # 11 March late, 12 and 13 March
