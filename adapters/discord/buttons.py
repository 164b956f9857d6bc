"""Buttons that survive restarts: discord.py DynamicItems matched by their custom_id alone.

A custom_id carries a short action and one id, nothing more (the core's encodings):
    a:<ask>:<letters>    answer a tutor question (practice, group, daily)
    g:<ask>:<letters>    answer a game round           (bot.games.actions)
    ga:/gd:/gr:<game>    accept / decline / reveal     (bot.games.actions)
    x:<concept id>       show a concept card (to the clicker only)
    mr:/mx:<question>    retry a missed question / read why (/misses; to the clicker only)
Everything else lives in the database, so a click after a restart, a stale click or a
forged id all end in the core, which answers with a private notice.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord.replies import tell
from bot.views import QuestionView

if TYPE_CHECKING:
    from adapters.discord.handlers import Handlers

MAX_BUTTONS = 25
PER_ROW = 5


def handlers_of(interaction: discord.Interaction[Any]) -> Handlers:
    return interaction.client.handlers  # type: ignore[no-any-return, attr-defined]


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"a:(?P<ask>[0-9]{1,18}):(?P<letters>[A-F]{1,6})",
):
    def __init__(self, ask_id: int, letters: str, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="+".join(letters),
                style=discord.ButtonStyle.primary,
                custom_id=f"a:{ask_id}:{letters}",
                row=row,
            )
        )
        self.ask_id = ask_id
        self.letters = letters

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(int(match["ask"]), match["letters"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await handlers_of(interaction).answer(interaction, self.ask_id, self.letters)


class GameAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"g:(?P<ask>[0-9]{1,18}):(?P<letters>[A-F]{1,6})",
):
    def __init__(self, ask_id: int, letters: str, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="+".join(letters),
                style=discord.ButtonStyle.primary,
                custom_id=f"g:{ask_id}:{letters}",
                row=row,
            )
        )
        self.ask_id = ask_id
        self.letters = letters

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> GameAnswerButton:
        return cls(int(match["ask"]), match["letters"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await handlers_of(interaction).game_answer(interaction, self.ask_id, self.letters)


GAME_LABELS = {"a": "Accept", "d": "Decline", "r": "Reveal now"}
GAME_STYLES = {
    "a": discord.ButtonStyle.success,
    "d": discord.ButtonStyle.danger,
    "r": discord.ButtonStyle.secondary,
}


class GameButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"g(?P<kind>[adr]):(?P<game>[0-9]{1,18})",
):
    def __init__(self, kind: str, game_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=GAME_LABELS[kind], style=GAME_STYLES[kind], custom_id=f"g{kind}:{game_id}"
            )
        )
        self.kind = kind
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> GameButton:
        return cls(match["kind"], int(match["game"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await handlers_of(interaction).game_action(interaction, self.kind, self.game_id)


class ExplainButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"x:(?P<concept>[a-z0-9-]{1,60})",
):
    def __init__(self, concept_id: str, name: str = "") -> None:
        label = f"Explain {name or concept_id}"
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=discord.ButtonStyle.secondary, custom_id=f"x:{concept_id}"
            )
        )
        self.concept_id = concept_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> ExplainButton:
        return cls(match["concept"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await handlers_of(interaction).explain_button(interaction, self.concept_id)


MISS_LABELS = {"r": "🔁 Retry", "x": "📖 Why"}


class MissButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"m(?P<kind>[rx]):(?P<question>[0-9]{1,18})",
):
    def __init__(
        self, kind: str, question_key: int, number: int = 0, row: int | None = None
    ) -> None:
        label = MISS_LABELS[kind] + (f" {number}" if number else "")
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"m{kind}:{question_key}",
                row=row,
            )
        )
        self.kind = kind
        self.question_key = question_key

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> MissButton:
        return cls(match["kind"], int(match["question"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await handlers_of(interaction).miss_action(interaction, self.kind, self.question_key)


DYNAMIC_ITEMS = (AnswerButton, GameAnswerButton, GameButton, ExplainButton, MissButton)
NOT_A_BUTTON = "That button is not one of mine. Use /quiz for a question."


def on_message(message: discord.Message | None, custom_id: str) -> bool:
    """Whether the message (as Discord sent it with the click) still has this button."""
    if message is None:
        return False
    for row in message.components:
        for child in getattr(row, "children", [row]):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return False


async def stale_click(interaction: discord.Interaction[Any]) -> None:
    """A click discord.py does not dispatch, because the button is no longer on its message
    (an old client still shows it) or never was (forged): the core still decides, so the
    member gets the same private notice as any other refused click."""
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    if on_message(interaction.message, custom_id):
        return  # discord.py dispatches it to its DynamicItem
    for factory in DYNAMIC_ITEMS:
        match = factory.__discord_ui_compiled_template__.fullmatch(custom_id)
        if match is not None:
            item = await factory.from_custom_id(interaction, discord.ui.Button(), match)
            await item.callback(interaction)
            return
    await tell(interaction, NOT_A_BUTTON)


def answer_choices(view: QuestionView) -> list[str]:
    """One button per letter, or per combination for a "Select TWO" question (≤ 25)."""
    letters = view.letters
    if view.select == 1:
        return list(letters)
    combos = ("".join(c) for c in itertools.combinations(letters, view.select))
    return list(itertools.islice(combos, MAX_BUTTONS))


def question_view(view: QuestionView, *, game: bool = False) -> discord.ui.View:
    """The answer buttons of a question, five to a row."""
    buttons = discord.ui.View(timeout=None)
    kind = GameAnswerButton if game else AnswerButton
    for index, letters in enumerate(answer_choices(view)):
        buttons.add_item(kind(view.ask_id, letters, row=index // PER_ROW))
    return buttons


def items_view(items: list[discord.ui.Item[Any]]) -> discord.ui.View | None:
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items[:MAX_BUTTONS]:
        view.add_item(item)
    return view
