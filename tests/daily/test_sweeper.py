"""The daily sweep on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import App
from bot.content.importer import import_paths
from bot.daily.errors import DeliveryRetryAfter
from bot.tracks import parse_choice
from bot.views import UserRef
from tests.daily.conftest import add_user, deliveries, make_sweeper, user_active, utc
from tests.daily.fakes import FakeNotifier, blocked, retry_after_first, unknown_first

SET_UP = utc(2026, 3, 1, 0, 30)  # users choose their time early on 1 March (UTC)
MULTIPACK = Path(__file__).parents[1] / "data" / "multipack"


async def test_one_question_per_user_at_their_local_time(core: App) -> None:
    await add_user(core, "berlin", "09:00", "Europe/Berlin", SET_UP)  # 08:00 UTC
    await add_user(core, "tokyo", "07:30", "Asia/Tokyo", SET_UP)  # 22:30 UTC the day before
    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    # In Tokyo it is 09:30 on 1 March: today's 07:30 has passed, so today's comes at once.
    await sweeper.sweep(SET_UP)
    assert notifier.received() == {"tokyo": 1}
    await sweeper.sweep(utc(2026, 3, 1, 7, 59))
    assert notifier.received() == {"tokyo": 1}
    await sweeper.sweep(utc(2026, 3, 1, 8, 0))
    assert notifier.received() == {"tokyo": 1, "berlin": 1}
    await sweeper.sweep(utc(2026, 3, 1, 22, 30))  # 2 March, 07:30 in Tokyo
    assert notifier.received() == {"tokyo": 2, "berlin": 1}
    view = notifier.sent[0][1]
    assert view.purpose == "daily" and view.options


async def test_choosing_an_earlier_time_before_todays_question_still_sends_today(
    core: App,
) -> None:
    ref = await add_user(core, "u", "09:00", "UTC", SET_UP)
    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    core.tutor.clock = lambda: utc(2026, 3, 1, 8, 0)
    await core.tutor.set_daily(ref, "07:00", None)  # 07:00 has passed; 09:00 not come yet
    await sweeper.sweep(utc(2026, 3, 1, 8, 0, 30))
    assert notifier.received() == {"u": 1}  # today's, late rather than never
    await sweeper.sweep(utc(2026, 3, 1, 9, 0))
    assert notifier.received() == {"u": 1}
    await sweeper.sweep(utc(2026, 3, 2, 7, 0))
    assert notifier.received() == {"u": 2}


async def test_two_sweeps_at_the_same_instant_send_one_message(core: App) -> None:
    for i in range(20):
        await add_user(core, str(i), "09:00", "UTC", SET_UP)
    notifier = FakeNotifier()
    first, second = make_sweeper(core, notifier), make_sweeper(core, notifier)
    at = utc(2026, 3, 1, 9, 0)
    await first.sweep(at)
    await second.sweep(at)
    await first.sweep(at)
    assert notifier.received() == {str(i): 1 for i in range(20)}
    assert {d.status for d in await deliveries(core)} == {"sent"}


async def test_inactive_and_switched_off_users_get_nothing(core: App) -> None:
    off = await add_user(core, "off", "09:00", "UTC", SET_UP)
    gone = await add_user(core, "gone", "09:00", "UTC", SET_UP)
    await add_user(core, "on", "09:00", "UTC", SET_UP)
    await core.tutor.daily_off(off)
    await core.tutor.mark_inactive(gone)
    notifier = FakeNotifier()
    await make_sweeper(core, notifier).sweep(utc(2026, 3, 1, 9, 0))
    assert notifier.received() == {"on": 1}


async def test_blocked_user_becomes_inactive_and_is_never_retried(core: App) -> None:
    await add_user(core, "blocker", "09:00", "UTC", SET_UP)
    await add_user(core, "fan", "09:00", "UTC", SET_UP)
    notifier = FakeNotifier(blocked("blocker"))
    sweeper = make_sweeper(core, notifier)
    await sweeper.sweep(utc(2026, 3, 1, 9, 0))
    assert notifier.received() == {"fan": 1}
    assert not await user_active(core, "blocker")
    await sweeper.sweep(utc(2026, 3, 1, 9, 30))
    await sweeper.sweep(utc(2026, 3, 2, 9, 0))
    assert notifier.tries["blocker"] == 1
    assert notifier.received() == {"fan": 2}
    assert sorted(d.status for d in await deliveries(core)) == ["blocked", "sent", "sent"]


async def test_429_storm_is_waited_out_and_sent_once(core: App) -> None:
    for i in range(30):
        await add_user(core, str(i), "09:00", "UTC", SET_UP)
    notifier = FakeNotifier(retry_after_first(seconds=20))  # every first try is refused
    sweeper = make_sweeper(core, notifier)
    at = utc(2026, 3, 1, 9, 0)
    await sweeper.sweep(at)
    assert notifier.received() == {}
    statuses = {d.status for d in await deliveries(core)}
    assert statuses == {"pending"}
    assert all(d.not_before == at + timedelta(seconds=20) for d in await deliveries(core))
    await sweeper.sweep(at + timedelta(seconds=10))  # too early: nothing is retried yet
    assert notifier.received() == {}
    await sweeper.sweep(at + timedelta(seconds=20))
    assert notifier.received() == {str(i): 1 for i in range(30)}


async def test_429_pauses_every_sender_of_the_platform(core: App) -> None:
    for i in range(5):
        await add_user(core, str(i), "09:00", "UTC", SET_UP)
    paused: list[float] = []
    notifier = FakeNotifier(lambda _id, n: DeliveryRetryAfter(3) if n == 1 else None)
    sweeper = make_sweeper(core, notifier)
    limiter = sweeper.channels["telegram"].limiter
    original = limiter.pause
    limiter.pause = lambda seconds: (paused.append(seconds), original(seconds))[1]  # type: ignore[method-assign]
    await sweeper.sweep(utc(2026, 3, 1, 9, 0))
    assert paused and set(paused) == {3}


async def test_timeout_after_the_request_left_is_resent_once_and_counted(core: App) -> None:
    await add_user(core, "once", "09:00", "UTC", SET_UP)
    notifier = FakeNotifier(unknown_first(1))
    sweeper = make_sweeper(core, notifier)
    at = utc(2026, 3, 1, 9, 0)
    await sweeper.sweep(at)
    await sweeper.sweep(at + timedelta(seconds=30))
    assert notifier.received() == {"once": 1}
    (delivery,) = await deliveries(core)
    assert (delivery.status, delivery.maybe_duplicates) == ("sent", 1)


async def test_second_timeout_gives_up_as_unknown(core: App) -> None:
    await add_user(core, "twice", "09:00", "UTC", SET_UP)
    notifier = FakeNotifier(unknown_first(5))
    sweeper = make_sweeper(core, notifier)
    at = utc(2026, 3, 1, 9, 0)
    for minutes in range(0, 10):
        await sweeper.sweep(at + timedelta(minutes=minutes))
    assert notifier.tries["twice"] == 2
    (delivery,) = await deliveries(core)
    assert (delivery.status, delivery.maybe_duplicates) == ("unknown", 1)


async def test_other_errors_back_off_until_the_local_day_ends(core: App) -> None:
    await add_user(core, "flaky", "22:00", "UTC", SET_UP)
    notifier = FakeNotifier(lambda _id, _n: ConnectionError("network down"))
    sweeper = make_sweeper(core, notifier)
    at = utc(2026, 3, 1, 22, 0)
    for minutes in range(0, 130, 5):
        await sweeper.sweep(at + timedelta(minutes=minutes))
    tries = notifier.tries["flaky"]
    assert 3 <= tries <= 8  # backoff: 30 s, 1 min, 2 min, 4 min, ... not every sweep
    (delivery,) = await deliveries(core)
    assert delivery.status == "failed"  # the local day ended before it went through


async def test_three_hour_outage_is_caught_up_once(core: App) -> None:
    for hour in (9, 10, 11):
        await add_user(core, f"h{hour}", f"{hour:02d}:00", "UTC", SET_UP)
    await add_user(core, "later", "15:00", "UTC", SET_UP)
    await add_user(core, "yesterday-ended", "23:30", "Pacific/Kiritimati", SET_UP)
    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    await sweeper.sweep(utc(2026, 3, 1, 8, 55))  # then down from 08:55 to 11:55
    back = utc(2026, 3, 1, 11, 55)
    await sweeper.sweep(back)
    await sweeper.sweep(back + timedelta(seconds=30))
    assert notifier.received() == {"h9": 1, "h10": 1, "h11": 1}
    await sweeper.sweep(utc(2026, 3, 1, 15, 0))
    assert notifier.received()["later"] == 1


async def test_a_day_missed_entirely_is_not_sent_late(core: App) -> None:
    await add_user(core, "u", "09:00", "UTC", SET_UP)
    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    await sweeper.sweep(utc(2026, 3, 3, 8, 0))  # down for two days; today's 09:00 not yet
    assert notifier.received() == {}
    await sweeper.sweep(utc(2026, 3, 3, 9, 0))
    assert notifier.received() == {"u": 1}
    assert [str(d.local_date) for d in await deliveries(core)] == ["2026-03-03"]


async def test_changing_the_time_after_todays_delivery_sends_nothing_more_today(
    core: App,
) -> None:
    ref = await add_user(core, "u", "09:00", "UTC", SET_UP)
    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    await sweeper.sweep(utc(2026, 3, 1, 9, 0))
    core.tutor.clock = lambda: utc(2026, 3, 1, 12, 0)
    await core.tutor.set_daily(ref, "18:00", None)
    await sweeper.sweep(utc(2026, 3, 1, 18, 0))
    assert notifier.received() == {"u": 1}
    await sweeper.sweep(utc(2026, 3, 2, 9, 0))  # the old time no longer fires
    assert notifier.received() == {"u": 1}
    await sweeper.sweep(utc(2026, 3, 2, 18, 0))
    assert notifier.received() == {"u": 2}


ZONES = {
    "berlin-gap": "Europe/Berlin",
    "berlin-repeat": "Europe/Berlin",
    "ny-gap": "America/New_York",
    "lordhowe-gap": "Australia/Lord_Howe",
}


async def sweep_every_15_minutes(
    core: App, start: datetime, stop: datetime
) -> dict[str, list[datetime]]:
    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    sent_at: dict[str, list[datetime]] = {}
    at = start
    while at < stop:
        before = len(notifier.sent)
        await sweeper.sweep(at)
        for external_id, _view in notifier.sent[before:]:
            sent_at.setdefault(external_id, []).append(at)
        at += timedelta(minutes=15)
    return sent_at


async def test_dst_spring_forward_fires_once_a_day_at_the_next_valid_minute(core: App) -> None:
    windows = {  # four days from a local midnight around each spring-forward night
        "ny-gap": ("02:15", utc(2026, 3, 6, 5), utc(2026, 3, 8, 7)),
        "berlin-gap": ("02:30", utc(2026, 3, 26, 23), utc(2026, 3, 29, 1)),
    }
    for user, (at, start, on_gap_day) in windows.items():
        await add_user(core, user, at, ZONES[user], start)
        sent_at = await sweep_every_15_minutes(core, start, start + timedelta(days=4))
        local_days = [t.astimezone(ZoneInfo(ZONES[user])).date() for t in sent_at[user]]
        assert len(local_days) == len(set(local_days)) == 4, user  # once a day
        assert on_gap_day in sent_at[user], user  # 03:00, the next valid minute


async def test_dst_fall_back_fires_once(core: App) -> None:
    # Lord Howe falls back half an hour on 5 April 2026; 01:45 happens twice that night.
    start = utc(2026, 4, 4, 13, 0)  # midnight starting the 5th in Lord Howe
    await add_user(core, "lordhowe", "01:45", "Australia/Lord_Howe", start)
    lord_howe = await sweep_every_15_minutes(core, start, utc(2026, 4, 4, 18, 0))
    assert lord_howe == {"lordhowe": [utc(2026, 4, 4, 14, 45)]}  # the first 01:45 (UTC+11)
    # Berlin falls back an hour on 25 October 2026; 02:30 happens twice that night.
    start = utc(2026, 10, 24, 22, 0)  # midnight starting the 25th in Berlin
    await add_user(core, "berlin", "02:30", "Europe/Berlin", start)
    berlin = await sweep_every_15_minutes(core, start, utc(2026, 10, 25, 4, 0))
    assert berlin["berlin"] == [utc(2026, 10, 25, 0, 30)]  # the first 02:30 (CEST)


async def test_lord_howe_spring_forward_half_hour(core: App) -> None:
    start = utc(2026, 10, 3, 13, 30)  # midnight starting the 4th in Lord Howe
    await add_user(core, "lordhowe-gap", "02:10", "Australia/Lord_Howe", start)
    sent_at = await sweep_every_15_minutes(core, start, utc(2026, 10, 3, 20, 0))
    assert sent_at == {"lordhowe-gap": [utc(2026, 10, 3, 15, 30)]}  # 02:30 (UTC+11)


async def test_daily_answer_scored_once_and_streak_builds(core: App) -> None:
    ref = await add_user(core, "s", "09:00", "UTC", SET_UP)
    notifier = FakeNotifier()
    sweeper = make_sweeper(core, notifier)
    for day in (1, 2, 3):
        await sweeper.sweep(utc(2026, 3, day, 9, 0))
        view = notifier.sent[-1][1]
        core.tutor.clock = lambda day=day: utc(2026, 3, day, 9, 30)
        feedback = await core.tutor.answer(ref, view.ask_id, view.letters[: view.select])
        assert feedback.streak == day
        again = None
        try:
            again = await core.tutor.answer(ref, view.ask_id, view.letters[: view.select])
        except Exception as error:  # AlreadyAnswered
            again = error
        assert type(again).__name__ == "AlreadyAnswered"
    stats = await core.tutor.stats(ref)
    assert (stats.streak, stats.best_streak, stats.answered) == (3, 3, 3)
    await sweeper.sweep(utc(2026, 3, 5, 9, 0))  # day 4 missed: the streak is broken
    core.tutor.clock = lambda: utc(2026, 3, 5, 9, 30)
    view = notifier.sent[-1][1]
    assert (await core.tutor.answer(ref, view.ask_id, view.letters[: view.select])).streak == 1
    assert (await core.tutor.stats(ref)).best_streak == 3


async def test_console_only_users_are_not_planned(core: App) -> None:
    core.tutor.clock = lambda: SET_UP
    await core.tutor.set_daily(UserRef("console", "me"), "09:00", "UTC")
    notifier = FakeNotifier()
    report = await make_sweeper(core, notifier).sweep(utc(2026, 3, 1, 9, 0))
    assert report.planned == 0 and notifier.sent == []


async def test_the_daily_question_is_headed_by_the_users_track(core: App) -> None:
    """Sent at once or resent after a refusal, the header names the question's domain in
    the user's track's blueprint (multi/old-exam: Design, Security; the default: Secure…)."""
    await import_paths(core.engine, [MULTIPACK])
    core.tutor.forget_bank()
    bank = await core.tutor.bank()
    old = await add_user(core, "old", "09:00", "UTC", SET_UP)
    new = await add_user(core, "new", "09:00", "UTC", SET_UP)
    await core.tutor.set_track(old, parse_choice(bank, "multi/old-exam"))
    await core.tutor.set_track(new, parse_choice(bank, "multi"))
    notifier = FakeNotifier(retry_after_first(seconds=20))
    sweeper = make_sweeper(core, notifier)
    at = utc(2026, 3, 1, 9, 0)
    await sweeper.sweep(at)
    await sweeper.sweep(at + timedelta(seconds=20))  # the resend (a claimed pending row)
    await sweeper.sweep(utc(2026, 3, 2, 9, 0))  # the next day's (planned and claimed at once)
    assert notifier.received() == {"old": 2, "new": 2}
    headers = {(who, view.domain) for who, view in notifier.sent}
    assert {who for who, _ in headers} == {"old", "new"}
    for who, domain in headers:
        assert domain in (
            {"Design", "Security"}
            if who == "old"
            else {"Secure", "Design cost-optimized architectures"}
        )
