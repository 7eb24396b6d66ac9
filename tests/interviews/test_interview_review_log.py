"""Every self-rating leaves a review log row in the FSRS optimiser's shape; the trainee is told
when the question comes back, in their language; the four ratings say what they do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from interviews import scheduling, services
from interviews.models import Card, PracticeAnswer, Rating, ReviewLog
from interviews.services import PracticeError
from tests.interviews.factories import make_bank, make_question

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"interviews:{name}", kwargs=kwargs or None)


@pytest.fixture
def logged_in(client, trainee):
    client.force_login(trainee)
    return client


def _asked(user, locale, now):
    session = services.practice_start(user=user, now=now)
    return services.practice_next(session=session, locale=locale, now=now)


def test_a_rating_logs_the_review_with_the_state_before_and_the_time_from_reveal(trainee, locales):
    question = make_question()["en"]
    now = timezone.now().replace(microsecond=0)
    answer = _asked(trainee, locales["en"], now)
    services.answer_submit(answer=answer, text="Buffer and KPIs", now=now + timedelta(seconds=50))
    services.answer_rate(answer=answer, rating="good", now=now + timedelta(seconds=62, milliseconds=500))

    log = ReviewLog.objects.get()
    card = Card.objects.get(user=trainee, question_key=question.translation_key)
    assert log.card == card
    assert log.rating == Rating.GOOD
    assert log.reviewed_at == now + timedelta(seconds=62, milliseconds=500)
    assert log.duration_ms == 12_500  # from the reveal (the answer submitted) to the rating
    assert (log.state, log.stability, log.difficulty, log.elapsed_days) == (ReviewLog.State.NEW, None, None, 0)

    # Three days later: the state before is the card as the first review left it.
    stability, difficulty, state = card.stability, card.difficulty, card.state
    later = now + timedelta(days=3)
    card.due = later - timedelta(hours=1)
    card.save(update_fields=["due"])
    answer = _asked(trainee, locales["en"], later)
    assert answer.question_key == question.translation_key
    services.answer_submit(answer=answer, text="Buffer", now=later)
    services.answer_rate(answer=answer, rating="again", now=later + timedelta(seconds=4))
    second = ReviewLog.objects.order_by("reviewed_at").last()
    assert (second.rating, second.state, second.elapsed_days, second.duration_ms) == (Rating.AGAIN, state, 3, 4000)
    assert (second.stability, second.difficulty) == (stability, difficulty)
    assert ReviewLog.objects.count() == 2 == Card.objects.get(pk=card.pk).reviews


def test_a_mock_interview_answer_is_revealed_when_the_interview_ends(trainee, locales):
    make_bank(3)
    now = timezone.now()
    session = services.mock_start(user=trainee, level="specialist", count=3, locale=locales["en"], now=now)
    answers = list(session.answers.order_by("position"))
    services.answer_submit(answer=answers[0], text="Buffer", now=now + timedelta(seconds=30))
    services.session_finish(session=session, now=now + timedelta(seconds=60))
    services.answer_rate(answer=answers[0], rating="hard", now=now + timedelta(seconds=70))
    assert ReviewLog.objects.get().duration_ms == 10_000


def test_a_refused_rating_logs_nothing(trainee, locales):
    make_question()
    now = timezone.now()
    answer = _asked(trainee, locales["en"], now)
    services.answer_submit(answer=answer, text="Buffer", now=now)
    with pytest.raises(PracticeError):
        services.answer_rate(answer=answer, rating="superb", now=now)
    services.answer_rate(answer=answer, rating="easy", now=now)
    with pytest.raises(PracticeError):
        services.answer_rate(answer=answer, rating="again", now=now)
    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [Rating.EASY]


# "Comes back in ..." ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "english", "arabic"),
    [
        (timedelta(seconds=20), "in under a minute", "بعد أقل من دقيقة"),
        (timedelta(minutes=1), "in 1 minute", "بعد دقيقة واحدة"),
        (timedelta(minutes=10), "in 10 minutes", "بعد ١٠ دقائق"),
        (timedelta(hours=2), "in 2 hours", "بعد ساعتين"),
        (timedelta(days=1), "in 1 day", "بعد يوم واحد"),
        (timedelta(days=3), "in 3 days", "بعد ٣ أيام"),
        (timedelta(days=11), "in 11 days", "بعد ١١ يومًا"),
        (timedelta(days=90), "in 3 months", "بعد ٣ أشهر"),
        (timedelta(days=800), "in 2 years", "بعد سنتين"),
    ],
)
def test_comes_back_in_both_languages_with_arabic_plurals_and_digits(delta, english, arabic):
    now = timezone.now()
    with translation.override("en"):
        assert scheduling.comes_back_in(now + delta, now) == english
    with translation.override("ar"):
        assert scheduling.comes_back_in(now + delta, now) == arabic


@given(seconds=st.integers(min_value=-(10**6), max_value=200 * 365 * 86400))
@settings(max_examples=200, deadline=None)
def test_comes_back_in_is_always_a_sentence_with_a_number_in_both_languages(seconds):
    now = timezone.now()
    for language in ("en", "ar"):
        with translation.override(language):
            text = scheduling.comes_back_in(now + timedelta(seconds=seconds), now)
        assert text and "%(" not in text
        if language == "ar":
            assert not any(c in "0123456789" for c in text)


@pytest.mark.parametrize(
    ("lang", "rating", "expected"),
    [
        ("en", "again", "This question comes back in 1 minute."),
        ("en", "easy", "This question comes back in "),
        ("ar", "again", "يعود هذا السؤال بعد دقيقة واحدة."),
        ("ar", "easy", "يعود هذا السؤال بعد "),
    ],
)
def test_after_rating_the_next_page_says_when_the_question_comes_back(
    logged_in, trainee, locales, lang, rating, expected
):
    make_question()
    logged_in.post(url("practice_start", lang))
    answer = PracticeAnswer.objects.get(session__user=trainee)
    logged_in.post(url("submit", lang, answer_id=answer.pk), {"answer": "Buffer"})
    response = logged_in.post(url("rate", lang, answer_id=answer.pk), {"rating": rating}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert expected in body
    card = Card.objects.get(user=trainee)
    if rating == "easy":  # a first "easy" skips the learning steps: days away, in local digits
        days = round((card.due - ReviewLog.objects.get().reviewed_at).total_seconds() / 86400)
        assert days >= 1
        with translation.override(lang):
            assert scheduling.comes_back_in(card.due, ReviewLog.objects.get().reviewed_at) in body
    # The rated answer's page says it too.
    page = logged_in.get(url("reveal", lang, answer_id=answer.pk)).content.decode()
    assert ("This question comes back" if lang == "en" else "يعود هذا السؤال") in page


def test_the_four_ratings_say_what_they_do_to_the_schedule_in_both_languages(logged_in, trainee, locales):
    make_question()
    for lang, words in [
        (
            "en",
            ["Missed it: ask me again today", "Shaky: bring it back soon", "Solid: wait longer", "Effortless: wait"],
        ),
        ("ar", ["لم أُجب: أعِدها عليّ اليوم", "متعثّر: أعِدها قريبًا", "متمكّن: أمهلني مدة أطول<", "بسهولة تامة: أمهلني"]),
    ]:
        PracticeAnswer.objects.all().delete()
        logged_in.post(url("practice_start", lang))
        answer = PracticeAnswer.objects.get(session__user=trainee)
        logged_in.post(url("submit", lang, answer_id=answer.pk), {"answer": "Buffer"})
        body = logged_in.get(url("reveal", lang, answer_id=answer.pk)).content.decode()
        assert body.count('name="rating"') == 4
        for phrase in words:
            assert phrase in body, phrase
        assert ">Again<" not in body and ">Easy<" not in body


# Bad input ------------------------------------------------------------------------------


def _answered(client, trainee, lang="en"):
    client.post(url("practice_start", lang))
    answer = PracticeAnswer.objects.filter(session__user=trainee).latest("pk")
    client.post(url("submit", lang, answer_id=answer.pk), {"answer": "Buffer"})
    return answer


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "Choose one of the four ratings"), ("ar", "اختر أحد التقييمات الأربعة")],
)
@pytest.mark.parametrize("rating", ["", "5", "0", "fantastic", "٥", "3.0", "1e1", "x" * 5000])
def test_a_rating_not_in_the_list_gets_a_translated_400_and_no_log(logged_in, trainee, locales, lang, message, rating):
    make_question()
    answer = _answered(logged_in, trainee, lang)
    response = logged_in.post(url("rate", lang, answer_id=answer.pk), {"rating": rating})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize(("lang", "message"), [("en", "already rated"), ("ar", "قيّمت هذه الإجابة من قبل")])
def test_rating_twice_gets_a_translated_400_and_one_log(logged_in, trainee, locales, lang, message):
    make_question()
    answer = _answered(logged_in, trainee, lang)
    assert logged_in.post(url("rate", lang, answer_id=answer.pk), {"rating": "good"}).status_code == 302
    response = logged_in.post(url("rate", lang, answer_id=answer.pk), {"rating": "again"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReviewLog.objects.count() == 1


def test_rating_someone_elses_answer_is_a_404_and_logs_nothing(client, logged_in, trainee, other_trainee, locales):
    make_question()
    answer = _answered(logged_in, trainee)
    client.force_login(other_trainee)
    for lang in ("en", "ar"):
        assert client.post(url("rate", lang, answer_id=answer.pk), {"rating": "good"}).status_code == 404
    assert not ReviewLog.objects.exists()
    assert PracticeAnswer.objects.get(pk=answer.pk).rating is None


@given(value=st.one_of(st.text(max_size=12), st.integers(), st.none(), st.floats(allow_nan=True)))
@settings(max_examples=300, deadline=None)
def test_rating_parse_accepts_exactly_the_four_ratings(value):
    names = {"again": 1, "hard": 2, "good": 3, "easy": 4}
    text = str(value if value is not None else "").strip().lower()
    expected = names.get(text) or (int(text) if text in {"1", "2", "3", "4", "01", "02", "03", "04"} else None)
    if expected is None:
        with pytest.raises(PracticeError):
            services.rating_parse(value)
    else:
        assert services.rating_parse(value) == expected
