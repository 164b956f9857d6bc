"""A fake GamePublisher (our port): it keeps what was posted and edited, like a channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from bot.bank import Bank
from bot.games.ports import ChannelGone
from bot.games.views import GameView, RoundView, Venue

V = TypeVar("V")


@dataclass
class FakePublisher:
    platform: str = "telegram"
    posts: list[tuple[Venue, GameView, str]] = field(default_factory=list)
    edits: list[tuple[str, GameView]] = field(default_factory=list)
    fail_posts: int = 0  # the next N posts raise, as a platform outage would
    gone: bool = False  # the bot was removed from every channel

    async def post(self, venue: Venue, view: GameView) -> str:
        if self.gone:
            raise ChannelGone("bot was kicked from the group chat")
        if self.fail_posts:
            self.fail_posts -= 1
            raise ConnectionError("platform down")
        ref = f"{venue.channel}:{len(self.posts) + 1}"
        self.posts.append((venue, view, ref))
        return ref

    async def edit(self, venue: Venue, message_ref: str, view: GameView) -> None:
        self.edits.append((message_ref, view))

    def posted(self, kind: type[V]) -> list[V]:
        return [v for _venue, v, _ref in self.posts if isinstance(v, kind)]

    def last(self, kind: type[V]) -> V:
        found = self.posted(kind)
        assert found, (
            f"no {kind.__name__} posted; posts: {[type(v).__name__ for _, v, _ in self.posts]}"
        )
        return found[-1]

    def edited(self, kind: type[V]) -> list[V]:
        return [v for _ref, v in self.edits if isinstance(v, kind)]


def right_letters(bank: Bank, view: RoundView) -> str:
    """The right letters of a posted round, read from the bank by option text."""
    question = next(q for q in bank.questions.values() if q.id == view.question.question_id)
    right = {o.text for o in question.options if o.correct}
    return "".join(o.letter for o in view.question.options if o.text in right)


def wrong_letters(bank: Bank, view: RoundView) -> str:
    right = right_letters(bank, view)
    wrong = [o.letter for o in view.question.options if o.letter not in right]
    return "".join(wrong[: len(right)])
