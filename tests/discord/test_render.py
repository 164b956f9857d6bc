"""Rendering keeps Discord's limits whatever the bank holds (no network needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.discord import buttons, games, render
from bot.games.views import InviteView, RevealView, RoundAnswer
from bot.views import (
    ConceptView,
    Feedback,
    GroupAnswer,
    OptionFeedback,
    OptionView,
    QuestionView,
)

LONG = "word " * 2000


def embed_size(embed: object) -> int:
    data = embed.to_dict()  # type: ignore[attr-defined]
    fields = data.get("fields", [])
    for f in fields:
        assert len(f["name"]) <= 256 and len(f["value"]) <= 1024
    assert len(fields) <= 25
    assert len(data.get("description", "")) <= 4096
    assert len(data.get("title", "")) <= 256
    return (
        len(data.get("title", ""))
        + len(data.get("description", ""))
        + len(data.get("footer", {}).get("text", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )


def question(select: int = 1) -> QuestionView:
    options = tuple(OptionView("ABCDEF"[i], f"option {i} " + "x" * 400) for i in range(6))
    return QuestionView(7, "q", LONG, options, select, "Design *secure* architectures", 3,
                        "group")  # fmt: skip


def test_a_huge_question_keeps_its_options_and_every_limit() -> None:
    embed = render.question(question())
    assert embed_size(embed) <= 6000
    description = embed.description or ""
    assert description.count("**F.**") == 1 and "…" in description  # the scenario gave way


def test_multi_answer_questions_get_at_most_25_buttons_with_short_ids() -> None:
    for select in (1, 2, 3):
        view = buttons.question_view(question(select))
        assert len(view.children) <= 25
        for item in view.children:
            data = item.to_component_dict()  # type: ignore[attr-defined]
            assert len(data["custom_id"]) <= 100 and len(data["label"]) <= 80
    assert [i.to_component_dict()["label"] for i in buttons.question_view(question(2)).children][
        :2
    ] == ["A+B", "A+C"]  # type: ignore[attr-defined]


def test_long_feedback_reveals_and_names_stay_within_limits() -> None:
    options = tuple(OptionFeedback("ABCDEF"[i], "t", LONG, i == 0, i == 1) for i in range(6))
    concepts = tuple(ConceptView(f"c{i}", f"Concept {i}", "T", "cat", "s", "e") for i in range(30))
    fb = Feedback(1, "q", False, ("B",), ("A",), options, LONG, concepts, "group", 3)
    assert embed_size(render.feedback(fb)) <= 6000
    crowd = [GroupAnswer("@everyone " + "n" * 90, i % 2 == 0) for i in range(500)]
    reveal = render.reveal(fb, crowd)
    assert embed_size(reveal) <= 6000
    assert "@everyone" not in (reveal.to_dict()["fields"][-1]["value"])  # no mass pings
    assert len(render.group_tally(crowd)) <= 2000
    assert len(render.import_refused([f"f.yaml:{i}:1: {LONG}" for i in range(900)])) <= 2000


def test_game_views_stay_within_limits() -> None:
    now = datetime.now(UTC)
    invite = games.game_message(
        InviteView(1, "A" * 300, "B" * 300, 5, "open", now + timedelta(minutes=2))
    )
    assert embed_size(invite["embed"]) <= 6000
    answers = tuple(RoundAnswer("n" * 100, "AC", True, 150) for _ in range(200))
    reveal = RevealView(1, "quiz", 1, 3, "q", ("A", "C"), (LONG, LONG), LONG, answers, ())
    assert embed_size(games.game_message(reveal)["embed"]) <= 6000
