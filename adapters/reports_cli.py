"""`tutor content reports`: the question reports students sent, newest first."""

from __future__ import annotations

from bot.app import start
from bot.config import Settings


async def content_reports(settings: Settings, days: int | None) -> int:
    app = await start(settings, seed_content=False)
    try:
        rows = await app.reports.recent(days)
    finally:
        await app.close()
    span = f" in the last {days} day(s)" if days else ""
    if not rows:
        print(f"no question reports{span}")
        return 0
    print(f"{len(rows)} question report(s){span}, newest first:")
    for row in rows:
        who = f" (by {row.reporter})" if row.reporter else ""
        print(f"  {row.line()}{who}")
    return 0
