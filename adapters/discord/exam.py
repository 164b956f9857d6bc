"""`/exam` on Discord: every exam message is ephemeral (only the member sees it, in a
server channel or in DMs), so an exam never shows in the channel.

Buttons (DynamicItems, matched by custom_id alone, so they survive restarts):
    ea:<ask>:<letters>   answer the exam's current question
    em:<exam>:<index>    show miss number <index> of a finished exam
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.buttons import (
    ANSWER_TEMPLATE,
    PER_ROW,
    AnswerButton,
    ClickButton,
    answer_choices,
)
from adapters.discord.replies import guarded, tell
from bot.exams.service import Exams
from bot.exams.views import ExamQuestion, ExamResult, history_text, miss_text
from bot.views import UserRef

if TYPE_CHECKING:
    from adapters.discord.handlers import Handlers

Interaction = discord.Interaction[Any]
ACTIONS = {
    "start": "the full exam (or resume yours)",
    "short": "10 questions in proportional time",
    "stop": "abandon the exam in progress",
    "history": "your past exams",
}


class ExamAnswerButton(AnswerButton, template=ANSWER_TEMPLATE.format("ea")):
    prefix = "ea"

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.exams.answer(interaction, self.ask_id, self.letters)


class ExamMissButton(ClickButton, template=r"em:(?P<exam>[0-9]{1,18}):(?P<index>[0-9]{1,4})"):
    numbers = frozenset({"exam", "index"})

    def __init__(self, exam: int, index: int, label: str = "Review misses") -> None:
        super().__init__(f"em:{exam}:{index}", label)
        self.exam_id, self.index = exam, index

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.exams.miss(interaction, self.exam_id, self.index)


EXAM_ITEMS = (ExamAnswerButton, ExamMissButton)


def question_buttons(step: ExamQuestion) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index, letters in enumerate(answer_choices(step.question)):
        view.add_item(ExamAnswerButton(step.question.ask_id, letters, row=index // PER_ROW))
    return view


class ExamHandlers:
    def __init__(self, exams: Exams) -> None:
        self.exams = exams

    @guarded()
    async def command(self, interaction: Interaction, action: str) -> None:
        ref = _ref(interaction)
        if action == "stop":
            stopped = await self.exams.stop(ref)
            await tell(
                interaction,
                f"Exam stopped after {stopped.correct} right answer(s); "
                "it is kept in /exam history.",
            )
        elif action == "history":
            await tell(interaction, history_text(await self.exams.history(ref)))
        elif action == "start" and await self.exams.in_progress(ref):
            await self._send(interaction, await self.exams.current(ref))
        else:
            await self._send(interaction, await self.exams.start(ref, short=action == "short"))

    @guarded()
    async def answer(self, interaction: Interaction, ask_id: int, letters: str) -> None:
        await self._send(interaction, await self.exams.answer(_ref(interaction), ask_id, letters))

    @guarded()
    async def miss(self, interaction: Interaction, exam_id: int, index: int) -> None:
        result = await self.exams.result(_ref(interaction), exam_id)
        if not result.misses:
            await tell(interaction, "No question missed in that exam.")
            return
        index = min(index, len(result.misses) - 1)
        view = discord.ui.View(timeout=None)
        if index > 0:
            view.add_item(ExamMissButton(exam_id, index - 1, "◀ Previous"))
        if index + 1 < len(result.misses):
            view.add_item(ExamMissButton(exam_id, index + 1, "Next ▶"))
        text = miss_text(result.misses[index], index, len(result.misses))
        embed = render.embed("Exam review", render.md(text))
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)

    async def _send(self, interaction: Interaction, step: ExamQuestion | ExamResult) -> None:
        if isinstance(step, ExamQuestion):
            await interaction.followup.send(
                render.cut(step.header, render.CONTENT_LIMIT),
                embed=render.question(step.question, title="Exam"),
                view=question_buttons(step),
                ephemeral=True,
            )
            return
        view = discord.ui.View(timeout=None)
        if step.misses:
            label = f"Review misses ({len(step.misses)})"
            view.add_item(ExamMissButton(step.summary.exam_id, 0, label))
        embed = render.embed("Exam result", render.md(step.text()))
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)


def _ref(interaction: Interaction) -> UserRef:
    return UserRef("discord", str(interaction.user.id), interaction.user.display_name)


def register_exam(tree: app_commands.CommandTree[Any], h: ExamHandlers) -> None:
    @tree.command(description="A timed exam simulation (only you see it)")
    @app_commands.describe(action="start (or resume), short, stop or history")
    @app_commands.choices(
        action=[app_commands.Choice(name=f"{k}: {v}", value=k) for k, v in ACTIONS.items()]
    )
    async def exam(interaction: Interaction, action: str = "start") -> None:
        await h.command(interaction, action)
