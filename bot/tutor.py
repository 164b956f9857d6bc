"""The tutor engine: practice questions, answers with feedback, /explain and stats.

Platform-neutral: plain values in (a UserRef, an ask id, letters), view dataclasses out.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import learning, metrics
from bot.bank import Bank, QuestionData, lookup_key
from bot.daily.planning import due_after_change
from bot.errors import (
    AlreadyAnswered,
    AskNotFound,
    BadAnswer,
    NoOpenQuestion,
    NoQuestions,
    NotYourQuestion,
    QuestionChanged,
    UnknownConcept,
)
from bot.ports import AnswerContext, AnswerRecord, AskRow, Streak, TutorStore, UserRow
from bot.schedule_setting import parse_time, parse_zone
from bot.views import (
    ConceptView,
    DailySetting,
    DomainStats,
    Feedback,
    GroupAnswer,
    OptionFeedback,
    OptionView,
    QuestionView,
    Stats,
    UserRef,
)

LETTERS = "ABCDEF"
# Asks that are rounds of a game (bot.games): scored only through Games.answer.
GAME_PURPOSES = frozenset({"duel", "groupquiz", "single"})
MAX_ID = 2**31 - 1  # row ids are INTEGER columns
RECENT_WINDOW = 3
USER_CACHE_SIZE = 50_000
REVISION_CHECK_SECONDS = 5
REVISION_CHECK = timedelta(
    seconds=REVISION_CHECK_SECONDS
)  # a question asked within the user's last few asks is not asked again


RecordAnswer = Callable[[int | None, int, Callable[[AnswerContext], AnswerRecord]], Awaitable[bool]]


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_letters(text: str) -> tuple[str, ...]:
    """'b', 'AC', 'a, c' or 'A C' -> ('A',) / ('A', 'C'); anything else -> ()."""
    cleaned = text.upper().replace(",", " ").replace(" ", "")
    if not cleaned.isalpha():
        return ()
    return tuple(dict.fromkeys(cleaned))  # keep order, drop repeats


class Tutor:
    def __init__(
        self,
        store: TutorStore,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        default_tz: str = "UTC",
        daily_opt_in: frozenset[str] = frozenset(),
    ) -> None:
        self.store = store
        # Platforms whose new users get no daily question until they ask for one.
        self.daily_opt_in = daily_opt_in
        self.clock = clock
        self.rng = rng or random.Random()
        self.default_tz = default_tz
        self._bank: Bank | None = None
        self._revision_checked_at = datetime.min.replace(tzinfo=UTC)
        self._user_ids: dict[tuple[str, str], tuple[int, str]] = {}

    # -- content -----------------------------------------------------------------
    async def bank(self) -> Bank:
        """The bank in memory. An import in this process calls forget_bank(); one made by
        another process (`tutor content import`) is noticed within REVISION_CHECK_SECONDS."""
        now = self.clock()
        if self._bank is not None and now < self._revision_checked_at + REVISION_CHECK:
            return self._bank
        revision = await self.store.content_revision()
        if self._bank is None or self._bank.revision != revision:
            self._bank = await self.store.load_bank()
        self._revision_checked_at = now
        return self._bank

    def forget_bank(self) -> None:
        self._bank = None

    # -- users -------------------------------------------------------------------
    async def user(self, ref: UserRef, in_group: bool = False) -> UserRow:
        """The user's current row (settings included), created on first contact. A user met
        in a group chat is created without the private daily question: that is for users
        who start a private chat (they opt in with /daily there)."""
        user = await self.store.user_for(
            ref.platform, ref.external_id, ref.display_name, self.clock(), self.default_tz,
            daily_enabled=not in_group and ref.platform not in self.daily_opt_in,
        )  # fmt: skip
        self._remember(ref, user.id)
        return user

    async def user_id(self, ref: UserRef, in_group: bool = False) -> int:
        """The user's id; an identity never moves to another user, so it is cached."""
        key = (ref.platform, ref.external_id)
        cached = self._user_ids.get(key)
        if cached is not None and cached[1] == ref.display_name:
            return cached[0]
        return (await self.user(ref, in_group)).id

    def _remember(self, ref: UserRef, user_id: int) -> None:
        if len(self._user_ids) >= USER_CACHE_SIZE:
            self._user_ids.pop(next(iter(self._user_ids)))
        self._user_ids[(ref.platform, ref.external_id)] = (user_id, ref.display_name)

    # -- asking ------------------------------------------------------------------
    async def next_question(self, ref: UserRef, purpose: str = "practice") -> QuestionView:
        user_id = await self.user_id(ref)
        state = await self.store.practice_state(user_id, RECENT_WINDOW)
        bank = await self.bank()
        question = learning.choose_question(
            bank.active_questions,
            state.reviews,
            set(state.recent),
            bank.domains,
            self.clock(),
            self.rng,
        )
        if question is None:
            raise NoQuestions()
        metrics.record_ask(ref.platform, purpose)
        return await self.ask(question, user_id=user_id, purpose=purpose)

    async def group_question(self, group_key: str) -> QuestionView:
        """A question posted to a group chat: anyone there may answer it, once each."""
        bank = await self.bank()
        questions = bank.active_questions
        if not questions:
            raise NoQuestions()
        metrics.record_ask(group_key.partition(":")[0], "group")
        return await self.ask(self.rng.choice(questions), group_key=group_key, purpose="group")

    async def ask(
        self,
        question: QuestionData,
        purpose: str,
        user_id: int | None = None,
        group_key: str | None = None,
    ) -> QuestionView:
        order = list(range(len(question.options)))
        self.rng.shuffle(order)
        ask_id = await self.store.create_ask(
            user_id, group_key, question.key, tuple(order), purpose, self.clock()
        )
        return self.view(await self.bank(), ask_id, question.key, tuple(order), purpose)

    @staticmethod
    def view(
        bank: Bank, ask_id: int, question_key: int, order: tuple[int, ...], purpose: str
    ) -> QuestionView:
        """How an ask looks: its question with the options in the order it was asked."""
        question = bank.questions[question_key]
        return QuestionView(
            ask_id=ask_id,
            question_id=question.id,
            scenario=question.scenario,
            options=tuple(
                OptionView(LETTERS[i], question.options[k].text) for i, k in enumerate(order)
            ),
            select=question.select,
            domain=bank.domain_label(question.pack, question.domain),
            difficulty=question.difficulty,
            purpose=purpose,
        )

    async def set_message_ref(self, ask_id: int, ref: str) -> None:
        await self.store.set_message_ref(ask_id, ref)

    # -- answering ---------------------------------------------------------------
    async def answer(self, ref: UserRef, ask_id: int, letters: str) -> Feedback:
        if not 0 < ask_id <= MAX_ID:  # forged: no such row can exist (ids are 32-bit)
            raise AskNotFound()
        feedback = await self._score(await self.user_id(ref), ask_id, letters)
        metrics.record_answer(ref.platform, feedback.correct)
        return feedback

    async def answer_open(self, ref: UserRef, letters: str) -> Feedback:
        """Answer the user's latest question, if still open (chats where letters are typed)."""
        feedback = await self._score(await self.user_id(ref), None, letters)
        metrics.record_answer(ref.platform, feedback.correct)
        return feedback

    async def answer_in_game(
        self, user_id: int, ask_id: int, letters: str, record: RecordAnswer
    ) -> Feedback:
        """Score an answer to a game round like `answer`, but store it through `record`
        (TutorStore.answer's contract), which checks the game in the same transaction."""
        scoring = _Scoring(self, await self.bank(), user_id, ask_id, letters, self.clock(), True)
        if not await record(ask_id, user_id, scoring.decide):
            raise AlreadyAnswered()
        assert scoring.result is not None
        return scoring.result

    async def _score(self, user_id: int, ask_id: int | None, letters: str) -> Feedback:
        scoring = _Scoring(self, await self.bank(), user_id, ask_id, letters, self.clock())
        # Reading the ask, checking it and recording the answer happen in one transaction.
        if not await self.store.answer(ask_id, user_id, scoring.decide):
            raise AlreadyAnswered()  # a concurrent duplicate press won the race
        assert scoring.result is not None
        return scoring.result

    @staticmethod
    def check_letters(text: str, option_count: int, select: int) -> tuple[str, ...]:
        valid = LETTERS[:option_count]
        letters = parse_letters(text)
        span = f"A–{valid[-1]}"
        if not letters:
            raise BadAnswer(f"Answer with a letter from {span}.")
        outside = [x for x in letters if x not in valid]
        if outside:
            raise BadAnswer(f"{', '.join(outside)} is not an option here; choose from {span}.")
        if len(letters) != select:
            if select == 1:
                raise BadAnswer(f"Pick exactly one letter from {span}.")
            raise BadAnswer(
                f"This question needs exactly {select} letters (e.g. {valid[:select]}); "
                f"you gave {len(letters)}."
            )
        return letters

    def feedback(
        self,
        bank: Bank,
        question: QuestionData,
        ask: AskRow,
        chosen: tuple[int, ...],
        correct: bool,
        streak: int = 0,
    ) -> Feedback:
        options = tuple(
            OptionFeedback(
                letter=LETTERS[i],
                text=question.options[k].text,
                why=question.options[k].why,
                correct=question.options[k].correct,
                chosen=k in chosen,
            )
            for i, k in enumerate(ask.option_order)
        )
        concepts = tuple(
            bank.concept_views[(question.pack, c)]
            for c in question.concepts
            if (question.pack, c) in bank.concept_views
        )
        return Feedback(
            ask_id=ask.id,
            question_id=question.id,
            correct=correct,
            chosen=tuple(o.letter for o in options if o.chosen),
            right=tuple(o.letter for o in options if o.correct),
            options=options,
            explanation=question.explanation,
            concepts=concepts,
            purpose=ask.purpose,
            streak=streak,
        )

    async def group_answers(self, ask_id: int) -> list[GroupAnswer]:
        return await self.store.group_answers(ask_id)

    # -- explain -----------------------------------------------------------------
    async def explain(self, name: str) -> ConceptView:
        bank = await self.bank()
        names = bank.concept_lookup
        wanted = lookup_key(name)
        if wanted in names:
            return bank.concept_views[(names[wanted].pack, names[wanted].id)]
        close = difflib.get_close_matches(wanted, list(names), n=6, cutoff=0.6)
        found = list({names[c].id: names[c] for c in close}.values())[:3]
        raise UnknownConcept(name, [c.name for c in found], tuple(c.id for c in found))

    # -- daily setting -----------------------------------------------------------
    async def daily_setting(self, ref: UserRef) -> DailySetting:
        user = await self.user(ref)
        return DailySetting(user.daily_enabled and user.active, user.daily_time, user.timezone)

    async def set_daily(self, ref: UserRef, time_text: str, zone_text: str | None) -> DailySetting:
        """Set the daily time (and zone); a bad value raises BadSetting and changes nothing."""
        user = await self.user(ref)
        time = parse_time(time_text)
        zone = parse_zone(zone_text) if zone_text else user.timezone
        # The next one is due at the new time; if today's was already sent, the planner
        # finds today's delivery taken and moves on to tomorrow.
        await self.store.update_user(
            user.id, daily_time=time, timezone=zone, daily_enabled=True, active=True,
            next_due_at=due_after_change(self.clock(), time, zone),
        )  # fmt: skip
        return DailySetting(True, time, zone)

    async def daily_off(self, ref: UserRef) -> DailySetting:
        user = await self.user(ref)
        await self.store.update_user(user.id, daily_enabled=False)
        return DailySetting(False, user.daily_time, user.timezone)

    async def mark_inactive(self, ref: UserRef) -> None:
        """The user blocked the bot: send them nothing until they come back."""
        user = await self.user(ref)
        await self.store.update_user(user.id, active=False)

    async def mark_active(self, ref: UserRef) -> None:
        user = await self.user(ref)
        if not user.active:
            await self.store.update_user(user.id, active=True)

    # -- stats -------------------------------------------------------------------
    async def stats(self, ref: UserRef) -> Stats:
        user = await self.user(ref)
        user_id = user.id
        bank = await self.bank()
        counts = {(p, d): (n, c) for p, d, n, c in await self.store.answer_counts(user_id)}
        domains = []
        # bank.domains holds the domains of each pack's track blueprint (today its default).
        for key, domain in bank.domains.items():
            n, c = counts.pop(key, (0, 0))
            domains.append(DomainStats(domain.id, domain.title, n, c, domain.short))
        for (_pack, domain_id), (n, c) in counts.items():  # domains no longer in any pack
            domains.append(DomainStats(domain_id, domain_id, n, c))
        now = self.clock()
        due = await self.store.due_count(user_id, now)
        streak = Streak(user.streak, user.best_streak, user.streak_date)
        today = now.astimezone(ZoneInfo(user.timezone)).date()
        blueprints = [b for b in map(bank.track_blueprint, bank.blueprints) if b is not None]
        return Stats(
            answered=sum(d.answered for d in domains),
            correct=sum(d.correct for d in domains),
            domains=tuple(domains),
            due_reviews=due,
            streak=streak.shown_on(today),
            best_streak=streak.best,
            blueprint="; ".join(b.title for b in blueprints),
            notes=tuple(dict.fromkeys(b.note for b in blueprints if b.note)),
        )


class _Scoring:
    """Scores one answer against the ask as the store reads it, inside its transaction."""

    def __init__(
        self,
        tutor: Tutor,
        bank: Bank,
        user_id: int,
        ask_id: int | None,
        letters: str,
        now: datetime,
        in_game: bool = False,
    ) -> None:
        self.tutor, self.bank, self.user_id = tutor, bank, user_id
        self.ask_id, self.letters, self.now = ask_id, letters, now
        self.in_game = in_game
        self.result: Feedback | None = None

    def decide(self, context: AnswerContext) -> AnswerRecord:
        """The answer to store, or a TutorError (and nothing stored)."""
        ask = context.ask
        if ask is None:
            raise NoOpenQuestion() if self.ask_id is None else AskNotFound()
        if ask.user_id is not None and ask.user_id != self.user_id:
            raise NotYourQuestion()
        if (ask.purpose in GAME_PURPOSES) != self.in_game:
            raise AskNotFound()  # a game round is answered through the game, and only there
        question = self.bank.questions.get(ask.question_key)
        if question is None:
            raise AskNotFound()
        if len(ask.option_order) != len(question.options):
            raise QuestionChanged()
        if context.answered:
            # Typed letters go to the latest question; once answered there is none open.
            raise NoOpenQuestion() if self.ask_id is None else AlreadyAnswered()
        letters = Tutor.check_letters(self.letters, len(ask.option_order), question.select)
        chosen = tuple(ask.option_order[LETTERS.index(letter)] for letter in letters)
        right = {i for i, option in enumerate(question.options) if option.correct}
        correct = set(chosen) == right
        previous = context.review
        card = learning.review(previous.card if previous else None, question.key, correct, self.now)
        streak = None
        if context.daily_date is not None and context.streak is not None:
            streak = context.streak.after_answer(context.daily_date)
        self.result = self.tutor.feedback(
            self.bank, question, ask, chosen, correct, streak.current if streak else 0
        )
        return AnswerRecord(
            ask_id=ask.id,
            user_id=self.user_id,
            question_key=question.key,
            domain=question.domain,
            chosen=chosen,
            correct=correct,
            answered_at=self.now,
            card=dict(card.to_dict()),
            due=card.due,
            streak=streak,
        )
