"""Text read on a phone: authored line breaks re-flowed once when the bank is loaded, a
one-line header (short domain label, ★★☆), options named by letter and first words."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.app import start
from bot.text import gist, stars
from bot.views import Feedback, OptionFeedback, UserRef
from tests.asking import next_question
from tests.conftest import MINIPACK, settings_for

ONE_LINE = "Footage is rarely read after 30 days but must be kept for years. What is cheapest?"


def test_stars_and_gist() -> None:
    assert (stars(1), stars(2), stars(3)) == ("★☆☆", "★★☆", "★★★")
    assert gist("Expedited retrievals") == "Expedited retrievals"
    assert gist("A lifecycle rule moving objects to Glacier") == "A lifecycle rule moving objects…"
    assert gist("Supercalifragilistic" * 4).endswith("…")
    assert len(gist("Supercalifragilistic" * 4)) <= 40


def test_feedback_names_options_by_letter_and_words() -> None:
    options = (
        OptionFeedback("A", "Keep everything in S3 Standard forever", "Costly.", False, True),
        OptionFeedback("B", "Glacier", "Cheap.", True, False),
    )
    fb = Feedback(1, "q", False, ("A",), ("B",), options, "", ())
    assert (
        fb.verdict
        == "You chose A (“Keep everything in S3 Standard…”); the answer is B (“Glacier”)."
    )


async def test_the_loaded_bank_flows_and_headers_are_short(db_url: str, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(MINIPACK, pack)
    meta = pack / "pack.yaml"
    meta.write_text(
        meta.read_text().replace(
            "title: Design}",
            "title: 'Design resilient, cost-aware, scalable systems', short: Resilient design}",
        )
    )
    storage = pack / "storage.yaml"
    storage.write_text(
        storage.read_text().replace(
            f"    scenario: {ONE_LINE}",
            "    scenario: |\n      Footage is rarely read after 30 days\n"
            "      but must be kept for years.\n\n      What is cheapest?",
        )
    )
    app = await start(settings_for(db_url, pack))
    try:
        bank = await app.tutor.bank()
        scenario = next(q.scenario for q in bank.questions.values() if q.id == "s3-archive")
        assert scenario == ONE_LINE.replace(" What", "\n\nWhat")
        view = await next_question(app.tutor, UserRef("test", "1"))
        label, _, difficulty = view.header.partition(" · ")
        assert label in ("Resilient design", "Security")  # the short label, not the title
        assert difficulty == stars(view.difficulty)
    finally:
        await app.close()
