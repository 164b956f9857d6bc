"""The tutor engine: practice questions, answers with feedback, /explain and stats.

Platform-neutral: plain values in (a UserRef, an ask id, letters), view dataclasses out.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import learning, metrics, tracks
from bot.bank import Bank, QuestionData, lookup_key
from bot.daily.planning import due_after_change
from bot.errors import (
    AllSeen,
    AlreadyAnswered,
    AskNotFound,
    BadAnswer,
    BadSetting,
    NoOpenQuestion,
    NoQuestions,
    NotYourQuestion,
    QuestionChanged,
    UnknownConcept,
)
from bot.ports import (
    AnswerContext,
    AnswerRecord,
    AskRow,
    PracticeState,
    Streak,
    TutorStore,
    UserRow,
)
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
# Asks answered only through their own service: rounds of a game (bot.games, scored through
# Games.answer) and exam questions (bot.exams, through Exams.answer).
GAME_PURPOSES = frozenset({"duel", "groupquiz", "single", "exam"})
MAX_ID = 2**31 - 1  # row ids are INTEGER columns
RECENT_WINDOW = 3
MAX_REVIEW_CAP = 500
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
        default_pack: str = tracks.DEFAULT_PACK,
    ) -> None:
        self.store = store
        self.default_pack = default_pack
        # Platforms whose new users get no daily question until they ask for one.
        self.daily_opt_in = daily_opt_in
        self.clock = clock
        self.rng = rng or random.Random()
        self.default_tz = default_tz
        self._bank: Bank | None = None
        self._revision_checked_at = datetime.min.replace(tzinfo=UTC)
        # (platform, external id) -> (user id, display name, stored track)
        self._user_ids: dict[tuple[str, str], tuple[int, str, str | None]] = {}
        # user id -> until when /quiz goes round a finished track without saying so again
        self._going_round: dict[int, datetime] = {}

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
        self._remember(ref, user.id, user.track)
        return user

    async def user_id(self, ref: UserRef, in_group: bool = False) -> int:
        """The user's id; an identity never moves to another user, so it is cached."""
        return (await self._user_and_track(ref, in_group))[0]

    async def _user_and_track(self, ref: UserRef, in_group: bool = False) -> tuple[int, str | None]:
        """The user's id and stored track (cached with the id; /track updates the cache)."""
        cached = self._user_ids.get((ref.platform, ref.external_id))
        if cached is not None and cached[1] == ref.display_name:
            return cached[0], cached[2]
        user = await self.user(ref, in_group)
        return user.id, user.track

    def _remember(self, ref: UserRef, user_id: int, track: str | None) -> None:
        if len(self._user_ids) >= USER_CACHE_SIZE:
            self._user_ids.pop(next(iter(self._user_ids)))
        self._user_ids[(ref.platform, ref.external_id)] = (user_id, ref.display_name, track)

    async def track_of(self, ref: UserRef) -> tracks.Track:
        """The pack and blueprint the user studies (practice, daily, exams, /stats)."""
        _user_id, stored = await self._user_and_track(ref)
        return tracks.resolve(await self.bank(), stored, self.default_pack)

    async def set_track(self, ref: UserRef, track: tracks.Track) -> None:
        user_id = await self.user_id(ref)
        await self.store.update_user(user_id, track=track.key)
        self._user_ids.pop((ref.platform, ref.external_id), None)

    # -- asking ------------------------------------------------------------------
    async def next_question(
        self, ref: UserRef, purpose: str = "practice", topic: str | None = None
    ) -> QuestionView:
        """The most useful question of the user's track; with `topic` (a domain or a
        service, e.g. "security", "dynamodb"), of that part of it (UnknownTopic if none)."""
        user_id, stored = await self._user_and_track(ref)
        bank = await self.bank()
        track = tracks.resolve(bank, stored, self.default_pack)
        pool = tracks.on_topic(bank, track, topic) if topic else tracks.questions(bank, track)
        now = self.clock()
        # the daily review cap counts the last 24 hours
        state = await self.store.practice_state(
            user_id, RECENT_WINDOW, now - timedelta(days=1), now
        )
        if not topic:
            self._check_round(user_id, pool, state, track.pack)
        reviews_left = state.review_cap - state.reviews_since
        mix_in_new = state.asks_since % learning.NEW_EVERY == learning.NEW_EVERY - 1
        choice = learning.choose_question(
            pool, state.reviews, state.due, set(state.recent), tracks.domains(bank, track), now,
            self.rng, reviews_left, mix_in_new, track.blueprint,
        )  # fmt: skip
        if choice is None:
            raise NoQuestions()
        if choice.review_of is not None and purpose == "practice":
            purpose = "review"
        metrics.record_ask(ref.platform, purpose)
        return await self.ask(
            choice.question, user_id=user_id, purpose=purpose, blueprint=track.blueprint
        )

    async def set_review_cap(self, ref: UserRef, cap: int) -> int:
        """At most `cap` reviews a day (0-500); BadSetting (nothing changed) otherwise."""
        if not 0 <= cap <= MAX_REVIEW_CAP:
            raise BadSetting(f"The daily review cap is a number from 0 to {MAX_REVIEW_CAP}.")
        await self.store.update_user(await self.user_id(ref), review_cap=cap)
        return cap

    def _check_round(
        self, user_id: int, pool: list[QuestionData], state: PracticeState, pack: str
    ) -> None:
        """Raise AllSeen once when choosing would only cycle through what the student knows;
        a /quiz after that goes round again until the next review is due."""
        now = self.clock()
        next_due = learning.round_done(
            pool, state.reviews, state.due, state.next_due.get(pack), now
        )
        if next_due is None or now < self._going_round.get(user_id, now):
            return
        if len(self._going_round) >= USER_CACHE_SIZE:
            self._going_round.pop(next(iter(self._going_round)))
        self._going_round[user_id] = next_due
        raise AllSeen(next_due - now)

    async def group_question(
        self, group_key: str, track: tracks.Track | None = None
    ) -> QuestionView:
        """A question posted to a group chat, from the chat's track (bot.chat_tracks; the
        default track if none is given): anyone there may answer it, once each."""
        bank = await self.bank()
        track = track or tracks.resolve(bank, None, self.default_pack)
        questions = tracks.questions(bank, track)
        if not questions:
            raise NoQuestions()
        metrics.record_ask(group_key.partition(":")[0], "group")
        return await self.ask(
            self.rng.choice(questions), "group", group_key=group_key, blueprint=track.blueprint
        )

    async def ask(
        self,
        question: QuestionData,
        purpose: str,
        user_id: int | None = None,
        group_key: str | None = None,
        blueprint: str = "",
    ) -> QuestionView:
        """Ask `question`; its header names its domain in `blueprint` (the asker's track's)."""
        order = list(range(len(question.options)))
        self.rng.shuffle(order)
        ask_id = await self.store.create_ask(
            user_id, group_key, question.key, tuple(order), purpose, self.clock()
        )
        return self.view(await self.bank(), ask_id, question.key, tuple(order), purpose, blueprint)

    @staticmethod
    def view(
        bank: Bank,
        ask_id: int,
        question_key: int,
        order: tuple[int, ...],
        purpose: str,
        blueprint: str = "",
    ) -> QuestionView:
        """How an ask looks: its question with the options in the order it was asked, headed
        by its domain in `blueprint` (the track's; "" for the pack's default)."""
        question = bank.questions[question_key]
        return QuestionView(
            ask_id=ask_id,
            question_id=question.id,
            scenario=question.scenario,
            options=tuple(
                OptionView(LETTERS[i], question.options[k].text) for i, k in enumerate(order)
            ),
            select=question.select,
            domain=bank.label_in(question, blueprint),
            difficulty=question.difficulty,
            purpose=purpose,
            review=Tutor.review_label(bank, question, blueprint) if purpose == "review" else "",
        )

    @staticmethod
    def review_label(bank: Bank, question: QuestionData, blueprint: str = "") -> str:
        """ "🔁 Review · EBS": a re-ask, named by its first concept (else its domain)."""
        names = [
            bank.concepts[(question.pack, c)].name
            for c in question.concepts
            if (question.pack, c) in bank.concepts
        ]
        name = names[0] if names else bank.title_in(question, blueprint)
        return f"🔁 Review · {name}"

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
        rows = await self.store.answer_counts(user_id)
        # Only the track's blueprint: another pack's (or a retired pack's) domains never
        # show here. Every answer is counted in each blueprint of its pack.
        track = tracks.resolve(bank, user.track, self.default_pack)
        counts = tracks.counts_in({(p, b, d): (n, c) for p, b, d, n, c in rows}, track)
        domains = []
        for key, domain in tracks.domains(bank, track).items():
            n, c = counts.get(key, (0, 0))
            domains.append(DomainStats(domain.id, domain.title, n, c, domain.short))
        now = self.clock()
        due = await self.store.due_count(user_id, now)
        streak = Streak(user.streak, user.best_streak, user.streak_date)
        today = now.astimezone(ZoneInfo(user.timezone)).date()
        blueprints = [b for b in [tracks.blueprint_of(bank, track)] if b is not None]
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
        cards = learning.review_concepts(
            question, context.cards, learning.answer_rating(correct), self.now
        )
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
            cards=cards,
            streak=streak,
        )
