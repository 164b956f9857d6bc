"""Buttons that survive restarts: discord.py DynamicItems matched by their custom_id alone.

A custom_id carries a short action and one or two ids, nothing more (the core's encodings):
    a:<ask>:<letters>    answer a tutor question (practice, group, daily)
    g:<ask>:<letters>    answer a game round           (bot.games.actions)
    ga:/gd:/gr:<game>    accept / decline / reveal     (bot.games.actions)
    x:<concept id>       show a concept card (to the clicker only)
    q:<concept id>       "Quiz me on this": a question on that card (to the clicker only)
    k / k:<n> / k:<n>:<page>  the card catalogue: categories, or category n's cards
    mr:/mx:<question>    retry a missed question / read why (/misses; to the clicker only)
    rp:<ask>             "⚑ Report" under feedback: offers the reasons
    rr:<ask>:<reason>    report the ask's question for that reason
    rn:<report>          add a line to that report (opens a form)
    sk:<ask>             skip that open question (kept as skipped) and ask a new one
    dt:<HHMM>            your daily question at that time (/daily me's time picker)
    cf:<ask>:s|u         "Sure" / "Unsure" under the feedback of a right answer
    sm:m|t               /settings: the settings, or their time picker
    st:<HHMM> / sr:<cap> / so:on|off   /settings: daily time, reviews a day, daily on/off
    sz                   /settings: type a city for the time zone (opens a form)
    tr                   /settings: the track select (the chosen key is its value)
Everything else lives in the database, so a click after a restart, a stale click or a
forged id all end in the core, which answers with a private notice.

Every button is a `ClickButton`: one base holds what discord.py asks of a DynamicItem
(wrapping a Button, `from_custom_id`, `callback`); a subclass gives its template (named
groups, those in `numbers` read as int), an `__init__` taking those groups by name, and
what a click does.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from adapters.discord import render
from adapters.discord.replies import tell
from bot import labels, settings_view
from bot.reports import REASONS
from bot.views import QuestionView

if TYPE_CHECKING:
    from adapters.discord.handlers import Handlers

MAX_BUTTONS = 25
PER_ROW = 5
Interaction = discord.Interaction[Any]
Style = discord.ButtonStyle


def handlers_of(interaction: Interaction) -> Handlers:
    return interaction.client.handlers  # type: ignore[no-any-return, attr-defined]


class ClickButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """The base of every persistent button (its own template never matches: only
    subclasses are registered)."""

    numbers: ClassVar[frozenset[str]] = frozenset()  # template groups read as int

    def __init__(
        self, custom_id: str, label: str, style: Style = Style.secondary, row: int | None = None
    ) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=render.cut(label, render.LABEL_LIMIT), style=style, custom_id=custom_id, row=row
        )
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        values: dict[str, Any] = {
            name: int(value) if name in cls.numbers and value is not None else value
            for name, value in match.groupdict().items()
        }
        return cls(**values)

    async def callback(self, interaction: Interaction) -> None:
        await self.clicked(handlers_of(interaction), interaction)

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        raise NotImplementedError


ANSWER_TEMPLATE = r"{}:(?P<ask>[0-9]{{1,18}}):(?P<letters>[A-F]{{1,6}})"


class AnswerButton(ClickButton, template=ANSWER_TEMPLATE.format("a")):
    """A letter (or combination) answering an ask; subclasses answer elsewhere (a game
    round, an exam) under another prefix."""

    prefix: ClassVar[str] = "a"
    numbers = frozenset({"ask"})

    def __init__(self, ask: int, letters: str, row: int | None = None) -> None:
        super().__init__(f"{self.prefix}:{ask}:{letters}", "+".join(letters), Style.primary, row)
        self.ask_id, self.letters = ask, letters

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.answer(interaction, self.ask_id, self.letters)


class GameAnswerButton(AnswerButton, template=ANSWER_TEMPLATE.format("g")):
    prefix = "g"

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.game_answer(interaction, self.ask_id, self.letters)


GAME_LABELS = {"a": "Accept", "d": "Decline", "r": "Reveal now"}
GAME_STYLES = {"a": Style.success, "d": Style.danger, "r": Style.secondary}


class GameButton(ClickButton, template=r"g(?P<kind>[adr]):(?P<game>[0-9]{1,18})"):
    numbers = frozenset({"game"})

    def __init__(self, kind: str, game: int) -> None:
        super().__init__(f"g{kind}:{game}", GAME_LABELS[kind], GAME_STYLES[kind])
        self.kind, self.game_id = kind, game

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.game_action(interaction, self.kind, self.game_id)


class ExplainButton(ClickButton, template=r"x:(?P<concept>[a-z0-9-]{1,60})"):
    """A concept card, privately: "Explain NAME" under feedback, or NAME alone where the
    context says it (related cards, the catalogue, suggestions)."""

    def __init__(self, concept: str, name: str = "", *, bare: bool = False) -> None:
        label = (name or concept) if bare else f"Explain {name or concept}"
        super().__init__(f"x:{concept}", label)
        self.concept_id = concept

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.cards.explain_button(interaction, self.concept_id)


class QuizOnButton(ClickButton, template=r"q:(?P<concept>[a-z0-9-]{1,60})"):
    def __init__(self, concept: str) -> None:
        super().__init__(f"q:{concept}", labels.QUIZ_ON, Style.primary)
        self.concept_id = concept

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.cards.quiz_on(interaction, self.concept_id)


class CatalogueButton(
    ClickButton,
    template=r"k(?::(?P<category>[0-9]{1,3})(?::(?P<page>[0-9]{1,3}))?)?",
):
    """The catalogue: its categories (no category), or one category's cards (a page)."""

    numbers = frozenset({"category", "page"})

    def __init__(
        self, category: int | None = None, page: int | None = None, label: str = ""
    ) -> None:
        custom_id = "k" if category is None else f"k:{category}" + (f":{page}" if page else "")
        super().__init__(custom_id, label or labels.ALL_CARDS)
        self.category, self.page = category, page or 0

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.cards.catalogue(interaction, self.category, self.page)


MISS_LABELS = {"r": "🔁 Retry", "x": "📖 Why"}


class MissButton(ClickButton, template=r"m(?P<kind>[rx]):(?P<question>[0-9]{1,18})"):
    numbers = frozenset({"question"})

    def __init__(self, kind: str, question: int, number: int = 0, row: int | None = None) -> None:
        label = MISS_LABELS[kind] + (f" {number}" if number else "")
        super().__init__(f"m{kind}:{question}", label, row=row)
        self.kind, self.question_key = kind, question

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.miss_action(interaction, self.kind, self.question_key)


class ReportButton(ClickButton, template=r"rp:(?P<ask>[0-9]{1,18})"):
    numbers = frozenset({"ask"})

    def __init__(self, ask: int) -> None:
        super().__init__(f"rp:{ask}", labels.REPORT)
        self.ask_id = ask

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.reports.reasons(interaction, self.ask_id)


class ReasonButton(ClickButton, template=r"rr:(?P<ask>[0-9]{1,18}):(?P<reason>[a-z]{1,12})"):
    numbers = frozenset({"ask"})

    def __init__(self, ask: int, reason: str) -> None:
        super().__init__(f"rr:{ask}:{reason}", REASONS.get(reason, reason))
        self.ask_id, self.reason = ask, reason

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.reports.report(interaction, self.ask_id, self.reason)


class NoteButton(ClickButton, template=r"rn:(?P<report>[0-9]{1,18})"):
    numbers = frozenset({"report"})

    def __init__(self, report: int) -> None:
        super().__init__(f"rn:{report}", "Add a line")
        self.report_id = report

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.reports.note_form(interaction, self.report_id)


class SkipButton(ClickButton, template=r"sk:(?P<ask>[0-9]{1,18})"):
    numbers = frozenset({"ask"})

    def __init__(self, ask: int) -> None:
        super().__init__(f"sk:{ask}", labels.SKIP_OPEN, Style.primary)
        self.ask_id = ask

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.skip(interaction, self.ask_id)


class DailyTimeButton(ClickButton, template=r"dt:(?P<hhmm>(?:[01][0-9]|2[0-3])[0-5][0-9])"):
    def __init__(self, hhmm: str, row: int | None = None) -> None:
        super().__init__(f"dt:{hhmm}", f"{hhmm[:2]}:{hhmm[2:]}", row=row)
        self.time = f"{hhmm[:2]}:{hhmm[2:]}"

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.daily_time(interaction, self.time)


SURE_LABELS = {"s": "👍 Sure", "u": "🤔 Unsure"}


class ConfidenceButton(ClickButton, template=r"cf:(?P<ask>[0-9]{1,18}):(?P<said>[su])"):
    """Under the feedback of a right answer: was it a guess? Unsure brings its concepts
    back sooner (bot.confidence); the core refuses a second tap, another's answer, a forgery."""

    numbers = frozenset({"ask"})

    def __init__(self, ask: int, said: str) -> None:
        super().__init__(f"cf:{ask}:{said}", SURE_LABELS[said])
        self.ask_id, self.sure = ask, said == "s"

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.confident(interaction, self.ask_id, self.sure)


SETTINGS_MENUS = {"m": "‹ Back", "t": "🕗 Time"}


class SettingsMenuButton(ClickButton, template=r"sm:(?P<menu>[mt])"):
    def __init__(self, menu: str, row: int | None = None) -> None:
        super().__init__(f"sm:{menu}", SETTINGS_MENUS[menu], row=row)
        self.menu = menu

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.settings_menu.show(interaction, self.menu)


class SettingsTimeButton(ClickButton, template=r"st:(?P<hhmm>(?:[01][0-9]|2[0-3])[0-5][0-9])"):
    def __init__(self, hhmm: str, chosen: bool = False, row: int | None = None) -> None:
        time = f"{hhmm[:2]}:{hhmm[2:]}"
        style = Style.success if chosen else Style.secondary
        super().__init__(f"st:{hhmm}", time, style, row)
        self.time = time

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.settings_menu.set_time(interaction, self.time)


class SettingsCapButton(ClickButton, template=r"sr:(?P<cap>[0-9]{1,4})"):
    numbers = frozenset({"cap"})

    def __init__(self, cap: int, chosen: bool = False, row: int | None = None) -> None:
        style = Style.success if chosen else Style.secondary
        super().__init__(f"sr:{cap}", settings_view.cap_label(cap), style, row)
        self.cap = cap

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.settings_menu.set_cap(interaction, self.cap)


class SettingsDailyButton(ClickButton, template=r"so:(?P<state>on|off)"):
    def __init__(self, state: str, row: int | None = None) -> None:
        label = "🔔 Daily question on" if state == "on" else "🔕 Daily question off"
        super().__init__(f"so:{state}", label, row=row)
        self.on = state == "on"

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.settings_menu.set_daily_on(interaction, self.on)


class SettingsZoneButton(ClickButton, template=r"sz"):
    def __init__(self, row: int | None = None) -> None:
        super().__init__("sz", "🌍 Time zone", row=row)

    async def clicked(self, handlers: Handlers, interaction: Interaction) -> None:
        await handlers.settings_menu.zone_form(interaction)


class TrackSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"tr"):
    """/settings: the tracks to choose from; the chosen key arrives as the select's value."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="tr", placeholder="📚 Track", options=options or [], row=0
        )
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls()

    async def callback(self, interaction: Interaction) -> None:
        # read from the interaction, not the item: a stale or forged select has no options
        data: dict[str, Any] = dict(interaction.data or {})
        values = data.get("values") or [""]
        await handlers_of(interaction).settings_menu.set_track(interaction, str(values[0]))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    GameAnswerButton,
    GameButton,
    ExplainButton,
    QuizOnButton,
    CatalogueButton,
    MissButton,
    ReportButton,
    ReasonButton,
    NoteButton,
    SkipButton,
    DailyTimeButton,
    ConfidenceButton,
    SettingsMenuButton,
    SettingsTimeButton,
    SettingsCapButton,
    SettingsDailyButton,
    SettingsZoneButton,
    TrackSelect,
)
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


async def stale_click(interaction: Interaction) -> None:
    """A click discord.py does not dispatch, because the button is no longer on its message
    (an old client still shows it) or never was (forged): the core still decides, so the
    member gets the same private notice as any other refused click."""
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
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


async def send_question(interaction: Interaction, view: QuestionView) -> None:
    """A question of the member's own, with its answer buttons, seen by them only."""
    await interaction.followup.send(
        embed=render.question(view), view=question_view(view), ephemeral=True
    )


def items_view(items: list[discord.ui.Item[Any]]) -> discord.ui.View | None:
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items[:MAX_BUTTONS]:
        view.add_item(item)
    return view
