"""`tutor content reports` lists what students reported, newest first."""

from __future__ import annotations

from bot.app import App
from bot.reports import DIGEST_HOUR_UTC, ReportDigest
from bot.views import UserRef
from tests.asking import next_question
from tests.test_cli import tutor


async def test_reports_are_listed_for_admins(app: App, db_url: str) -> None:
    assert "no question reports" in tutor("content", "reports", db_url=db_url).stdout
    ref = UserRef("test", "7", "Bea")
    view = await next_question(app.tutor, ref)
    report_id = await app.reports.report(ref, view.ask_id, "typo")
    await app.reports.add_note(ref, report_id, "'recieve' in option A")
    done = tutor("content", "reports", "--days", "7", db_url=db_url)
    assert done.returncode == 0, done.stderr
    assert "1 question report(s) in the last 7 day(s)" in done.stdout
    assert f"#{report_id} " in done.stdout and f"mini/{view.question_id}: Typo" in done.stdout
    assert "'recieve' in option A (by Bea)" in done.stdout


async def test_admins_get_the_day_s_reports_once_a_day(app: App) -> None:
    ref = UserRef("test", "8", "Cy")
    view = await next_question(app.tutor, ref)
    await app.reports.report(ref, view.ask_id, "outdated")
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(text)

    digest = ReportDigest(app.reports, send)
    now = app.tutor.clock()
    morning = now.replace(hour=DIGEST_HOUR_UTC, minute=5)
    await digest.tick(now.replace(hour=DIGEST_HOUR_UTC - 1))  # too early
    assert sent == []
    await digest.tick(morning)
    await digest.tick(morning.replace(minute=15))  # the same day: claimed already
    await ReportDigest(app.reports, send).tick(morning)  # another process: likewise
    assert len(sent) == 1 and "Outdated" in sent[0]
