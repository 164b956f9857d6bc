from bot.app import App
from bot.views import UserRef


async def test_question_and_answer_roundtrip(app: App) -> None:
    ref = UserRef("test", "1", "Ada")
    view = await app.tutor.next_question(ref)
    fb = await app.tutor.answer(ref, view.ask_id, "".join(view.letters[: view.select]))
    assert fb.ask_id == view.ask_id
    stats = await app.tutor.stats(ref)
    assert stats.answered == 1
