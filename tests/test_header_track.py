"""A question's header names its domain in the student's track's blueprint: the course's
labels for a student on the second blueprint, the default's for one on the default."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from adapters.console.session import ConsoleSession
from bot.app import App
from bot.content.importer import import_paths
from bot.tracks import parse_choice
from bot.tutor import Tutor
from bot.views import UserRef
from tests.asking import next_question

MULTIPACK = Path(__file__).parent / "data" / "multipack"
# multi/new-exam (the default) and multi/old-exam name each question's domain differently
NEW = {"Secure", "Design cost-optimized architectures"}
OLD = {"Design", "Security"}


async def test_every_header_names_the_domain_of_the_blueprint_given(app: App) -> None:
    await import_paths(app.engine, [MULTIPACK])
    app.tutor.forget_bank()
    bank = await app.tutor.bank()
    multi = [q for q in bank.active_questions if q.pack == "multi"]
    assert multi
    for q in multi:
        order = tuple(range(len(q.options)))
        default = Tutor.view(bank, 1, q.key, order, "practice").domain
        assert default in NEW
        assert Tutor.view(bank, 1, q.key, order, "practice", "new-exam").domain == default
        assert Tutor.view(bank, 1, q.key, order, "practice", "old-exam").domain in OLD
        assert Tutor.view(bank, 1, q.key, order, "practice", "gone").domain == default
        unnamed = replace(q, concepts=())  # a review names its domain when it has no concept
        assert Tutor.review_label(bank, unnamed, "old-exam").removeprefix("🔁 Review · ") in OLD


async def test_the_terminal_heads_questions_by_the_students_track(app: App) -> None:
    await import_paths(app.engine, [MULTIPACK])
    app.tutor.forget_bank()
    for name, track, labels in (("ada", "multi/old-exam", OLD), ("bob", "multi", NEW)):
        out = io.StringIO()
        session = ConsoleSession(app.tutor, UserRef("console", name, name), out=out)
        assert await session.handle(f"/track {track}")
        # no buttons here: the menu keeps the typed form
        assert "Choose one with /track PACK or /track PACK/BLUEPRINT." in out.getvalue()
        for _ in range(3):
            assert await session.handle("/quiz")
            header = out.getvalue().rsplit("[", 1)[1].split(" · ", 1)[0]
            assert header in labels, out.getvalue()
            await session.handle("A")


async def test_misses_and_retries_name_the_domain_in_the_students_track(app: App) -> None:
    await import_paths(app.engine, [MULTIPACK])
    app.tutor.forget_bank()
    bank = await app.tutor.bank()
    titles = {"Design secure architectures", "Design cost-optimized architectures"}
    for name, track, labels, named in (
        ("ada", "multi/old-exam", OLD, OLD),  # the old exam's domains have titles only
        ("bob", "multi", NEW, titles),
    ):
        ref = UserRef("test", name, name)
        await app.tutor.set_track(ref, parse_choice(bank, track))
        for _ in range(8):  # answer "A" (or "AB") until one is wrong
            view = await next_question(app.tutor, ref)
            if not (await app.tutor.answer(ref, view.ask_id, "AB"[: view.select])).correct:
                break
        misses = await app.progress.misses(ref)
        assert misses and {m.domain for m in misses} <= named
        key = misses[0].question_key
        assert (await app.progress.miss(ref, key)).domain == misses[0].domain
        assert (await app.progress.retry(ref, key)).domain in labels
