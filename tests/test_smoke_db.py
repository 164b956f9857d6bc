from bot.app import App
from bot.views import UserRef
from tests.asking import next_question


async def test_question_and_answer_roundtrip(app: App) -> None:
    ref = UserRef("test", "1", "Ada")
    view = await next_question(app.tutor, ref)
    fb = await app.tutor.answer(ref, view.ask_id, "".join(view.letters[: view.select]))
    assert fb.ask_id == view.ask_id
    stats = await app.tutor.stats(ref)
    assert stats.answered == 1
