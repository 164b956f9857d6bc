"""Sure / unsure taps (bot.confidence) on SQLAlchemy Core, over the store's Database."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from bot.confidence import AnswerCards, CardRedo
from bot.store.database import Database
from bot.store.statements import Statements


class SqlConfidence:
    def __init__(self, db: Database, sql: Statements) -> None:
        self.db = db
        self.sql = sql

    async def mark(
        self,
        ask_id: int,
        user_id: int,
        said: str,
        redo: Callable[[AnswerCards | None], list[CardRedo]],
    ) -> bool:
        return await self.db.write(self._mark, ask_id, user_id, said, redo)

    def _mark(
        self,
        conn: Connection,
        ask_id: int,
        user_id: int,
        said: str,
        redo: Callable[[AnswerCards | None], list[CardRedo]],
    ) -> bool:
        params = {"ask_id": ask_id, "user_id": user_id}
        rows = conn.execute(self.sql.confidence_context, params).all()
        answer = None
        if rows:
            first = rows[0]
            before = {(r.pack_id, r.concept): r.prev_card for r in rows if r.concept is not None}
            answer = AnswerCards(
                first.question_id, bool(first.correct), first.confidence, first.answered_at,
                before,
            )  # fmt: skip
        cards = redo(answer)
        said_params = {"v_ask": ask_id, "v_user": user_id, "v_said": said}
        if conn.execute(self.sql.set_confidence, said_params).rowcount != 1:
            return False  # said before (a second tap, or two at once): nothing changes
        for card in cards:
            conn.execute(
                self.sql.redo_card,
                {
                    "v_user": user_id, "v_ask": ask_id, "v_pack": card.pack,
                    "v_concept": card.concept, "v_card": card.card, "v_due": card.due,
                },
            )  # fmt: skip
        return True
