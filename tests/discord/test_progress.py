"""/stats with its chart attached and /misses with Retry/Why buttons: only the member sees
them, never the channel."""

from __future__ import annotations

from tests.discord.conftest import (
    Harness,
    custom_id,
    is_round,
    options_of,
    right_letters,
    wrong_letters,
)
from tests.discord.fake_discord import (
    EPHEMERAL,
    FakeDiscord,
    Json,
    Member,
    buttons,
    message_text,
)


async def test_stats_chart_and_misses_are_private(
    bot: Harness, fake: FakeDiscord, alice: Member
) -> None:
    assert {"stats", "misses"} <= {c["name"] for c in fake.commands["global"]}
    assert "No wrong answers" in await bot.notice(await fake.slash(alice, "misses"))

    await bot.notice(await fake.slash(alice, "quiz"))
    question = await bot.posted(is_round)
    wrong = wrong_letters(question)
    await bot.notice(await fake.click(alice, question, custom_id(question, wrong)))
    in_channel = {k: list(v) for k, v in fake.channel_messages.items()}

    stats = await bot.reply(await fake.slash(alice, "stats"))
    assert stats["flags"] & EPHEMERAL
    assert "Answered 1 · right 0 (0%)" in message_text(stats)
    (chart,) = stats["attachments"]
    assert chart["filename"] == "progress.png"
    assert fake.attachments[chart["id"]].startswith(b"\x89PNG\r\n\x1a\n")

    listed = await bot.reply(await fake.slash(alice, "misses"))
    assert listed["flags"] & EPHEMERAL
    assert [b["label"] for b in buttons(listed)] == ["🔁 Retry 1", "📖 Why 1"]
    why = await bot.notice(await fake.click_label(alice, listed, "📖 Why 1"))
    assert "✓ " in why

    retry = await bot.reply(await fake.click_label(alice, listed, "🔁 Retry 1"))
    assert retry["flags"] & EPHEMERAL
    assert options_text(retry) == options_text(question)
    right = right_letters(retry)
    answered = await bot.notice(await fake.click(alice, retry, custom_id(retry, right)))
    assert "Correct" in answered or "✅" in answered
    assert {k: list(v) for k, v in fake.channel_messages.items()} == in_channel

    forged = await bot.notice(await fake.click(alice, listed, "mr:999999"))
    assert forged  # a private notice, nothing asked


def options_text(message: Json) -> set[str]:
    return set(options_of(message).values())
