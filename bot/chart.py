"""The /stats chart: per-domain accuracy against the pass mark, and activity over the last
30 days, drawn with matplotlib's Agg backend (no display needed) as PNG bytes.

It draws only what `chart_numbers` gives, so tests check the numbers, not pixels.
"""

from __future__ import annotations

import asyncio
import io

import matplotlib

matplotlib.use("Agg")  # before pyplot: a headless backend for servers

from matplotlib.figure import Figure  # noqa: E402

from bot.progress import ChartNumbers  # noqa: E402


def render_png(numbers: ChartNumbers) -> bytes:
    # A Figure without pyplot: no global state, safe to draw from worker threads.
    fig = Figure(figsize=(8, 6), dpi=100, layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[3, 2])

    labels = list(numbers.domain_labels)
    values = [v or 0.0 for v in numbers.domain_percent]
    colours = [
        "#bbbbbb" if v is None else ("#2e7d32" if v >= numbers.pass_percent else "#c62828")
        for v in numbers.domain_percent
    ]
    rows = list(range(len(labels)))
    top.barh(rows, values, color=colours)
    top.set_yticks(rows, labels=labels)
    top.invert_yaxis()
    top.set_xlim(0, 100)
    top.axvline(numbers.pass_percent, color="#1565c0", linestyle="--", label="pass mark")
    top.set_xlabel("accuracy per domain (%)")
    top.legend(loc="lower right")

    days = list(range(len(numbers.days)))
    wrong = [n - c for n, c in zip(numbers.answered_per_day, numbers.correct_per_day, strict=True)]
    bottom.bar(days, numbers.correct_per_day, color="#2e7d32", label="right")
    bottom.bar(days, wrong, bottom=numbers.correct_per_day, color="#c62828", label="wrong")
    ticks = days[::7] + ([days[-1]] if days and days[-1] % 7 else [])
    bottom.set_xticks(ticks, labels=[numbers.days[i].strftime("%d %b") for i in ticks])
    bottom.set_ylabel("answers")
    bottom.set_title(f"activity, last {len(days)} days", fontsize="medium")
    bottom.legend(loc="upper left")

    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


async def chart_png(numbers: ChartNumbers) -> bytes:
    """Render off the event loop (drawing takes tens of milliseconds)."""
    return await asyncio.to_thread(render_png, numbers)
