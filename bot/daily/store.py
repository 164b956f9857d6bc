"""Deliveries in the database: plan, claim, record outcomes. Each call is one transaction.

Claims use SELECT ... FOR UPDATE SKIP LOCKED, so on PostgreSQL several `tutor run`
processes share the work with no duplicate and no miss (on SQLite the clause is dropped and
one process sweeps at a time; see bot/daily/sweeper.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, bindparam, exists, func, select, update

from bot.daily.bulk import insert_rows, update_rows
from bot.daily.planning import Plan, first_due, plan_user
from bot.ports import ConceptDue, DomainCounts, ReviewState
from bot.store.database import Database
from bot.store.models import Ask, ConceptCard, Delivery, Identity, Review, User
from bot.store.sql import domain_counts
from bot.store.statements import dialect_insert, in_ids

USERS: Table = User.__table__  # type: ignore[assignment]
DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]
ASKS: Table = Ask.__table__  # type: ignore[assignment]

PENDING, SENDING, SENT = "pending", "sending", "sent"
NOTHING_TO_ASK = "no question to ask or no platform to reach"
BLOCKED, FAILED, UNKNOWN, EXPIRED = "blocked", "failed", "unknown", "expired"
STATUSES = (PENDING, SENDING, SENT, BLOCKED, FAILED, UNKNOWN, EXPIRED)


@dataclass(frozen=True)
class UserState:
    """What choosing a user's daily question needs to know about them."""

    reviews: list[ReviewState]
    domain_counts: DomainCounts  # (pack, blueprint, domain) -> (n, correct)
    track: str | None = None  # the user's stored track (bot.tracks)
    due: list[ConceptDue] = field(default_factory=list)  # concept cards due now


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
    track: str | None = None  # the user's stored track: the header names its domain


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


@dataclass(frozen=True)
class Planned:
    seen: int  # due users looked at (0: nobody left to plan)
    added: int  # deliveries inserted
    claims: list[Claim]  # those of them to send now


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
            Delivery.claimed_at,
            Delivery.last_error,
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
    async def plan_and_claim(
        self, now: datetime, platforms: Sequence[str], limit: int, choose: ChooseAsk
    ) -> Planned:
        """Plan up to `limit` due users and claim their deliveries for this process at once:
        each delivery is inserted already claimed, with its ask, and written once more when
        its send is recorded (two writes a delivery). One transaction."""
        return await self.db.write(self._plan_and_claim, now, tuple(platforms), limit, choose)

    def _plan_and_claim(
        self,
        conn: Connection,
        now: datetime,
        platforms: tuple[str, ...],
        limit: int,
        choose: ChooseAsk,
    ) -> Planned:
        rows = conn.execute(due_users(now, platforms, limit)).all()
        if not rows:
            return Planned(0, 0, [])
        plans = {r.id: plan_user(r.next_due_at, now, r.daily_time, r.timezone) for r in rows}
        wanted = {u: p.delivery for u, p in plans.items() if p.delivery is not None}
        update_rows(
            conn, USERS, "uid", [{"uid": u, "next_due_at": p.next_due_at} for u, p in plans.items()]
        )
        if wanted:
            # A delivery for that local date may exist already (e.g. the time was changed
            # after it was sent): those users get nothing more today.
            earliest = min(d.local_date for d in wanted.values())
            taken = conn.execute(
                select(Delivery.user_id, Delivery.local_date).where(
                    in_ids(conn, Delivery.user_id, list(wanted)), Delivery.local_date >= earliest
                )
            )
            for user_id, local in taken:
                if user_id in wanted and wanted[user_id].local_date == local:
                    del wanted[user_id]
        if not wanted:
            return Planned(len(rows), 0, [])
        user_ids = list(wanted)
        targets = self._targets(conn, user_ids, platforms)
        states = self._user_states(conn, user_ids, now)
        picked = {u: choose(u, states[u]) for u in user_ids}
        asking = [u for u in user_ids if picked[u] is not None and u in targets]
        ask_of = self._insert_asks(conn, [(u, picked[u]) for u in asking], now)  # type: ignore[misc]
        values = []
        for user_id, day in wanted.items():
            ask_id = ask_of.get(user_id)
            values.append(
                {
                    "user_id": user_id, "local_date": day.local_date, "due_at": day.due_at,
                    "expires_at": day.expires_at, "not_before": day.due_at,
                    "maybe_duplicates": 0, "message_ref": None, "sent_at": None,
                    "status": SENDING if ask_id is not None else FAILED,
                    "attempts": 1 if ask_id is not None else 0,
                    "claimed_at": now if ask_id is not None else None,
                    "ask_id": ask_id,
                    "last_error": None if ask_id is not None else NOTHING_TO_ASK,
                }
            )  # fmt: skip
        # Count the rows RETURNING gives back: asyncpg reports no rowcount for a batch.
        added = insert_rows(
            conn, DELIVERIES, values, ("id", "user_id", "ask_id"), ("user_id", "local_date")
        )
        claims = []
        for delivery_id, user_id, ask_id in added:
            if ask_id is None:
                continue
            target, new = targets[user_id], picked[user_id]
            assert new is not None
            day = wanted[user_id]
            claims.append(
                Claim(
                    delivery_id, user_id, target[0], target[1], day.local_date, day.expires_at,
                    1, 0, ask_id, new.question_key, new.option_order, target[2],
                )
            )  # fmt: skip
        return Planned(len(rows), len(added), claims)

    async def claim(
        self, now: datetime, platforms: Sequence[str], limit: int, choose: ChooseAsk
    ) -> list[Claim]:
        """Claim up to `limit` pending deliveries (retries, and any planned by `plan`); give
        those without one an ask, its question picked by `choose` from the user's state.
        One transaction; each delivery row is written once here."""
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
        user_ids = [r.user_id for r in rows]
        targets = self._targets(conn, user_ids, platforms)
        asks = self._existing_asks(conn, [r.ask_id for r in rows if r.ask_id is not None])
        need_ask = [r for r in rows if r.ask_id not in asks and r.user_id in targets]
        new: dict[int, NewAsk] = {}  # one new ask per user
        if need_ask:
            states = self._user_states(conn, [r.user_id for r in need_ask], now)
            for r in need_ask:
                picked = choose(r.user_id, states[r.user_id])
                if picked is not None and r.user_id not in new:
                    new[r.user_id] = picked
        ask_by_user = self._insert_asks(conn, list(new.items()), now)
        for user_id, a in new.items():
            asks[ask_by_user[user_id]] = (a.question_key, a.option_order)
        claims, changes = [], []
        for r in rows:
            linked = r.ask_id if r.ask_id in asks else ask_by_user.get(r.user_id)
            target = targets.get(r.user_id)
            if linked is None or target is None:  # nothing to ask, or no way to reach them
                changes.append({"did": r.id, "status": FAILED, "claimed_at": r.claimed_at,
                                "attempts": r.attempts, "ask_id": r.ask_id,
                                "last_error": NOTHING_TO_ASK})  # fmt: skip
                continue
            question_key, order = asks[linked]
            changes.append({"did": r.id, "status": SENDING, "claimed_at": now,
                            "attempts": r.attempts + 1, "ask_id": linked,
                            "last_error": r.last_error})  # fmt: skip
            claims.append(
                Claim(
                    r.id, r.user_id, target[0], target[1], r.local_date, r.expires_at,
                    r.attempts + 1, r.maybe_duplicates, linked, question_key, order, target[2],
                )
            )  # fmt: skip
        update_rows(conn, DELIVERIES, "did", changes)
        return claims

    @staticmethod
    def _insert_asks(
        conn: Connection, new: list[tuple[int, NewAsk]], now: datetime
    ) -> dict[int, int]:
        """Insert the daily asks, one per user, in one statement: user id -> ask id."""
        if not new:
            return {}
        rows = [
            {
                "user_id": user_id, "group_key": None, "question_id": a.question_key,
                "option_order": ",".join(map(str, a.option_order)), "purpose": "daily",
                "created_at": now, "message_ref": None,
            }
            for user_id, a in new
        ]  # fmt: skip
        returned = insert_rows(conn, ASKS, rows, ("id", "user_id"))
        return {user_id: ask_id for ask_id, user_id in returned}

    @staticmethod
    def _targets(
        conn: Connection, user_ids: list[int], platforms: tuple[str, ...]
    ) -> dict[int, tuple[str, str, str | None]]:
        """user id -> (platform, external id, stored track) of the first identity there."""
        # Filter by user in SQL (its index) and by platform here: with both in SQL, SQLite
        # picks the (platform, external_id) index and scans every identity of the platform.
        rows = conn.execute(
            select(Identity.user_id, Identity.platform, Identity.external_id, User.track)
            .join(User, User.id == Identity.user_id)
            .where(in_ids(conn, Identity.user_id, user_ids))
            .order_by(Identity.id)
        )
        targets: dict[int, tuple[str, str, str | None]] = {}
        for user_id, platform, external_id, track in rows:
            if platform in platforms:
                targets.setdefault(user_id, (platform, external_id, track))
        return targets

    @staticmethod
    def _existing_asks(
        conn: Connection, ask_ids: list[int]
    ) -> dict[int, tuple[int, tuple[int, ...]]]:
        if not ask_ids:
            return {}
        rows = conn.execute(
            select(Ask.id, Ask.question_id, Ask.option_order).where(in_ids(conn, Ask.id, ask_ids))
        )
        return {i: (q, tuple(int(x) for x in order.split(","))) for i, q, order in rows}

    @staticmethod
    def _user_states(conn: Connection, user_ids: list[int], now: datetime) -> dict[int, UserState]:
        # No cards: the picker reads how each question went and which concepts are due.
        reviews: dict[int, list[ReviewState]] = defaultdict(list)
        query = select(
            Review.user_id, Review.question_id, Review.last_correct, Review.last_seen_at
        ).where(in_ids(conn, Review.user_id, user_ids))
        for r in conn.execute(query):
            reviews[r.user_id].append(ReviewState(r.question_id, r.last_correct, r.last_seen_at))
        due: dict[int, list[ConceptDue]] = defaultdict(list)
        cards = select(
            ConceptCard.user_id, ConceptCard.pack_id, ConceptCard.concept, ConceptCard.due,
            ConceptCard.last_question_id,
        ).where(in_ids(conn, ConceptCard.user_id, user_ids), ConceptCard.due <= now)  # fmt: skip
        for c in conn.execute(cards):
            due[c.user_id].append(ConceptDue(c.pack_id, c.concept, c.due, c.last_question_id))
        counts = domain_counts(conn, user_ids)
        chosen = dict(
            conn.execute(select(User.id, User.track).where(in_ids(conn, User.id, user_ids))).all()
        )
        return {u: UserState(reviews[u], counts[u], chosen.get(u), due[u]) for u in user_ids}

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
        # The message id is kept on the delivery only: its ask is not written again.
        update_rows(conn, DELIVERIES, "did", rows, extra=DELIVERIES.c.status == SENDING)
        blocked = [o.user_id for o in outcomes if o.status == BLOCKED]
        if blocked:
            conn.execute(update(User).where(in_ids(conn, User.id, blocked)).values(active=False))

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
