"""`/exam` on Discord through the real discord.py client against the fake: every exam
message is ephemeral, never posted in the channel."""

from __future__ import annotations

from tests.discord.conftest import Harness, right_letters, wrong_letters
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord, Member, buttons, message_text


def _button(message: dict[str, object], letters: str) -> str:
    for button in buttons(message):  # type: ignore[arg-type]
        if button.get("label", "").replace("+", "") == letters:
            return str(button["custom_id"])
    raise AssertionError(f"no button {letters}")


async def test_a_short_exam_is_private_and_scored(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    assert "exam" in {c["name"] for c in fake.commands["global"]}
    in_channel = bot.seen()
    started = await fake.slash(alice, "exam", [{"name": "action", "type": 3, "value": "short"}])
    question = await bot.reply(started)
    assert question["flags"] & EPHEMERAL
    assert "Question 1/3" in message_text(question) and "5:00 left" in message_text(question)
    assert all(b["custom_id"].startswith("ea:") for b in buttons(question))

    step = question
    for number, pick in ((2, right_letters), (3, wrong_letters)):
        click = await fake.click(alice, step, _button(step, pick(step)))
        step = await bot.reply(click)
        assert step["flags"] & EPHEMERAL and f"Question {number}/3" in message_text(step)
        assert "The answer is" not in message_text(step)  # no feedback until the end
    click = await fake.click(alice, step, _button(step, right_letters(step)))
    result = await bot.reply(click)
    text = message_text(result)
    assert result["flags"] & EPHEMERAL and "2/3 (67%)" in text and "Per domain:" in text
    review = await bot.reply(await fake.click_label(alice, result, "Review misses (1)"))
    assert review["flags"] & EPHEMERAL and "The answer is" in message_text(review)
    history = await fake.slash(alice, "exam", [{"name": "action", "type": 3, "value": "history"}])
    assert "2/3 (67%)" in await bot.notice(history)
    assert bot.seen() == in_channel  # nothing of the exam reached the channel
