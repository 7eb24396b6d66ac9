"""The interview practice pages: practice flow in both languages, privacy, and every bad input."""

import pytest
from django.urls import reverse
from django.utils import translation

from interviews.models import Card, PracticeAnswer, PracticeSession
from tests.factories import UserFactory
from tests.interviews.factories import make_bank, make_question

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"interviews:{name}", kwargs=kwargs or None)


@pytest.fixture
def bank(locales):
    return make_bank(3)


@pytest.fixture
def logged_in(client, trainee):
    client.force_login(trainee)
    return client


def _start_practice(client, lang="en", **data):
    response = client.post(url("practice_start", lang), data)
    assert response.status_code == 302, response.content[:500]
    return response


def test_home_shows_due_and_new_counts_in_both_languages(logged_in, bank):
    response = logged_in.get(url("home"))
    assert response.status_code == 200
    assert response.context["overview"].new_available == 3
    assert response.context["overview"].question_count == 3
    body = response.content.decode()
    assert "Start practice" in body and "Start a mock interview" in body
    response = logged_in.get(url("home", "ar"))
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, bank):
    response = client.get(url("home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_practice_flow_answer_reveal_rate_next(logged_in, trainee, bank):
    response = _start_practice(logged_in)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    assert response["Location"] == url("question", answer_id=answer.pk)

    page = logged_in.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert answer.question.prompt in body
    # The model answer stays hidden until they answer or give up.
    assert answer.question.model_answer not in body
    assert logged_in.get(url("reveal", answer_id=answer.pk))["Location"] == url("question", answer_id=answer.pk)

    response = logged_in.post(url("submit", answer_id=answer.pk), {"answer": "I schedule with Buffer against KPIs."})
    assert response["Location"] == url("reveal", answer_id=answer.pk)
    page = logged_in.get(response["Location"])
    body = page.content.decode()
    assert answer.question.model_answer in body
    assert "Hint: your answer seems to cover this" in body
    assert body.count('name="rating"') == 4

    response = logged_in.post(url("rate", answer_id=answer.pk), {"rating": "good", "covered": ["scheduling", "goals"]})
    answer.refresh_from_db()
    assert answer.rating == 3 and answer.covered_keys == ["scheduling", "goals"]
    assert answer.hinted_keys == ["scheduling", "goals"]
    assert Card.objects.filter(user=trainee, question_key=answer.question_key).exists()
    nxt = PracticeAnswer.objects.filter(session=answer.session).exclude(pk=answer.pk).get()
    assert response["Location"] == url("question", answer_id=nxt.pk)


def test_give_up_reveals_and_counts_as_skip(logged_in, trainee, bank):
    _start_practice(logged_in)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    response = logged_in.post(url("submit", answer_id=answer.pk), {"answer": "", "give_up": "1"})
    assert response["Location"] == url("reveal", answer_id=answer.pk)
    answer.refresh_from_db()
    assert answer.skipped
    assert answer.question.model_answer in logged_in.get(response["Location"]).content.decode()


def test_too_long_answer_is_refused_and_kept(logged_in, trainee, bank):
    _start_practice(logged_in)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    text = "word " * 2001  # 10,005 characters
    response = logged_in.post(url("submit", answer_id=answer.pk), {"answer": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "the limit is 10,000" in body
    assert text.strip() in body  # nothing they typed is lost
    answer.refresh_from_db()
    assert answer.answered_at is None


def test_too_long_answer_message_is_translated(logged_in, trainee, bank):
    _start_practice(logged_in, "ar")
    answer = PracticeAnswer.objects.get(session__user=trainee)
    response = logged_in.post(url("submit", "ar", answer_id=answer.pk), {"answer": "x" * 10_001})
    assert response.status_code == 400
    assert "10,000" in response.content.decode() or "١٠٬٠٠٠" in response.content.decode()
    assert "Your answer is" not in response.content.decode()


@pytest.mark.parametrize("rating", ["", "excellent", "5", "0", "again; drop table"])
def test_bad_ratings_get_400(logged_in, trainee, bank, rating):
    _start_practice(logged_in)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    logged_in.post(url("submit", answer_id=answer.pk), {"answer": "Buffer"})
    response = logged_in.post(url("rate", answer_id=answer.pk), {"rating": rating})
    assert response.status_code == 400
    assert "missed it, shaky, solid or effortless" in response.content.decode()
    assert not Card.objects.exists()


def test_answering_twice_and_in_a_finished_session_gets_400(logged_in, trainee, bank):
    _start_practice(logged_in)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    logged_in.post(url("submit", answer_id=answer.pk), {"answer": "Buffer"})
    response = logged_in.post(url("submit", answer_id=answer.pk), {"answer": "Buffer again"})
    assert response.status_code == 400
    logged_in.post(url("finish", session_id=answer.session_id))
    assert PracticeSession.objects.get(pk=answer.session_id).finished_at is not None
    response = logged_in.post(url("rate", answer_id=answer.pk), {"rating": "good"})
    assert response.status_code == 400
    response = logged_in.post(url("practice_next", session_id=answer.session_id))
    assert response.status_code == 400
    assert "finished" in response.content.decode()


@pytest.mark.parametrize("data", [{"category": "cooking"}, {"level": "ceo"}, {"category": ["seo", "<script>"]}])
def test_bad_filters_get_400(logged_in, bank, data):
    assert logged_in.post(url("practice_start"), data).status_code == 400
    assert logged_in.get(url("home"), data).status_code == 400


def test_wrong_methods_and_unknown_ids(logged_in, bank):
    assert logged_in.get(url("practice_start")).status_code == 405
    assert logged_in.get(url("question", answer_id=999999)).status_code == 404
    assert logged_in.get(url("report", session_id=999999)).status_code == 404
    assert logged_in.post(url("rate", answer_id=999999), {"rating": "good"}).status_code == 404
    assert logged_in.get("/en/interviews/answers/abc/").status_code == 404


def test_answers_belong_to_the_trainee_alone(client, trainee, other_trainee, hr_same_org, bank):
    client.force_login(trainee)
    _start_practice(client)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    client.post(url("submit", answer_id=answer.pk), {"answer": "My private answer about Buffer"})
    session = answer.session
    staff = UserFactory(is_staff=True)
    for intruder in (other_trainee, hr_same_org, staff):
        client.force_login(intruder)
        for name, kwargs in [
            ("question", {"answer_id": answer.pk}),
            ("reveal", {"answer_id": answer.pk}),
            ("report", {"session_id": session.pk}),
            ("session", {"session_id": session.pk}),
        ]:
            assert client.get(url(name, **kwargs)).status_code == 404, (intruder, name)
        assert client.post(url("submit", answer_id=answer.pk), {"answer": "x"}).status_code == 404
        assert client.post(url("rate", answer_id=answer.pk), {"rating": "good"}).status_code == 404
        assert client.post(url("finish", session_id=session.pk)).status_code == 404
        assert client.post(url("practice_next", session_id=session.pk)).status_code == 404
        home = client.get(url("home")).content.decode()
        assert "My private answer" not in home
    answer.refresh_from_db()
    assert answer.answer_text == "My private answer about Buffer" and answer.rating is None
    assert session.finished_at is None


def test_language_switch_mid_question_shows_the_other_version(logged_in, trainee, locales):
    versions = make_question()
    _start_practice(logged_in, "en")
    answer = PracticeAnswer.objects.get(session__user=trainee)
    page = logged_in.get(url("question", "ar", answer_id=answer.pk))
    assert versions["ar"].prompt in page.content.decode()
    logged_in.post(url("submit", "ar", answer_id=answer.pk), {"answer": "أجدول عبر Buffer وأقيس مؤشرات الأداء"})
    answer.refresh_from_db()
    assert answer.question == versions["ar"]
    assert answer.hinted_keys == ["scheduling", "goals"]
    logged_in.post(url("rate", "ar", answer_id=answer.pk), {"rating": "again", "covered": ["scheduling"]})
    # Back in English the schedule is the same card.
    home = logged_in.get(url("home", "en"))
    assert home.context["overview"].due_today == 1
    assert Card.objects.filter(user=trainee).count() == 1


def test_nothing_left_sends_the_trainee_home_with_a_message(logged_in, trainee, locales, settings):
    settings.INTERVIEWS_NEW_PER_DAY = 0
    make_question()
    response = logged_in.post(url("practice_start"), follow=True)
    assert response.redirect_chain[-1][0] == url("home")
    assert "no new questions are left for today" in response.content.decode()


@pytest.mark.parametrize("cards", [5, 60])
def test_practice_pages_query_count_does_not_grow(logged_in, trainee, locales, django_assert_max_num_queries, cards):
    from datetime import timedelta

    from django.utils import timezone

    bank = make_bank(cards, languages=("en",))
    now = timezone.now()
    Card.objects.bulk_create(
        Card(
            user=trainee,
            question_key=q["en"].translation_key,
            category="tools-analytics",
            level="specialist",
            due=now - timedelta(minutes=i + 1),
            created_at=now - timedelta(days=3),
            state=2,
            stability=1,
            difficulty=5,
        )
        for i, q in enumerate(bank)
    )
    with django_assert_max_num_queries(12):
        assert logged_in.get(url("home")).status_code == 200
    with django_assert_max_num_queries(16):
        _start_practice(logged_in)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    with django_assert_max_num_queries(8):
        assert logged_in.get(url("question", answer_id=answer.pk)).status_code == 200
    logged_in.post(url("submit", answer_id=answer.pk), {"answer": "Buffer"})
    with django_assert_max_num_queries(10):
        assert logged_in.get(url("reveal", answer_id=answer.pk)).status_code == 200


def test_practice_summary_lists_answered_questions_only(logged_in, trainee, bank):
    _start_practice(logged_in)
    answer = PracticeAnswer.objects.get(session__user=trainee)
    logged_in.post(url("submit", answer_id=answer.pk), {"answer": "Buffer"})
    logged_in.post(url("rate", answer_id=answer.pk), {"rating": "hard"})
    assert PracticeAnswer.objects.filter(session=answer.session).count() == 2  # the next one is on screen
    report = logged_in.get(url("report", session_id=answer.session_id))
    assert report.status_code == 200
    rows = report.context["report"].rows
    assert [row.answer.pk for row in rows] == [answer.pk]
    assert rows[0].answer.get_rating_display() == "Shaky: bring it back soon"
    assert [c.category for c in report.context["report"].categories_to_review] == ["tools-analytics"]
    # Finishing drops the question shown but never answered.
    logged_in.post(url("finish", session_id=answer.session_id))
    assert list(PracticeAnswer.objects.filter(session=answer.session)) == [answer]
