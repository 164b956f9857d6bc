"""The Games service: duels, group quizzes and single group questions.

Each call runs one pure transition of `bot.games.machine` inside one store transaction
(the row locked, its version checked), then publishes what changed through the platform's
GamePublisher. Timers are the `deadline` of each game row, acted on by `tick`, which the
process's one scheduler calls every second or so; never a job per game.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import metrics, tracks
from bot.bank import Bank, QuestionData
from bot.errors import NoQuestions
from bot.games import errors, machine, rules
from bot.games.machine import Game, RoundResult
from bot.games.ports import (
    Change,
    ChannelGone,
    Crowd,
    GamePublisher,
    GameStore,
    NewAsk,
    Snapshot,
    Standing,
)
from bot.games.rules import RULES, Rules
from bot.games.views import (
    DUEL,
    GROUP_QUIZ,
    INVITE_ACCEPTED,
    INVITE_CANCELLED,
    INVITE_DECLINED,
    INVITE_EXPIRED,
    INVITE_OPEN,
    OVER_FINISHED,
    OVER_STALE,
    OVER_STOPPED,
    SINGLE,
    GameOverView,
    GameView,
    InviteView,
    LeaderboardView,
    Notice,
    PlayerScore,
    RankRow,
    RevealView,
    RoundAnswer,
    RoundView,
    Venue,
)
from bot.ports import AnswerContext, AnswerRecord
from bot.tutor import LETTERS, Tutor
from bot.views import UserRef

log = logging.getLogger(__name__)

TICK_BATCH = 100
OPEN_COUNT_EVERY = timedelta(seconds=15)
BOARD_SIZE = 10


@dataclass
class _Opened:
    """A round opened inside a transition: what its view needs afterwards."""

    question_key: int
    order: tuple[int, ...]
    blueprint: str  # the channel's track's


@dataclass
class _Closed:
    """A round closed inside a transition: what its reveal needs afterwards."""

    before: Snapshot
    result: RoundResult
    standings: tuple[Standing, ...] = ()


@dataclass
class _Moves:
    """What one transition did, collected by its `decide` for publishing after commit."""

    opened: _Opened | None = None
    closed: _Closed | None = None
    action: str = ""
    before: Snapshot | None = None


class Games:
    def __init__(
        self,
        tutor: Tutor,
        store: GameStore,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        rules: Rules = RULES,
    ) -> None:
        self.tutor = tutor
        self.store = store
        self.clock = clock or tutor.clock
        self.rng = rng or random.Random()
        self.rules = rules
        self._counted_at: datetime | None = None
        self.publishers: dict[str, GamePublisher] = {}

    def attach(self, publisher: GamePublisher) -> None:
        """Publish this platform's games through `publisher`; the tick serves only games
        of platforms attached in this process."""
        self.publishers[publisher.platform] = publisher

    async def _member(self, ref: UserRef) -> tuple[int, str]:
        return await self.tutor.user_id(ref, in_group=True), ref.display_name or "someone"

    # -- duels ---------------------------------------------------------------------------
    async def challenge(
        self,
        venue: Venue,
        challenger: UserRef,
        opponent: UserRef,
        rounds: int | None = None,
        opponent_is_bot: bool = False,
    ) -> Notice:
        """Invite `opponent` to a duel; the invitation is posted with Accept/Decline."""
        if opponent_is_bot:
            raise errors.BotDuel()
        if (challenger.platform, challenger.external_id) == (
            opponent.platform,
            opponent.external_id,
        ):
            raise errors.SelfDuel()
        a = await self._member(challenger)
        b = await self._member(opponent)
        rounds = self.rules.default_rounds if rounds is None else rounds
        game = machine.new_duel(venue, a, b, rounds, self.clock(), self.rules)

        def check(crowd: Crowd) -> None:
            if a[0] in crowd.busy:
                raise errors.AlreadyInDuel(None)
            if b[0] in crowd.busy:
                raise errors.AlreadyInDuel(b[1])

        game = await self.store.create(game, (a[0], b[0]), check)
        ref = await self._post(venue, self._invite(game, INVITE_OPEN))
        if ref is not None:
            await self.store.set_message_ref(game.id, ref)
        minutes = round(self.rules.invite_ttl.total_seconds() / 60)
        return Notice(
            f"Challenge sent to {b[1]}: {rounds} rounds. It expires in {minutes} minutes.",
            game.id,
        )

    async def accept(self, game_id: int, ref: UserRef) -> Notice:
        user_id = await self.tutor.user_id(ref, in_group=True)
        bank = await self.tutor.bank()
        now = self.clock()
        moves = _Moves()

        def decide(snap: Snapshot) -> Change:
            if snap.game.kind != DUEL:
                raise errors.GameNotFound()
            moves.before = snap
            accepted = machine.accept(snap.game, user_id, now)
            return self._open_next(bank, replace(snap, game=accepted), now, moves)

        game = await self.store.change(game_id, decide)
        if game is None:
            raise errors.GameNotFound()
        await self._edit_invite(game, INVITE_ACCEPTED)
        await self._publish_opened(game, moves)
        return Notice("Duel on! Round 1 is up.", game_id)

    async def decline(self, game_id: int, ref: UserRef) -> Notice:
        user_id = await self.tutor.user_id(ref, in_group=True)

        def decide(snap: Snapshot) -> Change:
            if snap.game.kind != DUEL:
                raise errors.GameNotFound()
            return Change(machine.decline(snap.game, user_id))

        game = await self.store.change(game_id, decide)
        if game is None:
            raise errors.GameNotFound()
        if game.status == machine.CANCELLED:
            await self._edit_invite(game, INVITE_CANCELLED)
            return Notice("Challenge withdrawn.", game_id)
        await self._edit_invite(game, INVITE_DECLINED)
        return Notice("Challenge declined.", game_id)

    # -- group games ---------------------------------------------------------------------
    async def start_quiz(self, venue: Venue, starter: UserRef, rounds: int | None = None) -> Notice:
        """A group quiz of `rounds` rounds: anyone in the channel joins by answering."""
        rounds = self.rules.default_rounds if rounds is None else rounds
        await self._start_group(GROUP_QUIZ, venue, starter, rounds)
        return Notice(f"Quiz started: {rounds} rounds. Anyone here can answer.")

    async def ask_group(self, venue: Venue, starter: UserRef) -> Notice:
        """One question for the channel that closes and reveals on its timer or Reveal."""
        await self._start_group(SINGLE, venue, starter, 1)
        return Notice("Question posted.")

    async def _start_group(self, kind: str, venue: Venue, starter: UserRef, rounds: int) -> None:
        user_id = await self.tutor.user_id(starter, in_group=True)
        now = self.clock()
        game = machine.new_group(kind, venue, user_id, rounds, now, self.rules)

        def check(crowd: Crowd) -> None:
            if GROUP_QUIZ in crowd.channel_kinds:
                raise errors.GameRunning()

        bank = await self.tutor.bank()
        if not bank.active_questions:
            raise NoQuestions()
        game = await self.store.create(game, (), check)
        moves = _Moves()
        opened = await self.store.change(
            game.id, lambda snap: self._open_next(bank, snap, now, moves)
        )
        # Should that fail, the game's deadline (now) lets the tick open the round.
        if opened is not None:
            await self._publish_opened(opened, moves)

    # -- answers -------------------------------------------------------------------------
    async def answer(self, ref: UserRef, ask_id: int, letters: str) -> Notice:
        """Answer the current round of a game (a button carrying the ask id and letters).
        The pick is confirmed privately; the right answer is shown when the round closes."""
        user_id = await self.tutor.user_id(ref, in_group=True)
        now = self.clock()
        moves = _Moves()

        def check(game: Game | None) -> None:
            if game is None:
                raise errors.RoundClosed()
            machine.check_answer(game, ask_id, user_id, now)

        def after(snap: Snapshot) -> Change | None:
            if not machine.complete(snap.game, snap.answers):
                return None
            return self._close(snap, now, timed_out=False, moves=moves)

        games: list[Game | None] = []

        async def record(
            _ask: int | None, user: int, score: Callable[[AnswerContext], AnswerRecord]
        ) -> bool:
            stored, game = await self.store.answer(ask_id, user, check, score, after)
            games.append(game)
            return stored

        feedback = await self.tutor.answer_in_game(user_id, ask_id, letters, record)
        game = games[0] if games else None
        if game is not None and moves.closed is not None:
            await self._publish_closed(game, moves.closed)
        picked = "".join(feedback.chosen)
        if moves.closed is not None:
            return Notice(f"🔒 {picked} locked in. Everyone has answered: see the reveal.")
        return Notice(f"🔒 {picked} locked in. The answer is shown when the round closes.")

    async def reveal(self, game_id: int, ref: UserRef) -> Notice:
        """Close a single group question now (its Reveal button)."""
        await self.tutor.user_id(ref, in_group=True)
        now = self.clock()
        moves = _Moves()

        def decide(snap: Snapshot) -> Change:
            if snap.game.kind != SINGLE:
                raise errors.NotRevealable()
            if snap.game.phase != machine.ROUND:
                raise errors.RoundClosed()
            return self._close(snap, now, timed_out=False, moves=moves)

        game = await self.store.change(game_id, decide)
        if game is None or moves.closed is None:
            raise errors.GameNotFound()
        await self._publish_closed(game, moves.closed)
        return Notice("Revealed.", game_id)

    async def stop(self, venue: Venue, ref: UserRef) -> Notice:
        """End the caller's open game in this channel (its starter or a player may)."""
        user_id = await self.tutor.user_id(ref, in_group=True)
        games = await self.store.open_games(venue)
        if not games:
            raise errors.NoGameHere()
        mine = [g for g in games if g.created_by == user_id or g.seat_of(user_id)]
        if not mine:
            raise errors.NotYourGame()
        moves = _Moves()

        def decide(snap: Snapshot) -> Change:
            moves.before = snap
            return Change(machine.stop(snap.game))

        game = await self.store.change(mine[-1].id, decide)
        if game is None or moves.before is None:
            raise errors.NoGameHere()
        await self._publish_ended(game, moves.before, OVER_STOPPED)
        return Notice("Stopped.", game.id)

    # -- the clock -----------------------------------------------------------------------
    async def tick(self, now: datetime | None = None) -> int:
        """Act on every due deadline of the attached platforms' games; how many moved.
        Each game moves in its own transaction; a game another process is moving is
        skipped (it is not due any more once moved)."""
        if not self.publishers:
            return 0
        now = now or self.clock()
        await self._count_open(now)
        moved = 0
        for game_id in await self.store.due(now, tuple(self.publishers), TICK_BATCH):
            try:
                moved += await self._advance(game_id, now)
            except Exception:
                log.exception("game %s: could not act on its deadline; will retry", game_id)
        return moved

    async def _count_open(self, now: datetime) -> None:
        """Refresh the open-games gauge, at most every OPEN_COUNT_EVERY (a tick runs each
        second; the count is for dashboards)."""
        if self._counted_at is not None and now - self._counted_at < OPEN_COUNT_EVERY:
            return
        self._counted_at = now
        metrics.OPEN_GAMES.set(await self.store.open_count())

    async def _advance(self, game_id: int, now: datetime) -> bool:
        bank = await self.tutor.bank()
        moves = _Moves()

        def decide(snap: Snapshot) -> Change | None:
            action = machine.due(snap.game, now, self.rules)
            moves.action, moves.before = action or "", snap
            if action == machine.EXPIRE:
                return Change(machine.expire(snap.game))
            if action == machine.CLOSE:
                return self._close(snap, now, timed_out=True, moves=moves)
            if action == machine.NEXT:
                return self._open_next(bank, snap, now, moves)
            if action == machine.GIVE_UP:
                return Change(machine.stop(snap.game, machine.STALE))
            return None

        game = await self.store.change(game_id, decide, due_by=now)
        if game is None:
            return False
        if moves.action == machine.EXPIRE:
            await self._edit_invite(game, INVITE_EXPIRED)
        elif moves.action == machine.CLOSE and moves.closed is not None:
            await self._publish_closed(game, moves.closed)
        elif moves.action == machine.NEXT:
            await self._publish_opened(game, moves)
        elif moves.action == machine.GIVE_UP and moves.before is not None:
            await self._publish_ended(game, moves.before, OVER_STALE)
        return True

    # -- transitions (run inside the store's transaction) -------------------------------
    def _open_next(self, bank: Bank, snap: Snapshot, now: datetime, moves: _Moves) -> Change:
        track = tracks.resolve(bank, snap.track, self.tutor.default_pack)
        question = _pick(tracks.questions(bank, track), snap.used_questions, self.rng)
        seconds = rules.round_seconds(question, self.rules)
        if snap.game.kind == SINGLE:
            seconds *= self.rules.single_factor
        order = list(range(len(question.options)))
        self.rng.shuffle(order)
        moves.opened = _Opened(question.key, tuple(order), track.blueprint)
        return Change(
            machine.open_round(snap.game, seconds, now),
            new_ask=NewAsk(question.key, tuple(order)),
        )

    def _close(self, snap: Snapshot, now: datetime, timed_out: bool, moves: _Moves) -> Change:
        game, result = machine.close_round(snap.game, snap.answers, now, timed_out, self.rules)
        standings = self._final_standings(snap, game) if game.status == machine.FINISHED else ()
        moves.closed = _Closed(snap, result, standings)
        return Change(game, standings=standings)

    def _final_standings(self, snap: Snapshot, game: Game) -> tuple[Standing, ...]:
        def before(seat: machine.Seat) -> Standing:
            return snap.standings.get(seat.user_id) or Standing(
                seat.user_id, seat.name, self.rules.start_rating
            )

        if game.kind == DUEL:
            a, b = (before(s) for s in game.seats)
            score = machine.duel_score(game)
            ra, rb = rules.elo(a.rating, b.rating, score, self.rules.elo_k)
            return (
                _after_duel(a, ra, score),
                _after_duel(b, rb, 1 - score),
            )
        return tuple(
            replace(
                before(s),
                quiz_points=before(s).quiz_points + s.score,
                quizzes=before(s).quizzes + 1,
            )
            for s in game.seats
        )

    # -- publishing ----------------------------------------------------------------------
    async def _post(self, venue: Venue, view: GameView) -> str | None:
        publisher = self.publishers.get(venue.platform)
        if publisher is None:
            log.warning("no %s publisher attached: %s not posted", venue.platform, view)
            return None
        try:
            return await publisher.post(venue, view)
        except ChannelGone as gone:
            await self._abandon(venue, gone)
        except Exception:
            log.exception("could not post a %s to %s", type(view).__name__, venue)
        return None

    async def _edit(self, venue: Venue, message_ref: str | None, view: GameView) -> None:
        publisher = self.publishers.get(venue.platform)
        if publisher is None or message_ref is None:
            return
        try:
            await publisher.edit(venue, message_ref, view)
        except ChannelGone as gone:
            await self._abandon(venue, gone)
        except Exception:
            log.exception("could not edit %s to a %s", message_ref, type(view).__name__)

    async def _abandon(self, venue: Venue, why: Exception) -> None:
        """The bot cannot write to the channel any more: stop its open games quietly."""
        for game in await self.store.open_games(venue):
            await self.store.change(
                game.id, lambda snap: Change(machine.stop(snap.game)) if snap.game.open else None
            )
        log.info("stopped the open games of %s: cannot write there (%s)", venue, why)

    def _invite(self, game: Game, status: str) -> InviteView:
        return InviteView(
            game.id,
            game.seats[0].name,
            game.seats[1].name,
            game.rounds,
            status,
            game.created_at + self.rules.invite_ttl,
        )

    async def _edit_invite(self, game: Game, status: str) -> None:
        await self._edit(game.venue, game.message_ref, self._invite(game, status))

    def _round_view(
        self,
        bank: Bank,
        game: Game,
        ask_id: int,
        question_key: int,
        order: tuple[int, ...],
        blueprint: str,
    ) -> RoundView:
        assert game.round_started_at is not None
        return RoundView(
            game_id=game.id,
            kind=game.kind,
            round_no=game.round_no,
            rounds=game.rounds,
            question=Tutor.view(bank, ask_id, question_key, order, game.purpose, blueprint),
            seconds=game.round_seconds,
            closes_at=game.round_started_at + timedelta(seconds=game.round_seconds),
            players=tuple(s.name for s in game.seats) if game.kind == DUEL else (),
            revealable=game.kind == SINGLE,
        )

    async def _publish_opened(self, game: Game, moves: _Moves) -> None:
        opened = moves.opened
        if opened is None or game.ask_id is None:
            return
        bank = await self.tutor.bank()
        view = self._round_view(
            bank, game, game.ask_id, opened.question_key, opened.order, opened.blueprint
        )
        ref = await self._post(game.venue, view)
        if ref is not None:
            await self.tutor.set_message_ref(game.ask_id, ref)

    async def _publish_closed(self, game: Game, closed: _Closed) -> None:
        bank = await self.tutor.bank()
        snap, result = closed.before, closed.result
        ask = snap.ask
        if ask is None or ask.question_key not in bank.questions:
            log.warning("game %s: its round's question is gone; no reveal", game.id)
        else:
            round_view = self._round_view(
                bank, snap.game, ask.id, ask.question_key, ask.option_order,
                tracks.blueprint_in_force(bank, snap.track, self.tutor.default_pack),
            )  # fmt: skip
            await self._edit(game.venue, snap.round_ref, replace(round_view, closed=True))
            await self._post(game.venue, self._reveal(bank, game, closed))
        if result.last and game.kind != SINGLE:  # a single question's reveal says it all
            await self._post(game.venue, self._over(game, OVER_FINISHED, closed.standings, snap))

    def _reveal(self, bank: Bank, game: Game, closed: _Closed) -> RevealView:
        ask, result = closed.before.ask, closed.result
        assert ask is not None
        question = bank.questions[ask.question_key]
        shown = [question.options[k] for k in ask.option_order]
        single = game.kind == SINGLE
        return RevealView(
            game_id=game.id,
            kind=game.kind,
            round_no=result.round_no,
            rounds=game.rounds,
            question_id=question.id,
            right=tuple(LETTERS[i] for i, o in enumerate(shown) if o.correct),
            right_text=tuple(o.text for o in shown if o.correct),
            explanation=question.explanation,
            answers=tuple(
                RoundAnswer(s.answer.name, s.answer.letters, s.answer.correct, s.points, s.first)
                for s in result.scored
            ),
            scores=tuple(PlayerScore(s.name, s.score, s.correct) for s in game.standings()),
            concepts=tuple(
                bank.concept_views[(question.pack, c)]
                for c in question.concepts
                if single and (question.pack, c) in bank.concept_views
            ),
            next_button=single,
            timed_out=result.timed_out,
            last=result.last,
        )

    def _over(
        self, game: Game, reason: str, standings: tuple[Standing, ...], before: Snapshot
    ) -> GameOverView:
        after = {s.user_id: s for s in standings}
        scores = []
        for seat in game.standings():
            new = after.get(seat.user_id)
            old = before.standings.get(seat.user_id)
            if game.kind == DUEL and new is not None:
                start = old.rating if old is not None else self.rules.start_rating
                scores.append(
                    PlayerScore(seat.name, seat.score, seat.correct, new.rating, new.rating - start)
                )
            else:
                scores.append(PlayerScore(seat.name, seat.score, seat.correct))
        winner = None
        if game.kind == DUEL and reason == OVER_FINISHED:
            outcome = machine.duel_score(game)
            winner = None if outcome == 0.5 else game.seats[0 if outcome == 1 else 1].name
        return GameOverView(
            game_id=game.id,
            kind=game.kind,
            rounds_played=game.round_no,
            rounds=game.rounds,
            standings=tuple(scores),
            winner=winner,
            reason=reason,
        )

    async def _publish_ended(self, game: Game, before: Snapshot, reason: str) -> None:
        """A game ended early (stopped, or given up after downtime)."""
        if before.game.status == machine.INVITED:
            await self._edit_invite(game, INVITE_CANCELLED)
            return
        if before.game.phase == machine.ROUND and before.ask is not None:
            bank = await self.tutor.bank()
            ask = before.ask
            if ask.question_key in bank.questions:
                view = self._round_view(
                    bank, before.game, ask.id, ask.question_key, ask.option_order,
                    tracks.blueprint_in_force(bank, before.track, self.tutor.default_pack),
                )  # fmt: skip
                await self._edit(game.venue, before.round_ref, replace(view, closed=True))
        await self._post(game.venue, self._over(game, reason, (), before))

    # -- leaderboards --------------------------------------------------------------------
    async def leaderboard(self, venue: Venue, ref: UserRef) -> LeaderboardView:
        """The community's top duellists (rating) and quiz players (points), and the
        caller's own rank in each."""
        user_id = await self.tutor.user_id(ref, in_group=True)
        board = await self.store.board(venue.community_key, user_id, BOARD_SIZE)
        me = board.me
        return LeaderboardView(
            community=venue.community_key,
            duels=_ranked(board.duels, lambda s: s.rating, duel=True),
            quizzes=_ranked(board.quizzes, lambda s: s.quiz_points, duel=False),
            my_duel=(
                _row(me, board.my_duel_rank, me.rating, duel=True)
                if me is not None and board.my_duel_rank is not None
                else None
            ),
            my_quiz=(
                _row(me, board.my_quiz_rank, me.quiz_points, duel=False)
                if me is not None and board.my_quiz_rank is not None
                else None
            ),
        )


def _pick(questions: list[QuestionData], used: frozenset[int], rng: random.Random) -> QuestionData:
    """A question of the channel's track not yet asked in this game (any, once all were)."""
    if not questions:
        raise NoQuestions()
    fresh = [q for q in questions if q.key not in used]
    return rng.choice(fresh or questions)


def _after_duel(s: Standing, rating: int, score: float) -> Standing:
    return replace(
        s,
        rating=rating,
        duels=s.duels + 1,
        wins=s.wins + (score == 1),
        losses=s.losses + (score == 0),
        draws=s.draws + (score == 0.5),
    )


def _row(s: Standing, rank: int, value: int, duel: bool) -> RankRow:
    if duel:
        return RankRow(rank, s.name, value, s.duels, s.wins, s.losses, s.draws)
    return RankRow(rank, s.name, value, s.quizzes)


def _ranked(
    rows: tuple[Standing, ...], value: Callable[[Standing], int], duel: bool
) -> tuple[RankRow, ...]:
    """Ranks as in sport: equal values share a rank, the next rank skips (1, 1, 3)."""
    out: list[RankRow] = []
    for i, s in enumerate(rows):
        rank = out[-1].rank if out and out[-1].value == value(s) else i + 1
        out.append(_row(s, rank, value(s), duel))
    return tuple(out)
