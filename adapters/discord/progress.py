"""/stats (the report with the chart attached) and /misses, always ephemeral: only the member
sees them, never the channel. A retried question comes as an ephemeral message too."""

from __future__ import annotations

import io
from typing import Any

import discord

from adapters.discord import render
from adapters.discord.buttons import PER_ROW, MissButton, send_question
from bot.chart import chart_png
from bot.progress import Progress, chart_numbers
from bot.progress_text import miss_text, misses_text, report_text
from bot.views import UserRef

CONTENT_LIMIT = 2000
Interaction = discord.Interaction[Any]


def _text(text: str) -> str:
    return render.cut(discord.utils.escape_mentions(text), CONTENT_LIMIT)


async def send_stats(interaction: Interaction, progress: Progress, ref: UserRef) -> None:
    report = await progress.report(ref)
    text = _text(report_text(report))
    if not report.answered:
        await interaction.followup.send(text, ephemeral=True)
        return
    png = await chart_png(chart_numbers(report))
    chart = discord.File(io.BytesIO(png), filename="progress.png")
    await interaction.followup.send(text, file=chart, ephemeral=True)


async def send_misses(interaction: Interaction, progress: Progress, ref: UserRef) -> None:
    found = await progress.misses(ref)
    view = discord.ui.View(timeout=None)
    for n, miss in enumerate(found, 1):  # 10 misses: two buttons each, 4 to a row
        row = (2 * (n - 1)) // (PER_ROW - 1)
        view.add_item(MissButton("r", miss.question_key, n, row=row))
        view.add_item(MissButton("x", miss.question_key, n, row=row))
    text = _text(misses_text(found))
    if found:
        await interaction.followup.send(text, view=view, ephemeral=True)
    else:
        await interaction.followup.send(text, ephemeral=True)


async def miss_action(
    interaction: Interaction, progress: Progress, ref: UserRef, kind: str, question_key: int
) -> None:
    if kind == "x":
        text = miss_text(await progress.miss(ref, question_key))
        await interaction.followup.send(_text(text), ephemeral=True)
        return
    await send_question(interaction, await progress.retry(ref, question_key))
