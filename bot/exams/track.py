"""Which blueprint a student's exam follows: the blueprint of the student's track."""

from __future__ import annotations

from bot import tracks
from bot.bank import Bank, BlueprintData


def exam_blueprint(bank: Bank, track: tracks.Track) -> BlueprintData | None:
    """The blueprint of the user's track (`Tutor.track_of`); None when its pack is gone."""
    return tracks.blueprint_of(bank, track)
