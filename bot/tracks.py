"""Tracks: which pack (and which of its exam blueprints) a user or group chat studies.

Practice, the daily question, exams and /stats read only the chosen track, so a second pack
loaded by an admin (another certification) never reaches a student on another track.
A track is stored as "pack/blueprint"; a stored track whose pack or blueprint is gone falls
back to the pack's default blueprint, then to the default pack.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.bank import Bank, BlueprintData, DomainData, QuestionData, lookup_key
from bot.errors import BadSetting, NoQuestions, TutorError
from bot.ports import DomainCounts

if TYPE_CHECKING:
    from bot.tutor import Tutor
    from bot.views import UserRef

DEFAULT_PACK = "saa"


@dataclass(frozen=True)
class Track:
    pack: str
    blueprint: str

    @property
    def key(self) -> str:
        return f"{self.pack}/{self.blueprint}"


@dataclass(frozen=True)
class TrackOption:
    key: str  # "pack/blueprint", what a button carries (≤ 81 chars)
    pack: str
    title: str  # the blueprint's title
    chosen: bool


@dataclass(frozen=True)
class TrackMenu:
    current: str  # the chosen blueprint's title
    options: tuple[TrackOption, ...]
    domains: tuple[tuple[str, str], ...] = ()  # the chosen track's (domain id, label)
    chat: bool = False  # a group chat's track (bot.chat_tracks), not the user's own

    @property
    def notice(self) -> str:
        """What a choice made by button confirms (a Telegram toast)."""
        return f"{'This chat studies' if self.chat else 'You study'}: {self.current}"

    def text(self, buttons: bool = False) -> str:
        """The menu's text; `buttons`: the platform shows a button per track (and, for the
        user's own track, per domain) under it, so it says to tap one rather than type."""
        listed = [f"{'•' if o.chosen else '-'} {o.title} ({o.key})" for o in self.options]
        if self.chat:
            how = "taps one" if buttons else "chooses with /track PACK or /track PACK/BLUEPRINT"
            return "\n".join(
                [f"{self.notice}.", "Tracks:", *listed]
                + [
                    f"Its games and daily question ask from it. An admin of the chat {how}.",
                    "Your own track: /track in a private chat with me.",
                ]
            )
        lines = [f"{self.notice}.", "Tracks:", *listed]
        lines.append(
            "Tap one to study it."
            if buttons
            else "Choose one with /track PACK or /track PACK/BLUEPRINT."
        )
        if self.domains:
            if buttons:
                lines.append("Tap a domain to practise it, or send /quiz NAME for a service.")
            else:
                names = ", ".join(label for _id, label in self.domains)
                lines.append(f"Practise one domain or service with /quiz NAME ({names}).")
        return "\n".join(lines)


class UnknownTopic(TutorError):
    def __init__(self, topic: str, domains: Sequence[str]) -> None:
        super().__init__(
            f"I know no domain or service called {topic!r} in your track. "
            f"Domains: {', '.join(domains)}."
        )


def resolve(bank: Bank, stored: str | None, default_pack: str = DEFAULT_PACK) -> Track:
    """The track in force: the stored one while its pack is loaded, else the default pack
    (else the first loaded pack). NoQuestions when no pack is loaded."""
    if stored:
        pack, _, blueprint = stored.partition("/")
        found = _blueprint(bank, pack, blueprint)
        if found is not None:
            return Track(found.pack, found.id)
    for pack in (default_pack, *sorted(bank.blueprints)):
        found = _blueprint(bank, pack, "")
        if found is not None:
            return Track(found.pack, found.id)
    raise NoQuestions()


def blueprint_in_force(bank: Bank, stored: str | None, default_pack: str = DEFAULT_PACK) -> str:
    """The id of the blueprint a stored track studies (what names a question's domain in its
    header); "" (the pack's default) when no pack is loaded."""
    try:
        return resolve(bank, stored, default_pack).blueprint
    except NoQuestions:
        return ""


def blueprint_of(bank: Bank, track: Track) -> BlueprintData | None:
    """The track's blueprint (the pack's default for an unknown id); None without the pack."""
    return _blueprint(bank, track.pack, track.blueprint)


def _blueprint(bank: Bank, pack: str, blueprint: str) -> BlueprintData | None:
    """The pack's blueprint `blueprint`, its default for "" or an unknown id."""
    found = bank.blueprints.get(pack, ())
    if not found or pack not in bank.active_by_pack:
        return None
    return next((b for b in found if b.id == blueprint), found[0])


def parse_choice(bank: Bank, text: str) -> Track:
    """'saa', 'saa/course' or a blueprint's id alone -> a loaded track; BadSetting else."""
    wanted = text.strip().lower()
    pack, _, blueprint = wanted.partition("/")
    for p, blueprints in bank.blueprints.items():
        for b in blueprints:
            named = p.lower() == pack and (not blueprint or b.id.lower() == blueprint)
            if (named or (not blueprint and b.id.lower() == wanted)) and _blueprint(bank, p, b.id):
                return Track(p, b.id)
    choices = ", ".join(o.key for o in options(bank, None))
    raise BadSetting(f"There is no track {text.strip()!r}. Tracks: {choices}.")


def options(bank: Bank, current: Track | None) -> tuple[TrackOption, ...]:
    """Every loaded pack's blueprints (packs with active questions only)."""
    out = []
    for pack in sorted(bank.blueprints):
        if _blueprint(bank, pack, "") is None:
            continue
        for b in bank.blueprints[pack]:
            track = Track(pack, b.id)
            out.append(TrackOption(track.key, pack, b.title, track == current))
    return tuple(out)


def menu(bank: Bank, current: Track, chat: bool = False) -> TrackMenu:
    """/track's menu; a group chat's (`chat`) offers no domains (its /quiz is a game)."""
    blueprint = _blueprint(bank, current.pack, current.blueprint)
    title = blueprint.title if blueprint else current.key
    labels = () if chat else tuple((d.id, d.label) for d in domains(bank, current).values())
    return TrackMenu(title, options(bank, current), labels, chat)


def questions(bank: Bank, track: Track) -> list[QuestionData]:
    """The track's active questions."""
    return bank.active_by_pack.get(track.pack, [])


def domains(bank: Bank, track: Track) -> dict[tuple[str, str], DomainData]:
    """The track blueprint's domains, keyed like Bank.domains."""
    blueprint = _blueprint(bank, track.pack, track.blueprint)
    return {(d.pack, d.id): d for d in blueprint.domains} if blueprint else {}


def counts_in(counts: DomainCounts, track: Track) -> dict[tuple[str, str], tuple[int, int]]:
    """The counters of the track's blueprint, keyed like `domains` ((pack, domain))."""
    return {
        (pack, domain): value
        for (pack, blueprint, domain), value in counts.items()
        if pack == track.pack and blueprint == track.blueprint
    }


def domain_of(question: QuestionData, track: Track) -> str:
    """The question's domain in the track's blueprint."""
    return question.domain_in(track.blueprint) or question.domain


def on_topic(bank: Bank, track: Track, topic: str) -> list[QuestionData]:
    """The track's questions in one domain (id, title or short label, or its start) or on
    one concept (/explain's names and aliases). UnknownTopic when neither matches."""
    wanted = lookup_key(topic)
    pool = questions(bank, track)
    found = domains(bank, track)
    for exact in (True, False):  # a name, else the start of one (of one domain only)
        matched = [
            d
            for d in found.values()
            if wanted
            and any(
                x == wanted if exact else x.startswith(wanted)
                for x in (lookup_key(y) for y in (d.id, d.title, d.short) if y)
            )
        ]
        if len(matched) == 1 or (exact and matched):
            return [q for q in pool if domain_of(q, track) == matched[0].id]
    # "security" for "Design secure architectures": one domain whose title has a word
    # sharing the first five letters (fewer for a shorter name) with it
    stem = min(5, len(wanted))
    loose = [
        d
        for d in found.values()
        if wanted
        and any(
            lookup_key(word)[:stem] == wanted[:stem] and len(lookup_key(word)) >= stem
            for word in re.split(r"[^A-Za-z0-9]+", f"{d.id} {d.title} {d.short}")
        )
    ]
    if len(loose) == 1:
        return [q for q in pool if domain_of(q, track) == loose[0].id]
    for concept in bank.concepts.values():
        names = (concept.id, concept.name, concept.title, *concept.aliases)
        if concept.pack == track.pack and wanted in map(lookup_key, names):
            return [q for q in pool if concept.id in q.concepts]
    raise UnknownTopic(topic, [d.label for d in found.values()])


# -- what /track and /reviews do on every platform --------------------------------------------
async def show(tutor: Tutor, ref: UserRef) -> TrackMenu:
    return menu(await tutor.bank(), await tutor.track_of(ref))


async def choose(tutor: Tutor, ref: UserRef, text: str) -> TrackMenu:
    """Switch the user's track ('saa', 'saa/course'); BadSetting (nothing changed) if unknown."""
    bank = await tutor.bank()
    track = parse_choice(bank, text)
    await tutor.set_track(ref, track)
    return menu(bank, track)


async def set_review_cap(tutor: Tutor, ref: UserRef, text: str) -> str:
    """'/reviews 20': at most 20 reviews a day; the reply every platform shows."""
    if not text.strip():
        cap = (await tutor.user(ref)).review_cap
        return f"You get at most {cap} reviews a day. Change it with /reviews N (0 turns them off)."
    try:
        wanted = int(text.strip())
    except ValueError:
        raise BadSetting("Give the daily number of reviews, e.g. /reviews 30.") from None
    cap = await tutor.set_review_cap(ref, wanted)
    return f"At most {cap} reviews a day from now on; new questions fill the rest."
