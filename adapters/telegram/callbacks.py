"""The callback_data of inline buttons: a short action, an ask id and letters, nothing more.

Telegram limits callback_data to 64 bytes. Every piece of state a button needs lives either
in the database (the ask) or in the message's own keyboard (the picks of a multi-answer
question), so buttons keep working across restarts and forged data is refused by the core.

    a:<ask>:<letters>   answer the ask with these letters (a letter button, a Submit button)
    t:<ask>:<letters>   show the multi-answer keyboard with these letters picked
    t:<ask>:<n>:<letters>  the same, for a "Select n" question (more than n picks is refused)
    n                   a next practice question
    x:<concept id>      the concept card (read-only; concept ids are [a-z0-9-]{1,60})
    tr:<pack/blueprint> study this track (/track's buttons)
    k:<pack/blueprint>  the same, as buttons sent before `tr:` read (kept working: a '/'
                        tells it from the catalogue's `k:<n>`)
    d:<domain id>       a practice question of this domain of the user's track
    q:<concept id>      a question on that concept ("Quiz me on this")
    k / k:<n> / k:<n>:<page>  the card catalogue: categories, or category n's cards
    dt:<HHMM>           the daily question at that time (the /daily time picker)
    dl                  "Use my location": offers the share-location keyboard
    sk:<ask>            skip that open question (kept as skipped) and ask a new one
    rp:<ask>            "⚑ Report" under feedback: offers the reasons
    rr:<ask>:<reason>   report the ask's question for that reason
    cf:<ask>:s|u        "Sure" / "Unsure" under the feedback of a right answer
    s                   /settings: the settings themselves (and "Back" from a sub-menu)
    s:t / s:t:<HHMM>    the time picker / the daily question at that time
    s:z / s:z:l / s:z:c the zone sub-menu / share my location / type my city
    s:r / s:r:<n>       the review-cap choices / at most n reviews a day
    s:k / s:k:<track>   the track menu / study that track
    s:d:on / s:d:off    the daily question on or off
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_ANSWER = re.compile(r"a:(\d{1,18}):([A-F]{1,6})")
_TOGGLE = re.compile(r"t:(\d{1,18}):(?:([1-6]):)?([A-F]{0,6})")
_EXPLAIN = re.compile(r"x:([a-z0-9-]{1,60})")
_TRACK_KEY = r"[A-Za-z0-9_.-]{1,40}/[A-Za-z0-9_.-]{1,40}"
_TRACK = re.compile(rf"tr:({_TRACK_KEY})")
_OLD_TRACK = re.compile(rf"k:({_TRACK_KEY})")  # before the track menu had its own prefix
_DOMAIN = re.compile(r"d:([A-Za-z0-9_.-]{1,40})")
_DAILY_TIME = re.compile(r"dt:([01]\d|2[0-3])([0-5]\d)")
_SKIP = re.compile(r"sk:(\d{1,18})")
_REPORT = re.compile(r"rp:(\d{1,18})")
_REASON = re.compile(r"rr:(\d{1,18}):([a-z]{1,12})")
_CONFIDENT = re.compile(r"cf:(\d{1,18}):([su])")
_QUIZ_ON = re.compile(r"q:([a-z0-9-]{1,60})")
_CATALOGUE = re.compile(r"k(?::(\d{1,3})(?::(\d{1,3}))?)?")
_SETTING = re.compile(r"s(?::([tzrkd])(?::(.+))?)?")
# What may follow each settings sub-menu's letter (nothing: the sub-menu itself).
_SETTING_VALUE = {
    "t": re.compile(r"([01]\d|2[0-3])[0-5]\d"),
    "z": re.compile(r"[lc]"),
    "r": re.compile(r"\d{1,3}"),
    "k": re.compile(_TRACK_KEY),
    "d": re.compile(r"on|off"),
}


@dataclass(frozen=True)
class Answer:
    ask_id: int
    letters: str

    def data(self) -> str:
        return _checked(f"a:{self.ask_id}:{self.letters}")


@dataclass(frozen=True)
class Toggle:
    ask_id: int
    picks: str
    select: int = 0  # how many the question wants; 0: not said (buttons sent before it was)

    def data(self) -> str:
        select = f"{self.select}:" if self.select else ""
        return _checked(f"t:{self.ask_id}:{select}{self.picks}")


@dataclass(frozen=True)
class NextQuestion:
    def data(self) -> str:
        return "n"


@dataclass(frozen=True)
class Explain:
    concept_id: str

    def data(self) -> str:
        return _checked(f"x:{self.concept_id}")


@dataclass(frozen=True)
class ChooseTrack:
    key: str  # "pack/blueprint"

    def data(self) -> str:
        return _checked(f"tr:{self.key}")


@dataclass(frozen=True)
class QuizDomain:
    domain: str

    def data(self) -> str:
        return _checked(f"d:{self.domain}")


@dataclass(frozen=True)
class QuizOn:
    concept_id: str

    def data(self) -> str:
        return _checked(f"q:{self.concept_id}")


@dataclass(frozen=True)
class Catalogue:
    category: int | None = None  # None: the list of categories
    page: int = 0

    def data(self) -> str:
        if self.category is None:
            return "k"
        return f"k:{self.category}" + (f":{self.page}" if self.page else "")


@dataclass(frozen=True)
class Report:
    ask_id: int

    def data(self) -> str:
        return _checked(f"rp:{self.ask_id}")


@dataclass(frozen=True)
class ReportReason:
    ask_id: int
    reason: str

    def data(self) -> str:
        return _checked(f"rr:{self.ask_id}:{self.reason}")


@dataclass(frozen=True)
class DailyTime:
    time: str  # HH:MM

    def data(self) -> str:
        return _checked(f"dt:{self.time.replace(':', '')}")


@dataclass(frozen=True)
class DailyLocation:
    def data(self) -> str:
        return "dl"


@dataclass(frozen=True)
class Skip:
    ask_id: int

    def data(self) -> str:
        return _checked(f"sk:{self.ask_id}")


@dataclass(frozen=True)
class Setting:
    """A /settings button: `menu` "" (the settings), or a sub-menu's letter; `value` what
    that sub-menu sets ("" shows the sub-menu)."""

    menu: str = ""
    value: str = ""

    def data(self) -> str:
        menu = f":{self.menu}" if self.menu else ""
        return _checked("s" + menu + (f":{self.value}" if self.value else ""))

    @property
    def time(self) -> str:
        """The value of a time button as HH:MM."""
        return f"{self.value[:2]}:{self.value[2:]}"


@dataclass(frozen=True)
class Confident:
    ask_id: int
    sure: bool

    def data(self) -> str:
        return _checked(f"cf:{self.ask_id}:{'s' if self.sure else 'u'}")


Action = (
    Setting
    | Confident
    | Skip
    | DailyTime
    | DailyLocation
    | Answer
    | Toggle
    | NextQuestion
    | Explain
    | QuizOn
    | Catalogue
    | Report
    | ReportReason
    | ChooseTrack
    | QuizDomain
)


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None) -> Action | None:
    """The action a button carries, or None for anything we never sent."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    if data == "n":
        return NextQuestion()
    if match := _ANSWER.fullmatch(data):
        return Answer(int(match.group(1)), match.group(2))
    if match := _TOGGLE.fullmatch(data):
        return Toggle(int(match.group(1)), match.group(3), int(match.group(2) or 0))
    if match := _EXPLAIN.fullmatch(data):
        return Explain(match.group(1))
    if match := _TRACK.fullmatch(data) or _OLD_TRACK.fullmatch(data):
        return ChooseTrack(match.group(1))
    if match := _SETTING.fullmatch(data):
        return _setting(match.group(1) or "", match.group(2) or "")
    if match := _DOMAIN.fullmatch(data):
        return QuizDomain(match.group(1))
    if match := _SKIP.fullmatch(data):
        return Skip(int(match.group(1)))
    if data == "dl":
        return DailyLocation()
    if match := _DAILY_TIME.fullmatch(data):
        return DailyTime(f"{match.group(1)}:{match.group(2)}")
    if match := _REPORT.fullmatch(data):
        return Report(int(match.group(1)))
    if match := _REASON.fullmatch(data):
        return ReportReason(int(match.group(1)), match.group(2))
    if match := _CONFIDENT.fullmatch(data):
        return Confident(int(match.group(1)), match.group(2) == "s")
    if match := _QUIZ_ON.fullmatch(data):
        return QuizOn(match.group(1))
    if match := _CATALOGUE.fullmatch(data):
        category = int(match.group(1)) if match.group(1) else None
        return Catalogue(category, int(match.group(2) or 0))
    return None


def _setting(menu: str, value: str) -> Setting | None:
    if value and not _SETTING_VALUE[menu].fullmatch(value):
        return None
    if menu == "d" and not value:  # on or off must be said
        return None
    return Setting(menu, value)


def toggled(picks: str, letter: str) -> str:
    """The picks after pressing `letter`, kept in A…F order."""
    chosen = set(picks) ^ {letter}
    return "".join(sorted(chosen))
