"""Game state on SQLAlchemy Core: each method is one transaction on the store's Database.

A transition reads the game row (FOR UPDATE on PostgreSQL; SKIP LOCKED for the tick, so
several processes share due games without waiting on each other; on SQLite, which has no
row locks, after taking the database's write lock) and writes it back with
`WHERE version = <read version>`: should anyone else have moved the game in between, the
write matches nothing and the whole transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, text, update

from bot.games.errors import RoundClosed
from bot.games.machine import INVITE, OPEN, PAUSE, ROUND, Answer, Game, Seat
from bot.games.ports import Board, Change, Crowd, Decide, Snapshot, Standing
from bot.games.views import DUEL, Venue
from bot.ports import AnswerContext, AnswerRecord, AskRow
from bot.store.models import (
    Ask,
    Attempt,
    ChatTrack,
    GamePlayer,
    GameRound,
    GameStanding,
    User,
)
from bot.store.models import Game as GameRow
from bot.store.sql import SqlStore
from bot.store.statements import dialect_insert

GAMES: Table = GameRow.__table__  # type: ignore[assignment]
PLAYERS: Table = GamePlayer.__table__  # type: ignore[assignment]
ROUNDS: Table = GameRound.__table__  # type: ignore[assignment]
STANDINGS: Table = GameStanding.__table__  # type: ignore[assignment]
ASKS: Table = Ask.__table__  # type: ignore[assignment]
LETTERS = "ABCDEF"


class Conflict(Exception):
    """The game moved under this transaction (another process got there first)."""


def _game(row: Any, seats: tuple[Seat, ...]) -> Game:
    return Game(
        id=row.id, kind=row.kind, venue=Venue(row.platform, row.community, row.channel),
        status=row.status, phase=row.phase, rounds=row.rounds, round_no=row.round_no,
        deadline=row.deadline, created_by=row.created_by, created_at=row.created_at,
        seats=seats, ask_id=row.ask_id, round_started_at=row.round_started_at,
        round_seconds=row.round_seconds, message_ref=row.message_ref, version=row.version,
    )  # fmt: skip


def _game_values(game: Game) -> dict[str, Any]:
    return {
        "kind": game.kind, "platform": game.venue.platform, "community": game.venue.community,
        "channel": game.venue.channel, "status": game.status, "phase": game.phase,
        "rounds": game.rounds, "round_no": game.round_no, "deadline": game.deadline,
        "created_by": game.created_by, "created_at": game.created_at, "ask_id": game.ask_id,
        "round_started_at": game.round_started_at, "round_seconds": game.round_seconds,
        "message_ref": game.message_ref,
    }  # fmt: skip


def _standing(row: Any) -> Standing:
    return Standing(
        row.user_id, row.display_name or "someone", row.rating, row.duels, row.wins,
        row.losses, row.draws, row.quiz_points, row.quizzes,
    )  # fmt: skip


class SqlGameStore:
    def __init__(self, store: SqlStore) -> None:
        self.store = store  # answers go through its answer path, in our transaction
        self.db = store.db
        self.dialect = store.db.dialect
        # Statements built once (building them costs more CPU than running them).
        game_id: Any = bindparam("game_id")
        ask_id: Any = bindparam("ask_id")
        self.q_game = select(GAMES).where(GAMES.c.id == game_id).with_for_update()
        self.q_due_game = (
            select(GAMES)
            .where(
                GAMES.c.id == game_id,
                GAMES.c.deadline <= bindparam("due_by"),
                GAMES.c.status.in_(OPEN),
            )
            .with_for_update(skip_locked=True)
        )
        self.q_game_of_ask = select(GAMES).where(GAMES.c.ask_id == ask_id).with_for_update()
        self.q_seats = (
            select(PLAYERS, User.display_name)
            .join(User, User.id == PLAYERS.c.user_id)
            .where(PLAYERS.c.game_id == game_id)
            .order_by(PLAYERS.c.seat)
        )
        self.q_ask = select(ASKS).where(ASKS.c.id == ask_id)
        self.q_answers = (
            select(
                Attempt.user_id,
                User.display_name,
                Attempt.chosen,
                Attempt.correct,
                Attempt.answered_at,
            )
            .join(User, User.id == Attempt.user_id)
            .where(Attempt.ask_id == ask_id)
            .order_by(Attempt.answered_at, Attempt.id)
        )
        self.q_used = (
            select(ASKS.c.question_id)
            .join(ROUNDS, ROUNDS.c.ask_id == ASKS.c.id)
            .where(ROUNDS.c.game_id == game_id)
        )
        self.q_track = select(ChatTrack.track).where(ChatTrack.chat_key == bindparam("chat_key"))
        self.q_standings = (
            select(STANDINGS, User.display_name)
            .join(User, User.id == STANDINGS.c.user_id)
            .where(
                STANDINGS.c.community == bindparam("community"),
                STANDINGS.c.user_id.in_(bindparam("user_ids", expanding=True)),
            )
        )

    def _write_lock(self, conn: Connection) -> None:
        """On SQLite, take the database's write lock before reading: a transaction of
        another process then waits for this one instead of deciding on what it read
        before this one committed (PostgreSQL locks the game row instead)."""
        if self.dialect == "sqlite":
            conn.execute(text("UPDATE games SET version = version WHERE 0"))

    # -- reading -------------------------------------------------------------------------
    def _read(self, conn: Connection, query: Any, params: dict[str, Any]) -> Game | None:
        row = conn.execute(query, params).first()
        return None if row is None else _game(row, self._seats(conn, row.id))

    def _seats(self, conn: Connection, game_id: int) -> tuple[Seat, ...]:
        return tuple(
            Seat(r.user_id, r.display_name or "someone", r.seat, r.score, r.correct)
            for r in conn.execute(self.q_seats, {"game_id": game_id})
        )

    def _snapshot(self, conn: Connection, game: Game) -> Snapshot:
        """The game with what its next transition may need, and only that: a round's
        answers while it is open, the questions used before opening one, the players'
        records when closing the last round."""
        ask = None
        answers: tuple[Answer, ...] = ()
        round_ref = None
        row = None
        if game.ask_id is not None:
            row = conn.execute(self.q_ask, {"ask_id": game.ask_id}).first()
        if row is not None:
            round_ref = row.message_ref
            order = tuple(int(i) for i in row.option_order.split(","))
            ask = AskRow(
                row.id, row.user_id, row.group_key, row.question_id, order, row.purpose,
                row.created_at,
            )  # fmt: skip
            if game.phase == ROUND:
                answers = tuple(
                    Answer(
                        a.user_id,
                        a.display_name or "someone",
                        _letters(a.chosen, order),
                        a.correct,
                        a.answered_at,
                    )  # fmt: skip
                    for a in conn.execute(self.q_answers, {"ask_id": game.ask_id})
                )
        used: frozenset[int] = frozenset()
        track = None
        if game.phase in (PAUSE, INVITE, ROUND):  # a round opens from (and is headed by) it
            track = conn.scalar(self.q_track, {"chat_key": game.venue.group_key})
        if game.phase == PAUSE:
            used = frozenset(conn.scalars(self.q_used, {"game_id": game.id}))
        standings: dict[int, Standing] = {}
        if game.phase == ROUND and game.round_no >= game.rounds:
            users = [s.user_id for s in game.seats] + [a.user_id for a in answers]
            params = {"community": game.venue.community_key, "user_ids": users}
            standings = {
                s.user_id: s for s in map(_standing, conn.execute(self.q_standings, params))
            }
        return Snapshot(game, ask, answers, used, standings, round_ref, track)

    # -- writing -------------------------------------------------------------------------
    def _apply(self, conn: Connection, before: Game, change: Change) -> Game:
        game = change.game
        if change.new_ask is not None:
            ask_id = conn.scalar(
                self.store.sql.create_ask,
                {
                    "user_id": None,
                    "group_key": game.venue.group_key,
                    "question_id": change.new_ask.question_key,
                    "option_order": ",".join(map(str, change.new_ask.option_order)),
                    "purpose": game.purpose,
                    "created_at": game.round_started_at,
                    "message_ref": None,
                },
            )
            assert ask_id is not None
            game = replace(game, ask_id=int(ask_id))
            conn.execute(
                ROUNDS.insert().values(game_id=game.id, round_no=game.round_no, ask_id=ask_id)
            )
        values = _game_values(game)
        del values["message_ref"]  # written only by set_message_ref (it may come later)
        moved = conn.execute(
            update(GAMES)
            .where(GAMES.c.id == before.id, GAMES.c.version == before.version)
            .values(**values, version=before.version + 1)
        )
        if moved.rowcount != 1:
            raise Conflict()
        self._write_seats(conn, game)
        for s in change.standings:
            self._write_standing(conn, game.venue.community_key, s)
        return replace(game, version=before.version + 1)

    def _write_seats(self, conn: Connection, game: Game) -> None:
        if not game.seats:
            return
        insert = dialect_insert(self.dialect, PLAYERS)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=["game_id", "user_id"],
                set_={"score": insert.excluded.score, "correct": insert.excluded.correct},
            ),
            [
                {"game_id": game.id, "user_id": s.user_id, "seat": s.seat, "score": s.score,
                 "correct": s.correct}
                for s in game.seats
            ],
        )  # fmt: skip

    def _write_standing(self, conn: Connection, community: str, s: Standing) -> None:
        values = {
            "community": community, "user_id": s.user_id, "rating": s.rating, "duels": s.duels,
            "wins": s.wins, "losses": s.losses, "draws": s.draws, "quiz_points": s.quiz_points,
            "quizzes": s.quizzes,
        }  # fmt: skip
        insert = dialect_insert(self.dialect, STANDINGS)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=["community", "user_id"],
                set_={k: insert.excluded[k] for k in values if k not in ("community", "user_id")},
            ),
            values,
        )

    # -- the port ------------------------------------------------------------------------
    async def create(
        self, game: Game, users: tuple[int, ...], check: Callable[[Crowd], None]
    ) -> Game:
        return await self.db.write(self._create, game, users, check)

    def _create(
        self, conn: Connection, game: Game, users: tuple[int, ...], check: Callable[[Crowd], None]
    ) -> Game:
        if self.dialect == "postgresql":
            # Two challenges (or quizzes) created at the same moment must not both pass the
            # checks below: creations touching the same member or channel take turns.
            keys = sorted(
                [f"game-user:{u}" for u in users]
                + [f"game-channel:{game.venue.platform}:{game.venue.channel}"]
            )
            for key in keys:
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
        else:
            self._write_lock(conn)
        busy = conn.scalars(
            select(PLAYERS.c.user_id)
            .join(GAMES, GAMES.c.id == PLAYERS.c.game_id)
            .where(PLAYERS.c.user_id.in_(users), GAMES.c.kind == DUEL, GAMES.c.status.in_(OPEN))
        )
        kinds = conn.scalars(
            select(GAMES.c.kind).where(
                GAMES.c.platform == game.venue.platform,
                GAMES.c.channel == game.venue.channel,
                GAMES.c.status.in_(OPEN),
            )
        )
        check(Crowd(frozenset(busy), tuple(kinds)))
        game_id = conn.scalar(
            GAMES.insert().values(**_game_values(game), version=0).returning(GAMES.c.id)
        )
        assert game_id is not None
        game = replace(game, id=int(game_id))
        self._write_seats(conn, game)
        return game

    async def change(
        self, game_id: int, decide: Decide, *, due_by: datetime | None = None
    ) -> Game | None:
        try:
            return await self.db.write(self._change, game_id, decide, due_by)
        except Conflict:
            return None

    def _change(
        self, conn: Connection, game_id: int, decide: Decide, due_by: datetime | None
    ) -> Game | None:
        self._write_lock(conn)
        if due_by is None:
            game = self._read(conn, self.q_game, {"game_id": game_id})
        else:
            game = self._read(conn, self.q_due_game, {"game_id": game_id, "due_by": due_by})
        if game is None:
            return None
        change = decide(self._snapshot(conn, game))
        return None if change is None else self._apply(conn, game, change)

    async def answer(
        self,
        ask_id: int,
        user_id: int,
        check: Callable[[Game | None], None],
        score: Callable[[AnswerContext], AnswerRecord],
        after: Decide,
    ) -> tuple[bool, Game | None]:
        try:
            return await self.db.write(self._answer, ask_id, user_id, check, score, after)
        except Conflict:  # another process moved the game (closed the round) meanwhile
            raise RoundClosed() from None

    def _answer(
        self,
        conn: Connection,
        ask_id: int,
        user_id: int,
        check: Callable[[Game | None], None],
        score: Callable[[AnswerContext], AnswerRecord],
        after: Decide,
    ) -> tuple[bool, Game | None]:
        self._write_lock(conn)
        game = self._read(conn, self.q_game_of_ask, {"ask_id": ask_id})
        check(game)
        assert game is not None
        # The tutor's own answer path: the ask is read, scored and stored once per
        # UNIQUE(ask, user), in this transaction.
        if not self.store._answer(conn, ask_id, user_id, score):
            return False, None
        change = after(self._snapshot(conn, game))
        return True, None if change is None else self._apply(conn, game, change)

    async def open_games(self, venue: Venue) -> list[Game]:
        return await self.db.read(self._open_games, venue)

    def _open_games(self, conn: Connection, venue: Venue) -> list[Game]:
        rows = conn.execute(
            select(GAMES)
            .where(
                GAMES.c.platform == venue.platform,
                GAMES.c.channel == venue.channel,
                GAMES.c.status.in_(OPEN),
            )
            .order_by(GAMES.c.id)
        ).all()
        return [_game(r, self._seats(conn, r.id)) for r in rows]

    async def open_count(self) -> int:
        """Games in progress (invited or running), for the `tutor_open_games` gauge."""
        return await self.db.read(self._open_count)

    @staticmethod
    def _open_count(conn: Connection) -> int:
        query = select(func.count()).select_from(GAMES).where(GAMES.c.status.in_(OPEN))
        return int(conn.scalar(query) or 0)

    async def due(self, now: datetime, platforms: tuple[str, ...], limit: int) -> list[int]:
        return await self.db.read(self._due, now, platforms, limit)

    @staticmethod
    def _due(conn: Connection, now: datetime, platforms: tuple[str, ...], limit: int) -> list[int]:
        return list(
            conn.scalars(
                select(GAMES.c.id)
                .where(
                    GAMES.c.deadline <= now,
                    GAMES.c.status.in_(OPEN),
                    GAMES.c.platform.in_(platforms),
                )
                .order_by(GAMES.c.deadline)
                .limit(limit)
            )
        )

    async def set_message_ref(self, game_id: int, ref: str) -> None:
        await self.db.write(self._set_message_ref, game_id, ref)

    @staticmethod
    def _set_message_ref(conn: Connection, game_id: int, ref: str) -> None:
        conn.execute(update(GAMES).where(GAMES.c.id == game_id).values(message_ref=ref))

    async def board(self, community: str, user_id: int, limit: int) -> Board:
        return await self.db.read(self._board, community, user_id, limit)

    @staticmethod
    def _board(conn: Connection, community: str, user_id: int, limit: int) -> Board:
        base = (
            select(STANDINGS, User.display_name)
            .join(User, User.id == STANDINGS.c.user_id)
            .where(STANDINGS.c.community == community)
        )
        duels = conn.execute(
            base.where(STANDINGS.c.duels > 0)
            .order_by(STANDINGS.c.rating.desc(), STANDINGS.c.wins.desc(), STANDINGS.c.user_id)
            .limit(limit)
        )
        quizzes = conn.execute(
            base.where(STANDINGS.c.quizzes > 0)
            .order_by(STANDINGS.c.quiz_points.desc(), STANDINGS.c.user_id)
            .limit(limit)
        )
        mine = conn.execute(base.where(STANDINGS.c.user_id == user_id)).first()
        me = _standing(mine) if mine is not None else None
        duel_rank = quiz_rank = None
        if me is not None and me.duels:
            ahead = select(func.count()).where(
                STANDINGS.c.community == community,
                STANDINGS.c.duels > 0,
                STANDINGS.c.rating > me.rating,
            )
            duel_rank = int(conn.scalar(ahead) or 0) + 1
        if me is not None and me.quizzes:
            ahead = select(func.count()).where(
                STANDINGS.c.community == community,
                STANDINGS.c.quizzes > 0,
                STANDINGS.c.quiz_points > me.quiz_points,
            )
            quiz_rank = int(conn.scalar(ahead) or 0) + 1
        return Board(
            tuple(map(_standing, duels)),
            tuple(map(_standing, quizzes)),
            me,
            duel_rank,
            quiz_rank,
        )


def _letters(chosen: str, order: tuple[int, ...]) -> str:
    """Stored option indexes ("2,0") as the letters they were shown under ("AC")."""
    shown = [order.index(int(k)) for k in chosen.split(",") if k != "" and int(k) in order]
    return "".join(LETTERS[i] for i in sorted(shown))
