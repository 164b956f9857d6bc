"""A question's header names its domain in the student's track's blueprint: the course's
labels for a student on the second blueprint, the default's for one on the default."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.console.session import ConsoleSession
from bot.app import App
from bot.content.importer import import_paths
from bot.tutor import Tutor
from bot.views import UserRef

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


async def test_the_terminal_heads_questions_by_the_students_track(app: App) -> None:
    await import_paths(app.engine, [MULTIPACK])
    app.tutor.forget_bank()
    for name, track, labels in (("ada", "multi/old-exam", OLD), ("bob", "multi", NEW)):
        out = io.StringIO()
        session = ConsoleSession(app.tutor, UserRef("console", name, name), out=out)
        assert await session.handle(f"/track {track}")
        for _ in range(3):
            assert await session.handle("/quiz")
            header = out.getvalue().rsplit("[", 1)[1].split(" · ", 1)[0]
            assert header in labels, out.getvalue()
            await session.handle("A")
