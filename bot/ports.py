"""The interfaces the core needs from the outside world. Tests use fakes of these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.bank import Bank
from bot.views import GroupAnswer


@dataclass(frozen=True)
class UserRow:
    id: int
    display_name: str
    active: bool
    timezone: str
    daily_time: str
    daily_enabled: bool


@dataclass(frozen=True)
class AskRow:
    id: int
    user_id: int | None
    group_key: str | None
    question_key: int
    option_order: tuple[int, ...]
    purpose: str
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class ReviewState:
    question_key: int
    card: dict[str, Any]
    due: datetime
    last_correct: bool
    last_seen_at: datetime


@dataclass(frozen=True)
class AnswerRecord:
    ask_id: int
    user_id: int
    question_key: int
    domain: str
    chosen: tuple[int, ...]
    correct: bool
    answered_at: datetime
    card: dict[str, Any]
    due: datetime
    close_ask: bool


class TutorStore(Protocol):
    """Persistence for the tutor engine. Each method is one short transaction."""

    async def content_revision(self) -> int: ...

    async def load_bank(self) -> Bank: ...

    async def user_for(
        self, platform: str, external_id: str, display_name: str, now: datetime, timezone: str
    ) -> UserRow: ...

    async def create_ask(
        self,
        user_id: int | None,
        group_key: str | None,
        question_key: int,
        option_order: tuple[int, ...],
        purpose: str,
        now: datetime,
    ) -> int: ...

    async def get_ask(self, ask_id: int) -> AskRow | None: ...

    async def latest_open_ask(self, user_id: int) -> AskRow | None: ...

    async def has_answered(self, ask_id: int, user_id: int) -> bool: ...

    async def review_of(self, user_id: int, question_key: int) -> ReviewState | None: ...

    async def reviews_of(self, user_id: int) -> list[ReviewState]: ...

    async def recent_question_keys(self, user_id: int, limit: int) -> list[int]: ...

    async def record_answer(self, record: AnswerRecord) -> bool:
        """Store an answer; False (and nothing changed) if this user already answered the ask."""
        ...

    async def answer_counts(self, user_id: int) -> list[tuple[str, str, int, int]]:
        """(pack, domain, answered, correct) per domain the user has answered in."""
        ...

    async def group_answers(self, ask_id: int) -> list[GroupAnswer]: ...

    async def set_message_ref(self, ask_id: int, ref: str) -> None: ...

    async def update_user(self, user_id: int, **values: object) -> None:
        """Change daily settings or the active flag (keys: timezone, daily_time, ...)."""
        ...
