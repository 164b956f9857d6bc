"""Deliveries in the database: plan, claim, record outcomes. Each call is one transaction.

Claims use SELECT ... FOR UPDATE SKIP LOCKED, so on PostgreSQL several `tutor run`
processes share the work with no duplicate and no miss (on SQLite the clause is dropped and
one process sweeps at a time; see bot/daily/sweeper.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, bindparam, exists, func, select, update

from bot.daily.bulk import update_rows
from bot.daily.planning import Plan, first_due, plan_user
from bot.ports import ReviewState
from bot.store.database import Database
from bot.store.models import Ask, Delivery, Identity, Review, User
from bot.store.sql import domain_counts
from bot.store.statements import dialect_insert, user_in

USERS: Table = User.__table__  # type: ignore[assignment]
DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]
ASKS: Table = Ask.__table__  # type: ignore[assignment]

PENDING, SENDING, SENT = "pending", "sending", "sent"
BLOCKED, FAILED, UNKNOWN, EXPIRED = "blocked", "failed", "unknown", "expired"
STATUSES = (PENDING, SENDING, SENT, BLOCKED, FAILED, UNKNOWN, EXPIRED)


@dataclass(frozen=True)
class UserState:
    """What choosing a user's daily question needs to know about them."""

    reviews: list[ReviewState]
    domain_counts: dict[tuple[str, str], tuple[int, int]]  # (pack, domain) -> (n, correct)


@dataclass(frozen=True)
class NewAsk:
    question_key: int
    option_order: tuple[int, ...]


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    user_id: int
    platform: str
    external_id: str
    local_date: date
    expires_at: datetime
    attempts: int
    maybe_duplicates: int
    ask_id: int
    question_key: int
    option_order: tuple[int, ...]


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    user_id: int
    status: str  # SENT, BLOCKED, PENDING (retry), UNKNOWN, FAILED
    ask_id: int
    not_before: datetime | None = None
    message_ref: str | None = None
    maybe_duplicates: int = 0
    error: str | None = None


ChooseAsk = Callable[[int, UserState], NewAsk | None]


def due_users(now: datetime, platforms: Sequence[str], batch: int) -> Any:
    """Users whose daily question is due, reachable on one of `platforms` (the planner)."""
    reachable = exists().where(Identity.user_id == User.id, Identity.platform.in_(platforms))
    return (
        select(User.id, User.next_due_at, User.daily_time, User.timezone)
        .where(
            User.active.is_(True),
            User.daily_enabled.is_(True),
            User.next_due_at <= now,
            reachable,
        )
        .order_by(User.next_due_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def pending_claims(now: datetime, limit: int) -> Any:
    """Pending deliveries whose time has come, oldest first, locked for this claim."""
    return (
        select(
            Delivery.id,
            Delivery.user_id,
            Delivery.local_date,
            Delivery.expires_at,
            Delivery.attempts,
            Delivery.maybe_duplicates,
            Delivery.ask_id,
        )  # fmt: skip
        .where(
            Delivery.status == PENDING,
            Delivery.not_before <= now,
            Delivery.expires_at > now,
        )
        .order_by(Delivery.not_before, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


class DailyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- planning ------------------------------------------------------------------------
    async def schedule_unscheduled(self, now: datetime, batch: int = 5000) -> int:
        """Give users without a next_due_at (new, or from before the daily push) one."""
        return await self.db.write(self._schedule_unscheduled, now, batch)

    def _schedule_unscheduled(self, conn: Connection, now: datetime, batch: int) -> int:
        rows = conn.execute(
            select(User.id, User.daily_time, User.timezone)
            .where(User.next_due_at.is_(None))
            .limit(batch)
        ).all()
        if rows:
            conn.execute(
                update(USERS).where(USERS.c.id == bindparam("uid")),
                [
                    {"uid": r.id, "next_due_at": first_due(now, r.daily_time, r.timezone)}
                    for r in rows
                ],
            )
        return len(rows)

    async def plan(self, now: datetime, platforms: Sequence[str], batch: int = 2000) -> int:
        """Insert a delivery for every user now due (once per local date) and move each
        user's next_due_at to their next day. Returns the number of deliveries added."""
        total = 0
        while True:
            added, seen = await self.db.write(self._plan_batch, now, tuple(platforms), batch)
            total += added
            if seen < batch:
                return total

    def _plan_batch(
        self, conn: Connection, now: datetime, platforms: tuple[str, ...], batch: int
    ) -> tuple[int, int]:
        rows = conn.execute(due_users(now, platforms, batch)).all()
        if not rows:
            return 0, 0
        plans: list[tuple[int, Plan]] = [
            (r.id, plan_user(r.next_due_at, now, r.daily_time, r.timezone)) for r in rows
        ]
        deliveries = [
            {
                "user_id": user_id,
                "local_date": p.delivery.local_date,
                "due_at": p.delivery.due_at,
                "expires_at": p.delivery.expires_at,
                "status": PENDING,
                "not_before": p.delivery.due_at,
                "attempts": 0,
                "maybe_duplicates": 0,
            }
            for user_id, p in plans
            if p.delivery is not None
        ]
        added = 0
        if deliveries:
            insert = dialect_insert(conn.dialect.name, DELIVERIES).on_conflict_do_nothing(
                index_elements=["user_id", "local_date"]
            )
            # Count the rows RETURNING gives back: asyncpg reports no rowcount for a batch.
            added = len(conn.execute(insert.returning(DELIVERIES.c.id), deliveries).all())
        update_rows(
            conn, USERS, "uid", [{"uid": uid, "next_due_at": p.next_due_at} for uid, p in plans]
        )
        return added, len(rows)

    # -- upkeep ----------------------------------------------------------------------------
    async def expire(self, now: datetime) -> int:
        """Pending deliveries whose local day is over will not be sent."""
        return await self.db.write(self._expire, now)

    @staticmethod
    def _expire(conn: Connection, now: datetime) -> int:
        result = conn.execute(
            update(Delivery)
            .where(Delivery.status == PENDING, Delivery.expires_at <= now)
            .values(status=EXPIRED, last_error="the user's local day ended first")
        )
        return result.rowcount or 0

    async def reclaim_stale(self, now: datetime, lease: timedelta) -> int:
        """Sends claimed by a process that died (or hung) past the lease go back to pending.
        They may have reached the user already, so each counts as a possible duplicate."""
        return await self.db.write(self._reclaim_stale, now - lease)

    @staticmethod
    def _reclaim_stale(conn: Connection, cutoff: datetime) -> int:
        result = conn.execute(
            update(Delivery)
            .where(Delivery.status == SENDING, Delivery.claimed_at < cutoff)
            .values(status=PENDING, maybe_duplicates=Delivery.maybe_duplicates + 1)
        )
        return result.rowcount or 0

    # -- claiming --------------------------------------------------------------------------
    async def claim(
        self, now: datetime, platforms: Sequence[str], limit: int, choose: ChooseAsk
    ) -> list[Claim]:
        """Claim up to `limit` pending deliveries; give those without one an ask, its
        question picked by `choose` from the user's state. One transaction."""
        return await self.db.write(self._claim, now, tuple(platforms), limit, choose)

    def _claim(
        self,
        conn: Connection,
        now: datetime,
        platforms: tuple[str, ...],
        limit: int,
        choose: ChooseAsk,
    ) -> list[Claim]:
        rows = conn.execute(pending_claims(now, limit)).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        conn.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(status=SENDING, claimed_at=now, attempts=Delivery.attempts + 1)
        )
        user_ids = [r.user_id for r in rows]
        targets = self._targets(conn, user_ids, platforms)
        asks = self._existing_asks(conn, [r.ask_id for r in rows if r.ask_id is not None])
        need_ask = [r for r in rows if r.ask_id is None or r.ask_id not in asks]
        new: list[tuple[Any, NewAsk]] = []
        if need_ask:
            states = self._user_states(conn, [r.user_id for r in need_ask])
            for r in need_ask:
                picked = choose(r.user_id, states[r.user_id])
                if picked is not None:
                    new.append((r, picked))
        ask_of: dict[int, int] = {}  # delivery id -> its new ask
        if new:
            # Asks are matched to deliveries by user (one delivery per user in a batch
            # but for rare catch-ups); SQLite then inserts them in one statement.
            by_user = len({r.user_id for r, _a in new}) == len(new)
            returned = conn.execute(
                ASKS.insert().returning(
                    ASKS.c.id, ASKS.c.user_id, sort_by_parameter_order=not by_user
                ),
                [
                    {
                        "user_id": r.user_id,
                        "group_key": None,
                        "question_id": a.question_key,
                        "option_order": ",".join(map(str, a.option_order)),
                        "purpose": "daily",
                        "created_at": now,
                        "message_ref": None,
                    }
                    for r, a in new
                ],
            ).all()
            created: list[tuple[int, int]] = [(row[0], row[1]) for row in returned]
            if by_user:
                ask_by_user = {user_id: ask_id for ask_id, user_id in created}
                created = [(ask_by_user[r.user_id], r.user_id) for r, _a in new]
            for (r, a), (ask_id, _user_id) in zip(new, created, strict=True):
                asks[ask_id] = (a.question_key, a.option_order)
                ask_of[r.id] = ask_id
            update_rows(
                conn, DELIVERIES, "did", [{"did": d, "ask_id": a} for d, a in ask_of.items()]
            )
        claims = []
        for r in rows:
            linked = r.ask_id if r.ask_id in asks else ask_of.get(r.id)
            target = targets.get(r.user_id)
            if linked is None or target is None:
                continue  # nothing to ask, or no way to reach them: marked failed below
            question_key, order = asks[linked]
            claims.append(
                Claim(
                    r.id, r.user_id, target[0], target[1], r.local_date, r.expires_at,
                    r.attempts + 1, r.maybe_duplicates, linked, question_key, order,
                )
            )  # fmt: skip
        claimed = {c.delivery_id for c in claims}
        unreachable = [r.id for r in rows if r.id not in claimed]
        if unreachable:
            conn.execute(
                update(Delivery)
                .where(Delivery.id.in_(unreachable))
                .values(status=FAILED, last_error="no question to ask or no platform to reach")
            )
        return claims

    @staticmethod
    def _targets(
        conn: Connection, user_ids: list[int], platforms: tuple[str, ...]
    ) -> dict[int, tuple[str, str]]:
        # Filter by user in SQL (its index) and by platform here: with both in SQL, SQLite
        # picks the (platform, external_id) index and scans every identity of the platform.
        rows = conn.execute(
            select(Identity.user_id, Identity.platform, Identity.external_id)
            .where(Identity.user_id.in_(user_ids))
            .order_by(Identity.id)
        )
        targets: dict[int, tuple[str, str]] = {}
        for user_id, platform, external_id in rows:
            if platform in platforms:
                targets.setdefault(user_id, (platform, external_id))
        return targets

    @staticmethod
    def _existing_asks(
        conn: Connection, ask_ids: list[int]
    ) -> dict[int, tuple[int, tuple[int, ...]]]:
        if not ask_ids:
            return {}
        rows = conn.execute(
            select(Ask.id, Ask.question_id, Ask.option_order).where(Ask.id.in_(ask_ids))
        )
        return {i: (q, tuple(int(x) for x in order.split(","))) for i, q, order in rows}

    @staticmethod
    def _user_states(conn: Connection, user_ids: list[int]) -> dict[int, UserState]:
        # No cards: the picker reads only when each question is due and how it went.
        reviews: dict[int, list[ReviewState]] = defaultdict(list)
        query = select(
            Review.user_id, Review.question_id, Review.due, Review.last_correct,
            Review.last_seen_at,
        ).where(user_in(conn, Review.user_id, user_ids))  # fmt: skip
        for r in conn.execute(query):
            reviews[r.user_id].append(
                ReviewState(r.question_id, {}, r.due, r.last_correct, r.last_seen_at)
            )
        counts = domain_counts(conn, user_ids)
        return {u: UserState(reviews[u], counts[u]) for u in user_ids}

    # -- outcomes --------------------------------------------------------------------------
    async def finish(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        if outcomes:
            await self.db.write(self._finish, list(outcomes), now)

    @staticmethod
    def _finish(conn: Connection, outcomes: list[Outcome], now: datetime) -> None:
        rows = [
            {
                "did": o.delivery_id,
                "status": o.status,
                "sent_at": now if o.status == SENT else None,
                "message_ref": o.message_ref,
                "not_before": o.not_before or now,
                "maybe_duplicates": o.maybe_duplicates,
                "last_error": (o.error or None) and o.error[:300],
            }
            for o in outcomes
        ]
        update_rows(conn, DELIVERIES, "did", rows, extra=DELIVERIES.c.status == SENDING)
        sent = [
            {"aid": o.ask_id, "message_ref": o.message_ref} for o in outcomes if o.status == SENT
        ]
        update_rows(conn, ASKS, "aid", sent)
        blocked = [o.user_id for o in outcomes if o.status == BLOCKED]
        if blocked:
            conn.execute(update(User).where(User.id.in_(blocked)).values(active=False))

    # -- reporting -------------------------------------------------------------------------
    async def counts(self, day: date, due_as_of: datetime | None = None) -> dict[str, int]:
        """Deliveries for local date `day` per status; with `due_as_of`, also how many users
        are due by then but not planned yet (meaningful for today only)."""
        return await self.db.read(self._counts, day, due_as_of)

    @staticmethod
    def _counts(conn: Connection, day: date, due_as_of: datetime | None) -> dict[str, int]:
        result = {status: 0 for status in STATUSES}
        for status, n in conn.execute(
            select(Delivery.status, func.count())
            .where(Delivery.local_date == day)
            .group_by(Delivery.status)
        ):
            result[status] = int(n)
        result["maybe_duplicates"] = int(
            conn.scalar(
                select(func.coalesce(func.sum(Delivery.maybe_duplicates), 0)).where(
                    Delivery.local_date == day
                )
            )
            or 0
        )
        result["due_unplanned"] = 0
        if due_as_of is not None:  # users whose time has come but whom no sweep planned yet
            result["due_unplanned"] = int(
                conn.scalar(
                    select(func.count())
                    .select_from(User)
                    .where(
                        User.active.is_(True),
                        User.daily_enabled.is_(True),
                        User.next_due_at <= due_as_of,
                    )
                )
                or 0
            )
        return result
