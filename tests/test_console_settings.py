"""The terminal's /settings: the same text as every platform, with the command that changes
each value; and /daily with a city of more than one word."""

from __future__ import annotations

import io

from adapters.console.session import ConsoleSession
from bot.app import App
from bot.views import UserRef

ADA = UserRef("console", "ada", "Ada")


def last_reply(out: io.StringIO) -> str:
    return out.getvalue().rstrip("\n").split("\n\n")[-1]


async def test_settings_show_each_value_and_how_to_change_it(app: App) -> None:
    out = io.StringIO()
    session = ConsoleSession(app.tutor, ADA, out=out)
    assert await session.handle("/settings")
    zone = (await app.tutor.daily_setting(ADA)).timezone
    assert last_reply(out).splitlines() == [
        "Your settings",
        f"Daily question: off (zone {zone})",  # the terminal opts in
        "  change: /daily HH:MM CITY, e.g. /daily 08:30 Berlin; /daily off",
        "Reviews a day: at most 30",
        "  change: /reviews N, e.g. /reviews 20 (0: none)",
        "Track: A tiny test pack",
        "  change: /track NAME (/track lists them)",
    ]

    for line in ("/daily 07:15 New York", "/reviews 0", "/settings"):
        assert await session.handle(line)
    shown = last_reply(out)
    assert "Daily question: 07:15 (America/New_York)" in shown
    assert "Reviews a day: none, new questions only" in shown

    assert await session.handle("/daily Sao Paulo")  # the zone only: the time stays
    setting = await app.tutor.daily_setting(ADA)
    assert (setting.time, setting.timezone) == ("07:15", "America/Sao_Paulo")
    assert await session.handle("/help")
    assert "/settings" in out.getvalue()
