"""SQLAlchemy 2 models. The schema itself is created only by the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the store keeps aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    daily_time: Mapped[str] = mapped_column(String(5), default="09:00")
    daily_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the next daily question is due (UTC); the planner's index.
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    best_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    streak_date: Mapped[date | None] = mapped_column(Date)  # local date of the last daily answered
    # What the user studies: "pack/blueprint" (bot.tracks); None means the default track.
    track: Mapped[str | None] = mapped_column(String(81))
    review_cap: Mapped[int] = mapped_column(Integer, server_default="30")


class Identity(Base):
    """A user's account on one platform: (platform, external id) -> user."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))


class Pack(Base):
    """A pack; its exam_* and pass_percent repeat those of its default blueprint."""

    __tablename__ = "packs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    exam_questions: Mapped[int] = mapped_column(Integer)
    exam_minutes: Mapped[int] = mapped_column(Integer)
    pass_percent: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))


class Blueprint(Base):
    """One exam blueprint of a pack; position 0 is the pack's default."""

    __tablename__ = "blueprints"

    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    exam_questions: Mapped[int] = mapped_column(Integer)
    exam_minutes: Mapped[int] = mapped_column(Integer)
    pass_percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)


class Domain(Base):
    __tablename__ = "domains"

    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    blueprint_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    short: Mapped[str] = mapped_column(String(24))  # "" when the pack gives none
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class Concept(Base):
    __tablename__ = "concepts"
    __table_args__ = (UniqueConstraint("pack_id", "slug", name="uq_concept_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    related: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(200), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("pack_id", "slug", name="uq_question_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    domain_id: Mapped[str] = mapped_column(String(40))  # in the pack's default blueprint
    # {blueprint id: domain id} for every blueprint of the pack (None only before 0004 ran
    # on a row whose pack vanished).
    domains: Mapped[dict[str, str] | None] = mapped_column(JSON)
    concepts: Mapped[list[str]] = mapped_column(JSON)
    difficulty: Mapped[int] = mapped_column(Integer)
    scenario: Mapped[str] = mapped_column(Text)
    # [{"text": ..., "correct": bool, "why": ...}, ...] in the order the author wrote them.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    select_count: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Ask(Base):
    """One question put to one user (or one group chat) at one moment.

    Buttons carry only the ask id and an option letter; everything else is looked up here.
    """

    __tablename__ = "asks"
    __table_args__ = (Index("ix_asks_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # For a group ask: "<platform>:<chat id>"; anyone in that chat may answer once.
    group_key: Mapped[str | None] = mapped_column(String(100))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    # Option indexes (into Question.options) in the order they were shown, e.g. "2,0,3,1".
    option_order: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    message_ref: Mapped[str | None] = mapped_column(String(100))
    # Set when the student moved on without answering (/quiz, then "skip"): kept, not dropped.
    skipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Attempt(Base):
    """An answer. UNIQUE(ask, user) is what makes a second press score nothing."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("ask_id", "user_id", name="uq_attempt_ask_user"),
        Index("ix_attempts_user_answered", "user_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    domain_id: Mapped[str] = mapped_column(String(40))
    chosen: Mapped[str] = mapped_column(String(40))
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # "sure" or "unsure", once, after a correct answer (bot.confidence); None: not said.
    confidence: Mapped[str | None] = mapped_column(String(10))


class Review(Base):
    """What one user did with one question: how often, how often wrong, how it went last and
    when. The spaced-repetition cards are per concept (ConceptCard); this is the history the
    choice (no repeat within 3 days, unseen first) and /stats read."""

    __tablename__ = "reviews"
    # SQLite only: the next question reads these columns for every question answered
    # (migration 0014)
    __table_args__ = (
        Index(
            "ix_reviews_user_seen", "user_id", "question_id", "last_correct", "last_seen_at"
        ).ddl_if(dialect="sqlite"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    last_correct: Mapped[bool] = mapped_column(Boolean)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    wrong: Mapped[int] = mapped_column(Integer, default=0)


class ConceptCard(Base):
    """Spaced-repetition state of one concept for one user (a py-fsrs card).

    Every answer reviews each concept of its question. `prev_card` and `ask_id` are the card
    before the latest review and the ask that review answered, so a "sure / unsure" tap on
    that answer can redo the review exactly (bot.confidence)."""

    __tablename__ = "concept_cards"
    __table_args__ = (Index("ix_concept_cards_user_due", "user_id", "due"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    concept: Mapped[str] = mapped_column(String(60), primary_key=True)  # the concept's slug
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(UtcDateTime)
    last_question_id: Mapped[int] = mapped_column(Integer)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ask_id: Mapped[int | None] = mapped_column(Integer)
    prev_card: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Delivery(Base):
    """One user's daily question for one local date: planned once, sent once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date", name="uq_delivery_user_date"),
        Index("ix_deliveries_claim", "status", "not_before"),
        Index("ix_deliveries_ask_id", "ask_id"),  # an answer finds its ask's delivery
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)  # end of that local day
    # pending -> sending -> sent | blocked | failed | unknown | expired
    status: Mapped[str] = mapped_column(String(10))
    not_before: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_ref: Mapped[str | None] = mapped_column(String(100))
    # Resends whose first try may have arrived: a timeout after the request left (at most
    # one), or a send in flight when its process died.
    maybe_duplicates: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))


class DomainCount(Base):
    """Answers and right answers per user x (pack, blueprint, domain), kept as answers are
    stored, so statistics cost the same after a year as on the first day. An answer counts
    once in each blueprint of its pack, under the question's domain there."""

    __tablename__ = "domain_counts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    blueprint_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    domain_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    answered: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)


class ChatTrack(Base):
    """A group chat's own track (bot.chat_tracks): what its games and channel daily
    question ask from. Keyed like Ask.group_key ("<platform>:<chat id>")."""

    __tablename__ = "chat_tracks"

    chat_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    track: Mapped[str] = mapped_column(String(81))  # "pack/blueprint"
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Meta(Base):
    """Small key/value facts about the database, e.g. the content revision."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Game(Base):
    """A duel, a group quiz or a single group question. Its deadline is when the scheduler's
    tick must act (expire the invitation, close the round, open the next one)."""

    __tablename__ = "games"
    __table_args__ = (
        Index("ix_games_deadline", "deadline"),
        Index("ix_games_channel", "platform", "channel", "status"),
        Index("ix_games_ask", "ask_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # duel | quiz | single
    platform: Mapped[str] = mapped_column(String(20))
    community: Mapped[str] = mapped_column(String(64))  # Discord guild / Telegram group
    channel: Mapped[str] = mapped_column(String(64))  # where its messages go
    # invited | running | finished | declined | cancelled | expired | stopped | stale
    status: Mapped[str] = mapped_column(String(10))
    phase: Mapped[str] = mapped_column(String(10))  # invite | round | pause | ""
    rounds: Mapped[int] = mapped_column(Integer)
    round_no: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id", ondelete="SET NULL"))
    round_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    round_seconds: Mapped[int] = mapped_column(Integer)
    message_ref: Mapped[str | None] = mapped_column(String(100))  # the invitation
    version: Mapped[int] = mapped_column(Integer)  # bumped by every transition


class GamePlayer(Base):
    __tablename__ = "game_players"
    __table_args__ = (Index("ix_game_players_user", "user_id"),)

    game_id: Mapped[int] = mapped_column(
        ForeignKey("games.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    seat: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)


class GameRound(Base):
    """Each round is an ask; its answers are the ordinary attempts."""

    __tablename__ = "game_rounds"
    __table_args__ = (UniqueConstraint("ask_id", name="uq_game_rounds_ask"),)

    game_id: Mapped[int] = mapped_column(
        ForeignKey("games.id", ondelete="CASCADE"), primary_key=True
    )
    round_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id", ondelete="CASCADE"))


class GameStanding(Base):
    """A member's duel rating and quiz points in one community ("<platform>:<id>")."""

    __tablename__ = "game_standings"
    __table_args__ = (
        Index("ix_game_standings_rating", "community", "rating"),
        Index("ix_game_standings_points", "community", "quiz_points"),
    )

    community: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    duels: Mapped[int] = mapped_column(Integer)
    wins: Mapped[int] = mapped_column(Integer)
    losses: Mapped[int] = mapped_column(Integer)
    draws: Mapped[int] = mapped_column(Integer)
    quiz_points: Mapped[int] = mapped_column(Integer)
    quizzes: Mapped[int] = mapped_column(Integer)


class ChannelDaily(Base):
    """A group channel's own daily question (e.g. a Discord study group's channel).

    Posted at the channel's local time for anyone there to answer; revealed (the answer,
    why, and who got it right) `reveal_at` later.
    """

    __tablename__ = "channel_dailies"
    __table_args__ = (UniqueConstraint("platform", "channel", name="uq_channel_daily"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(64))
    community: Mapped[str] = mapped_column(String(64))  # e.g. the Discord guild id
    daily_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # The question now open there, its message, and when to reveal it.
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id", ondelete="SET NULL"))
    message_ref: Mapped[str | None] = mapped_column(String(100))
    reveal_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class Exam(Base):
    """A timed exam simulation (bot.exams). `slots` holds, per question in exam order, the
    question, its ask, the option order shown and (once answered) the choice and whether it
    was right; `position` is the next slot to answer."""

    __tablename__ = "exams"
    __table_args__ = (
        Index("ix_exams_user_status", "user_id", "status"),
        Index("ix_exams_status_deadline", "status", "deadline"),  # the tick's expiry scan
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    pack_id: Mapped[str] = mapped_column(String(40))
    blueprint_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # full | short
    status: Mapped[str] = mapped_column(String(10))  # running | finished | expired | stopped
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pass_percent: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    slots: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    correct: Mapped[int] = mapped_column(Integer)


class QuestionReport(Base):
    """A student's report that a question is wrong, unclear, outdated or has a typo."""

    __tablename__ = "question_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
