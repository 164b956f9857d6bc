"""Inline keyboards: answer buttons for questions, follow-up buttons after feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from adapters.telegram import callbacks
from adapters.telegram.callbacks import (
    Answer,
    Catalogue,
    ChooseTrack,
    Confident,
    DailyLocation,
    DailyTime,
    Explain,
    NextQuestion,
    QuizDomain,
    QuizOn,
    Report,
    ReportReason,
    Setting,
    Skip,
    Toggle,
)
from bot import labels, settings_view
from bot.concepts import Category
from bot.reports import REASONS
from bot.settings_view import StudentSettings
from bot.tracks import TrackMenu
from bot.views import ConceptView, Feedback, QuestionView

LETTERS = "ABCDEF"
PER_ROW = 6
MAX_EXPLAIN_BUTTONS = 3
PICKED = "☑️"
CHOSEN = "✅ "
BACK = "‹ Back"
SURE, UNSURE = "👍 Sure", "🤔 Unsure"


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[k : k + per_row] for k in range(0, len(buttons), per_row)]


def question(view: QuestionView, *, group: bool = False) -> InlineKeyboardMarkup:
    """Letter buttons; a multi-answer question toggles picks (private) or offers every
    combination (group, where several members answer the same message)."""
    if view.select == 1:
        return single(view.ask_id, len(view.options))
    if group:
        return combos(view.ask_id, len(view.options), view.select)
    return toggles(view.ask_id, len(view.options), "", view.select)


def single(ask_id: int, option_count: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(letter, callback_data=Answer(ask_id, letter).data())
        for letter in LETTERS[:option_count]
    ]
    return InlineKeyboardMarkup(_rows(buttons, PER_ROW))


def combos(ask_id: int, option_count: int, select: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton("+".join(c), callback_data=Answer(ask_id, "".join(c)).data())
        for c in combinations(LETTERS[:option_count], select)
    ]
    return InlineKeyboardMarkup(_rows(buttons, 4))


def toggles(ask_id: int, option_count: int, picks: str, select: int = 0) -> InlineKeyboardMarkup:
    """The multi-answer keyboard: the picks live in the buttons themselves, so the state
    survives a restart and needs no storage. Each letter button carries the picks it leads
    to; Submit carries the current picks."""
    letters = [
        InlineKeyboardButton(
            f"{PICKED} {letter}" if letter in picks else letter,
            callback_data=Toggle(ask_id, callbacks.toggled(picks, letter), select).data(),
        )
        for letter in LETTERS[:option_count]
    ]
    if picks:
        submit = InlineKeyboardButton(f"Submit {picks}", callback_data=Answer(ask_id, picks).data())
    else:  # nothing picked yet: Submit only redraws, and the press is told to pick first
        submit = InlineKeyboardButton("Submit", callback_data=Toggle(ask_id, "", select).data())
    return InlineKeyboardMarkup([*_rows(letters, PER_ROW), [submit]])


@dataclass(frozen=True)
class ToggleState:
    ask_id: int
    option_count: int
    picks: str
    select: int = 0


def toggle_state(markup: InlineKeyboardMarkup | None) -> ToggleState | None:
    """What a multi-answer keyboard on a message shows (None if it has none)."""
    if markup is None:
        return None
    ask_ids, count, picks, select = set(), 0, "", 0
    for row in markup.inline_keyboard[:-1]:  # the last row is Submit
        for button in row:
            action = callbacks.parse(str(button.callback_data))
            if isinstance(action, Toggle):
                ask_ids.add(action.ask_id)
                select = action.select
                if button.text.startswith(PICKED):
                    picks += LETTERS[count]
                count += 1
    if len(ask_ids) != 1 or count == 0:
        return None
    return ToggleState(ask_ids.pop(), count, picks, select)


def feedback(fb: Feedback) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton("Next question", callback_data=NextQuestion().data())]]
    if fb.correct:  # right, but was it a guess? Unsure brings its concepts back sooner
        rows.append(
            [
                InlineKeyboardButton(SURE, callback_data=Confident(fb.ask_id, True).data()),
                InlineKeyboardButton(UNSURE, callback_data=Confident(fb.ask_id, False).data()),
            ]
        )
    for card in fb.concepts[:MAX_EXPLAIN_BUTTONS]:
        rows.append(
            [InlineKeyboardButton(f"Explain {card.name}", callback_data=Explain(card.id).data())]
        )
    rows.append([InlineKeyboardButton(labels.REPORT, callback_data=Report(fb.ask_id).data())])
    return InlineKeyboardMarkup(rows)


def tracks(menu: TrackMenu) -> InlineKeyboardMarkup:
    """A button per track (one a row), the chosen one marked; then the chosen track's
    domains, to practise one."""
    rows = []
    for option in menu.options:
        data = ChooseTrack(option.key)
        if len(data.data().encode()) <= 64:
            label = (CHOSEN if option.chosen else "") + option.title
            rows.append([InlineKeyboardButton(label[:60], callback_data=data.data())])
    return InlineKeyboardMarkup([*rows, *domains(menu.domains).inline_keyboard])


def domains(options: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """A button per domain of the track: (domain id, label)."""
    buttons = [
        InlineKeyboardButton(label[:40], callback_data=QuizDomain(domain).data())
        for domain, label in options
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def report_reasons(ask_id: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label, callback_data=ReportReason(ask_id, code).data())
        for code, label in REASONS.items()
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


# -- concept cards ---------------------------------------------------------------------------
CARDS_PER_PAGE = 24
MAX_RELATED_BUTTONS = 6


def concept(card: ConceptView) -> InlineKeyboardMarkup:
    """Under a card: a question on it, then its related cards (two a row)."""
    rows = [[InlineKeyboardButton(labels.QUIZ_ON, callback_data=QuizOn(card.id).data())]]
    related = [
        InlineKeyboardButton(name, callback_data=Explain(concept_id).data())
        for concept_id, name in card.related[:MAX_RELATED_BUTTONS]
    ]
    rows += _rows(related, 2)
    rows.append([InlineKeyboardButton(labels.ALL_CARDS, callback_data=Catalogue().data())])
    return InlineKeyboardMarkup(rows)


def suggestions(ids: tuple[str, ...], names: list[str]) -> InlineKeyboardMarkup | None:
    """ "Did you mean" as buttons, each opening that card."""
    buttons = [
        InlineKeyboardButton(name, callback_data=Explain(concept_id).data())
        for concept_id, name in zip(ids, names, strict=False)
    ]
    return InlineKeyboardMarkup(_rows(buttons, 1)) if buttons else None


def categories(catalogue: tuple[Category, ...]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(f"{c.name} ({len(c.cards)})", callback_data=Catalogue(n).data())
        for n, c in enumerate(catalogue)
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def category(catalogue: tuple[Category, ...], index: int, page: int) -> InlineKeyboardMarkup:
    """One category's cards, CARDS_PER_PAGE at a time, with paging and a way back."""
    cards = catalogue[index].cards
    shown = cards[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
    rows = _rows(
        [InlineKeyboardButton(c.name, callback_data=Explain(c.id).data()) for c in shown], 3
    )
    paging = []
    if page > 0:
        paging.append(
            InlineKeyboardButton(labels.PAGE_BACK, callback_data=Catalogue(index, page - 1).data())
        )
    if (page + 1) * CARDS_PER_PAGE < len(cards):
        paging.append(
            InlineKeyboardButton(labels.PAGE_MORE, callback_data=Catalogue(index, page + 1).data())
        )
    rows += [paging] if paging else []
    rows.append([InlineKeyboardButton(labels.CATEGORIES, callback_data=Catalogue().data())])
    return InlineKeyboardMarkup(rows)


# -- daily question --------------------------------------------------------------------------


def daily_picker() -> InlineKeyboardMarkup:
    """/daily's time picker: common times, and the way to set the zone by location."""
    times = [
        InlineKeyboardButton(t, callback_data=DailyTime(t).data()) for t in labels.PICKER_TIMES
    ]
    where = InlineKeyboardButton("📍 Use my location", callback_data=DailyLocation().data())
    return InlineKeyboardMarkup([*_rows(times, 4), [where]])


# -- /settings -------------------------------------------------------------------------------
def _back() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(BACK, callback_data=Setting().data())]


def settings(current: StudentSettings) -> InlineKeyboardMarkup:
    """A button per setting (each opens its choices in place), and daily on/off."""
    daily = current.daily
    switch = (
        InlineKeyboardButton("🔕 Daily question off", callback_data=Setting("d", "off").data())
        if daily.enabled
        else InlineKeyboardButton("🔔 Daily question on", callback_data=Setting("d", "on").data())
    )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🕗 Time", callback_data=Setting("t").data()),
                InlineKeyboardButton("🌍 Time zone", callback_data=Setting("z").data()),
            ],
            [
                InlineKeyboardButton("🔁 Reviews a day", callback_data=Setting("r").data()),
                InlineKeyboardButton("📚 Track", callback_data=Setting("k").data()),
            ],
            [switch],
        ]
    )


def settings_time(current: StudentSettings) -> InlineKeyboardMarkup:
    """The /daily time picker, in /settings: a tap sets the time and shows the settings."""
    chosen = current.daily.time if current.daily.enabled else ""
    times = [
        InlineKeyboardButton(
            (CHOSEN if t == chosen else "") + t,
            callback_data=Setting("t", t.replace(":", "")).data(),
        )
        for t in labels.PICKER_TIMES
    ]
    return InlineKeyboardMarkup([*_rows(times, 4), _back()])


def settings_zone() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("📍 Share location", callback_data=Setting("z", "l").data()),
                InlineKeyboardButton("⌨️ Type my city", callback_data=Setting("z", "c").data()),
            ],
            _back(),
        ]
    )


def settings_reviews(current: StudentSettings) -> InlineKeyboardMarkup:
    caps = [
        InlineKeyboardButton(
            (CHOSEN if cap == current.review_cap else "") + settings_view.cap_label(cap),
            callback_data=Setting("r", str(cap)).data(),
        )
        for cap in settings_view.REVIEW_CHOICES
    ]
    return InlineKeyboardMarkup([*_rows(caps, 3), _back()])


def settings_tracks(menu: TrackMenu) -> InlineKeyboardMarkup:
    """The track menu, in /settings: one button a track, the chosen one marked."""
    rows = []
    for option in menu.options:
        try:
            data = Setting("k", option.key).data()
        except ValueError:  # over 64 bytes: that track is chosen with /track NAME
            continue
        label = (CHOSEN if option.chosen else "") + option.title
        rows.append([InlineKeyboardButton(label[:60], callback_data=data)])
    return InlineKeyboardMarkup([*rows, _back()])


def share_location() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Share location", request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def skip_open(ask_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(labels.SKIP_OPEN, callback_data=Skip(ask_id).data())]]
    )
