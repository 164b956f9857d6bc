"""Spaced repetition by concept and tracks, on the core with fakes and a fake clock."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from bot import learning, tracks
from bot.bank import Bank, BlueprintData, ConceptData, DomainData, QuestionData
from bot.errors import BadSetting, NoQuestions
from bot.learning import NO_REPEAT
from bot.tracks import Track, UnknownTopic
from bot.tutor import Tutor
from bot.views import QuestionView, UserRef
from tests.fakes import FakeClock, FakeStore, _options

ADA = UserRef("test", "1", "Ada")
NOW = FakeClock().now
BOB = UserRef("test", "2", "Bob")


def two_packs(per_concept: int = 3, concepts: int = 4) -> Bank:
    """Pack 'saa' (blueprints 'exam' and 'course') and pack 'other': `concepts` concepts
    each, `per_concept` questions per concept, domains 'design' and 'security'."""
    bank = Bank(revision=1)
    key = 0
    for pack in ("saa", "other"):
        domains = (
            DomainData(pack, "design", "Design", 70),
            DomainData(pack, "security", "Security", 30, short="Sec"),
        )
        course = (DomainData(pack, "all", "Everything", 100),)
        bank.add_blueprints(
            pack,
            [
                BlueprintData(pack, "exam", f"{pack} exam", 10, 20, 65, domains),
                BlueprintData(pack, "course", f"{pack} course", 10, 20, 65, course),
            ],
        )
        for c in range(concepts):
            slug = f"{pack}{c}"
            name = "DynamoDB" if (pack, c) == ("saa", 0) else f"Service {pack} {c}"
            bank.concepts[(pack, slug)] = ConceptData(
                pack, slug, name, name, "Cat", "Sum.", "Expl.", (), ()
            )
            for _ in range(per_concept):
                key += 1
                domain = "design" if c % 2 else "security"
                bank.questions[key] = QuestionData(
                    key=key, pack=pack, id=f"{pack}-q{key}", domain=domain, concepts=(slug,),
                    difficulty=1, scenario=f"Scenario {key}?", options=_options({1}), select=1,
                    explanation="Because.", domains={"exam": domain, "course": "all"},
                )  # fmt: skip
    return bank


def make_tutor(bank: Bank, default_pack: str = "saa") -> tuple[Tutor, FakeStore, FakeClock]:
    store = FakeStore(bank)
    clock = FakeClock()
    tutor = Tutor(store, clock=clock, rng=random.Random(5), default_pack=default_pack)
    return tutor, store, clock


def question_of(store: FakeStore, view: QuestionView) -> QuestionData:
    return store.bank.questions[store.asks[view.ask_id].question_key]


def letters(store: FakeStore, view: QuestionView, correct: bool) -> str:
    order = store.asks[view.ask_id].option_order
    options = question_of(store, view).options
    return next(chr(65 + i) for i, k in enumerate(order) if options[k].correct == correct)


# -- spaced repetition by concept ---------------------------------------------------------


async def test_a_missed_question_comes_back_as_another_on_its_concept() -> None:
    tutor, store, clock = make_tutor(two_packs())
    first = await tutor.next_question(ADA)
    missed = question_of(store, first)
    await tutor.answer(ADA, first.ask_id, letters(store, first, correct=False))
    clock.advance(minutes=30)  # past the relearning step
    again = await tutor.next_question(ADA)
    back = question_of(store, again)
    assert back.key != missed.key and back.concepts == missed.concepts
    assert again.purpose == "review"
    assert again.review == f"🔁 Review · {store.bank.concepts[('saa', missed.concepts[0])].name}"


async def test_no_question_again_within_three_days_while_others_are_left() -> None:
    tutor, store, clock = make_tutor(two_packs(per_concept=3, concepts=6))  # 18 per pack
    asked: list[tuple[object, int]] = []
    for i in range(16):  # 16 asks over 2.5 days, a third of them missed
        view = await tutor.next_question(ADA)
        asked.append((clock(), question_of(store, view).key))
        await tutor.answer(ADA, view.ask_id, letters(store, view, correct=i % 3 != 0))
        clock.advance(hours=3, minutes=45)
    keys = [k for _at, k in asked]
    assert len(keys) == len(set(keys)), keys


async def test_the_same_question_only_when_nothing_else_is_left() -> None:
    bank = two_packs(per_concept=1, concepts=1)  # one question in the track
    tutor, store, clock = make_tutor(bank)
    view = await tutor.next_question(ADA)
    await tutor.answer(ADA, view.ask_id, letters(store, view, correct=False))
    clock.advance(minutes=30)
    again = await tutor.next_question(ADA)
    assert question_of(store, again).key == question_of(store, view).key


async def test_the_daily_review_cap_holds_and_new_material_is_mixed_in() -> None:
    tutor, store, clock = make_tutor(two_packs(per_concept=3, concepts=8))
    for _ in range(8):  # miss one question of every concept
        view = await tutor.next_question(ADA)
        await tutor.answer(ADA, view.ask_id, letters(store, view, correct=False))
    await tutor.set_review_cap(ADA, 5)
    clock.advance(hours=1)
    purposes = []
    for _ in range(10):
        view = await tutor.next_question(ADA)
        purposes.append(view.purpose)
        await tutor.answer(ADA, view.ask_id, letters(store, view, correct=True))
        clock.advance(minutes=1)
    assert purposes.count("review") == 5
    # reviews first; every 4th question of the day (8 practice asks came first) is new
    assert purposes[:5] == ["review", "review", "review", "practice", "review"]
    clock.advance(days=1)  # a new day: the cap is fresh again
    assert (await tutor.next_question(ADA)).purpose == "review"


async def test_review_cap_bad_values_change_nothing() -> None:
    tutor, store, _clock = make_tutor(two_packs())
    with pytest.raises(BadSetting):
        await tutor.set_review_cap(ADA, -1)
    assert (await tutor.user(ADA)).review_cap == 30


# -- tracks -------------------------------------------------------------------------------


async def test_a_second_pack_never_reaches_a_user_on_another_track() -> None:
    tutor, store, clock = make_tutor(two_packs())
    for i in range(24):
        view = await tutor.next_question(ADA)
        assert question_of(store, view).pack == "saa"
        await tutor.answer(ADA, view.ask_id, letters(store, view, correct=i % 2 == 0))
        clock.advance(hours=2)
    await tutor.set_track(BOB, tracks.parse_choice(store.bank, "other"))
    for _ in range(10):
        view = await tutor.next_question(BOB)
        assert question_of(store, view).pack == "other"
        await tutor.answer(BOB, view.ask_id, letters(store, view, True))
    stats = await tutor.stats(BOB)
    assert stats.answered == 10 and {d.id for d in stats.domains} == {"design", "security"}
    ada = await tutor.stats(ADA)
    assert ada.answered == 24  # Bob's pack never shows in Ada's stats, nor hers in his


async def test_stats_show_only_the_track_not_retired_packs() -> None:
    bank = two_packs()
    tutor, store, _clock = make_tutor(bank)
    view = await tutor.next_question(ADA)
    await tutor.answer(ADA, view.ask_id, letters(store, view, True))
    # a retired pack's counters are still stored
    gone = QuestionData(
        key=999, pack="gone", id="gone-1", domain="old-domain", concepts=(), difficulty=1,
        scenario="?", options=_options({1}), select=1, explanation=".", retired=True,
    )  # fmt: skip
    bank.questions[999] = gone
    store.attempts.append(replace(store.attempts[0], question_key=999, domain="old-domain"))
    assert len(await store.answer_counts(1)) == 2
    stats = await tutor.stats(ADA)
    assert {d.id for d in stats.domains} == {"design", "security"} and stats.answered == 1


def test_default_pack_then_first_loaded() -> None:
    bank = two_packs()
    assert tracks.resolve(bank, None, "saa") == Track("saa", "exam")
    assert tracks.resolve(bank, None, "missing") == Track("other", "exam")  # sorted first
    assert tracks.resolve(bank, "other/course", "saa") == Track("other", "course")
    assert tracks.resolve(bank, "other/nope", "saa") == Track("other", "exam")
    assert tracks.resolve(bank, "gone/exam", "saa") == Track("saa", "exam")
    with pytest.raises(NoQuestions):
        tracks.resolve(Bank(), None)


def test_choices_and_menu() -> None:
    bank = two_packs()
    assert tracks.parse_choice(bank, "OTHER") == Track("other", "exam")
    assert tracks.parse_choice(bank, "saa/course") == Track("saa", "course")
    with pytest.raises(BadSetting, match="saa/exam"):
        tracks.parse_choice(bank, "aws-dev")
    menu = tracks.menu(bank, Track("saa", "course"))
    assert [o.key for o in menu.options] == ["other/exam", "other/course", "saa/exam", "saa/course"]
    assert [o.chosen for o in menu.options] == [False, False, False, True]
    assert menu.current == "saa course" and "saa/course" in menu.text()


async def test_quiz_one_domain_or_one_service() -> None:
    tutor, store, clock = make_tutor(two_packs())
    for _ in range(4):
        view = await tutor.next_question(ADA, topic="security")
        assert question_of(store, view).domain == "security"
        assert question_of(store, view).pack == "saa"
        await tutor.answer(ADA, view.ask_id, letters(store, view, True))
    for _ in range(3):
        view = await tutor.next_question(ADA, topic="dynamodb")
        assert question_of(store, view).concepts == ("saa0",)
        await tutor.answer(ADA, view.ask_id, letters(store, view, True))
        clock.advance(minutes=5)
    view = await tutor.next_question(ADA, topic="secur")  # the start of a word of its title
    assert question_of(store, view).domain == "security"
    with pytest.raises(UnknownTopic, match="Design, Sec"):
        await tutor.next_question(ADA, topic="service other 1")  # another pack's concept


async def test_a_stored_track_of_an_unloaded_pack_falls_back() -> None:
    bank = two_packs()
    tutor, store, _clock = make_tutor(bank)
    await tutor.set_track(ADA, Track("other", "course"))
    assert await tutor.track_of(ADA) == Track("other", "course")
    reloaded = two_packs()  # pack "other" retired by an import
    for key in [k for k, q in reloaded.questions.items() if q.pack == "other"]:
        reloaded.questions[key] = replace(reloaded.questions[key], retired=True)
    store.bank = reloaded
    tutor.forget_bank()
    assert await tutor.track_of(ADA) == Track("saa", "exam")


def test_track_keys_fit_the_column() -> None:
    assert timedelta(days=3) == NO_REPEAT
    assert len(Track("p" * 40, "b" * 40).key.encode()) <= 81  # users.track


def test_unseen_questions_are_drawn_by_the_track_blueprints_weights() -> None:
    """On a non-default blueprint, new material follows that blueprint's domain weights."""
    bank = two_packs()
    pool = [q for q in bank.questions.values() if q.pack == "saa"]
    # the course splits the pack's "security" questions (default blueprint) in two domains
    split = {
        q.key: replace(q, domains={"exam": q.domain, "course": f"half{q.key % 2}"})
        for q in pool
    }
    course = {
        ("saa", "half0"): DomainData("saa", "half0", "Half 0", 100),
        ("saa", "half1"): DomainData("saa", "half1", "Half 1", 0),
    }
    rng = random.Random(3)
    chosen = set()
    for _ in range(40):
        choice = learning.choose_question(
            list(split.values()), [], [], set(), course, NOW, rng, blueprint="course"
        )
        assert choice is not None
        chosen.add(choice.question.domains["course"])
    assert chosen == {"half0"}  # a weight of 0 is never drawn
