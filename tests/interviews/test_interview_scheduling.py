"""FSRS scheduling, due-first ordering, the new-per-day limit and language switches."""

from datetime import timedelta

import pytest
from django.utils import timezone

from interviews import selectors, services
from interviews.models import Card, PracticeAnswer
from interviews.services import PracticeError
from tests.interviews.factories import make_bank, make_question

pytestmark = pytest.mark.django_db


def _review(user, question, rating, now):
    return services.card_review(user=user, question=question, rating=rating, now=now)


def test_again_comes_back_sooner_than_easy(trainee, other_trainee, locales):
    question = make_question()["en"]
    now = timezone.now()
    again = _review(trainee, question, "again", now)
    easy = _review(other_trainee, question, "easy", now)
    assert again.due < easy.due
    assert again.due - now <= timedelta(minutes=10)
    assert easy.due - now >= timedelta(days=1)

    # And after a second review a day later, too.
    later = now + timedelta(days=3)
    again2 = _review(trainee, question, "again", later)
    easy2 = _review(other_trainee, question, "easy", later)
    assert again2.due < easy2.due
    assert again2.reviews == easy2.reviews == 2


def test_card_is_one_per_user_and_question_key_in_any_language(trainee, locales):
    versions = make_question()
    now = timezone.now()
    _review(trainee, versions["en"], "good", now)
    _review(trainee, versions["ar"], "good", now + timedelta(days=2))
    card = Card.objects.get(user=trainee)
    assert card.question_key == versions["en"].translation_key == versions["ar"].translation_key
    assert card.reviews == 2


def test_ratings_other_than_the_four_are_refused(trainee, locales, en):
    question = make_question()["en"]
    for bad in ["", "great", "5", "0", "-1", None, "again!"]:
        with pytest.raises(PracticeError) as error:
            _review(trainee, question, bad, timezone.now())
        assert "missed it, shaky, solid or effortless" in error.value.message
    assert not Card.objects.exists()


def _session(user, **filters):
    return services.practice_start(user=user, **filters)


def _answer_and_rate(answer, rating="good", now=None):
    services.answer_submit(answer=answer, text="Hootsuite and KPIs", now=now)
    return services.answer_rate(answer=answer, rating=rating, now=now)


def test_due_cards_come_first_soonest_due_first(trainee, locales, settings):
    settings.INTERVIEWS_NEW_PER_DAY = 5
    bank = make_bank(4)
    now = timezone.now()
    # Two cards reviewed long ago: both due now, the older one first.
    _review(trainee, bank[2]["en"], "good", now - timedelta(days=60))
    _review(trainee, bank[3]["en"], "good", now - timedelta(days=30))
    Card.objects.filter(question_key=bank[2]["en"].translation_key).update(
        due=now - timedelta(days=2), created_at=now - timedelta(days=60)
    )
    Card.objects.filter(question_key=bank[3]["en"].translation_key).update(
        due=now - timedelta(days=1), created_at=now - timedelta(days=30)
    )

    session = _session(trainee)
    first = services.practice_next(session=session, locale=locales["en"], now=now)
    assert first.question_key == bank[2]["en"].translation_key
    _answer_and_rate(first, "easy", now)
    second = services.practice_next(session=session, locale=locales["en"], now=now)
    assert second.question_key == bank[3]["en"].translation_key
    _answer_and_rate(second, "easy", now)
    third = services.practice_next(session=session, locale=locales["en"], now=now)
    assert third.question_key in {bank[0]["en"].translation_key, bank[1]["en"].translation_key}  # new
    assert selectors.due_count(user=trainee, until=now) == 0


def test_new_questions_are_limited_per_day(trainee, locales, settings):
    settings.INTERVIEWS_NEW_PER_DAY = 2
    make_bank(5)
    now = timezone.now()
    session = _session(trainee)
    seen = []
    for _ in range(2):
        answer = services.practice_next(session=session, locale=locales["en"], now=now)
        seen.append(answer.question_key)
        _answer_and_rate(answer, "easy", now)
    assert len(set(seen)) == 2
    assert selectors.new_left_today(user=trainee, now=now) == 0
    # Nothing due (easy pushed them days away) and no new left: nothing to practise.
    assert services.practice_next(session=session, locale=locales["en"], now=now) is None
    overview = selectors.practice_overview(user=trainee, locale=locales["en"], now=now)
    assert (overview.new_available, overview.due_today, overview.question_count) == (0, 0, 5)
    # Tomorrow two more.
    tomorrow = now + timedelta(days=1)
    assert selectors.new_left_today(user=trainee, now=tomorrow) == 2


def test_learning_cards_come_back_the_same_day_after_new_ones(trainee, locales, settings):
    settings.INTERVIEWS_NEW_PER_DAY = 1
    make_bank(2)
    now = timezone.now().replace(hour=10)
    session = _session(trainee)
    answer = services.practice_next(session=session, locale=locales["en"], now=now)
    _answer_and_rate(answer, "again", now)
    # Quota used; the "again" card is due in minutes: it is asked again today.
    nxt = services.practice_next(session=session, locale=locales["en"], now=now + timedelta(seconds=5))
    assert nxt.question_key == answer.question_key
    assert selectors.practice_overview(user=trainee, locale=locales["en"], now=now).due_today == 1


def test_filters_by_category_and_level(trainee, locales, settings):
    settings.INTERVIEWS_NEW_PER_DAY = 10
    make_bank(2, category="seo", level="manager", prefix="seo")
    make_bank(2, category="tools-analytics", level="specialist", prefix="tools")
    session = _session(trainee, categories=["seo"], level="manager")
    keys = set()
    for _ in range(2):
        answer = services.practice_next(session=session, locale=locales["en"])
        assert answer.question.category == "seo" and answer.question.level == "manager"
        keys.add(answer.question_key)
        _answer_and_rate(answer, "easy")
    assert services.practice_next(session=session, locale=locales["en"]) is None
    assert Card.objects.filter(user=trainee, category="seo", level="manager").count() == 2
    with pytest.raises(PracticeError):
        _session(trainee, categories=["cooking"])
    with pytest.raises(PracticeError):
        _session(trainee, level="ceo")


def test_language_switch_keeps_the_schedule(trainee, locales):
    versions = make_question()
    now = timezone.now()
    session = _session(trainee)
    answer = services.practice_next(session=session, locale=locales["en"], now=now)
    assert answer.question == versions["en"]
    _answer_and_rate(answer, "again", now)
    later = now + timedelta(minutes=30)

    # Same trainee, now in Arabic: the card is the same, due, and shown in Arabic.
    overview = selectors.practice_overview(user=trainee, locale=locales["ar"], now=later)
    assert overview.due_today == 1 and overview.new_available == 0
    session_ar = _session(trainee)
    answer_ar = services.practice_next(session=session_ar, locale=locales["ar"], now=later)
    assert answer_ar.question == versions["ar"]
    services.answer_submit(answer=answer_ar, text="أستخدم Hootsuite للجدولة", now=later)
    answer_ar.refresh_from_db()
    assert answer_ar.hinted_keys == ["scheduling"]
    services.answer_rate(answer=answer_ar, rating="good", covered_keys=["scheduling"], now=later)
    card = Card.objects.get(user=trainee)
    assert card.reviews == 2 and card.due > later


def test_empty_answer_is_a_skip_and_long_answer_is_refused(trainee, locales):
    make_question()
    session = _session(trainee)
    answer = services.practice_next(session=session, locale=locales["en"])
    with pytest.raises(PracticeError) as error:
        services.answer_submit(answer=answer, text="x" * 10_001)
    assert "10,001" in error.value.message and "10,000" in error.value.message
    answer.refresh_from_db()
    assert answer.answered_at is None
    services.answer_submit(answer=answer, text="x" * 10_000)  # the limit itself is fine
    answer.refresh_from_db()
    assert not answer.skipped

    session2 = _session(trainee)
    PracticeAnswer.objects.filter(pk=answer.pk).update(rating=3)
    answer2 = services.practice_next(session=session2, locale=locales["en"])
    services.answer_submit(answer=answer2, text="   \n ")
    answer2.refresh_from_db()
    assert answer2.skipped and answer2.hinted_keys == []


def test_answering_twice_or_in_a_finished_session_is_refused(trainee, locales):
    make_question()
    session = _session(trainee)
    answer = services.practice_next(session=session, locale=locales["en"])
    services.answer_submit(answer=answer, text="Buffer")
    with pytest.raises(PracticeError):
        services.answer_submit(answer=answer, text="again")
    services.session_finish(session=session)
    with pytest.raises(PracticeError):
        services.answer_rate(answer=answer, rating="good")
    with pytest.raises(PracticeError):
        services.practice_next(session=session, locale=locales["en"])


def test_rating_before_answering_and_twice_is_refused(trainee, locales):
    make_question()
    session = _session(trainee)
    answer = services.practice_next(session=session, locale=locales["en"])
    with pytest.raises(PracticeError):
        services.answer_rate(answer=answer, rating="good")
    services.answer_submit(answer=answer, text="", give_up=True)
    services.answer_rate(answer=answer, rating="again", covered_keys=["goals", "not-a-point"])
    answer.refresh_from_db()
    assert answer.covered_keys == ["goals"]
    with pytest.raises(PracticeError):
        services.answer_rate(answer=answer, rating="easy")
    assert Card.objects.get(user=trainee).reviews == 1
