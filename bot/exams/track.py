"""Which blueprint a student's exam follows: the one place to switch to per-user tracks."""

from __future__ import annotations

from bot.bank import Bank, BlueprintData

DEFAULT_PACK = "saa"


def exam_blueprint(bank: Bank, user_id: int) -> BlueprintData | None:
    """The blueprint of the user's track.

    Tracks (bot.tracks, `track_of(user)`) are another helper's work; until they land every
    user studies the default pack ("saa", else the first loaded one) by its track blueprint.
    TODO(lead): return the blueprint of `track_of(user_id)` here once bot.tracks is merged.
    """
    packs = [p for p in bank.blueprints if bank.blueprints[p]]
    if not packs:
        return None
    pack = DEFAULT_PACK if DEFAULT_PACK in packs else packs[0]
    return bank.track_blueprint(pack)
