"""Mock interviews: start, timed answers, finish, and the report with links to course modules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page

from content.keys import content_uuid
from courses.models import CoursePage, HomePage, ModulePage
from interviews import selectors, services
from interviews.models import Card, InterviewCategory, PracticeAnswer, PracticeSession
from interviews.services import PracticeError
from tests.interviews.factories import make_bank

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"interviews:{name}", kwargs=kwargs or None)


@pytest.fixture
def modules(locales):
    """The SEO and analytics modules, in English and Arabic, keyed as load_content keys them, and
    the interview categories that send a trainee back to them (`modules:` of their content files)."""
    for category, key in (("seo", "seo"), ("tools-analytics", "analytics-and-tools")):
        InterviewCategory.objects.create(key=category, modules=[str(content_uuid("module", key))])
    root = Page.get_first_root_node()
    made = {}
    for code in ("en", "ar"):
        home = root.add_child(instance=HomePage(title=f"Home {code}", slug=f"home-{code}", locale=locales[code]))
        course = home.add_child(
            instance=CoursePage(
                title=f"Course {code}",
                slug="course",
                summary="s",
                locale=locales[code],
                translation_key=content_uuid("course", "social-media-manager"),
            )
        )
        for key, title in [
            ("seo", {"en": "SEO basics", "ar": "أساسيات تحسين محركات البحث"}),
            ("analytics-and-tools", {"en": "Analytics and tools", "ar": "التحليلات والأدوات"}),
        ]:
            made[(code, key)] = course.add_child(
                instance=ModulePage(
                    title=title[code], slug=key, locale=locales[code], translation_key=content_uuid("module", key)
                )
            )
    return made


@pytest.fixture
def mixed_bank(locales):
    return make_bank(3, category="seo", level="manager", prefix="seo") + make_bank(
        3, category="tools-analytics", level="manager", prefix="tools"
    )


@pytest.mark.parametrize("count", ["2", "11", "0", "-3", "five", "", "3.5", "99999999999999999999"])
def test_mock_count_outside_3_to_10_is_refused(client, trainee, mixed_bank, count):
    client.force_login(trainee)
    response = client.post(url("mock_start"), {"level": "manager", "count": count})
    assert response.status_code == 400
    assert "from 3 to 10" in response.content.decode()
    assert not PracticeSession.objects.exists()


def test_mock_needs_a_known_level_and_matching_questions(client, trainee, mixed_bank):
    client.force_login(trainee)
    assert client.post(url("mock_start"), {"count": "3"}).status_code == 400
    assert client.post(url("mock_start"), {"level": "intern", "count": "3"}).status_code == 400
    response = client.post(url("mock_start"), {"level": "director", "count": "3"})
    assert response.status_code == 400 and "No questions match" in response.content.decode()


def test_mock_draws_n_questions_of_the_level(trainee, mixed_bank, locales):
    session = services.mock_start(user=trainee, level="manager", count=4, locale=locales["en"])
    answers = list(session.answers.order_by("position"))
    assert len(answers) == 4 == len(set(a.question_key for a in answers))
    assert [str(a.question_key) for a in answers] == session.question_keys
    assert all(a.question.level == "manager" for a in answers)
    # Fewer questions than asked: all of them.
    session = services.mock_start(user=trainee, level="manager", count=10, categories=["seo"], locale=locales["en"])
    assert session.answers.count() == 3


def test_mock_flow_timer_report_and_ratings(client, trainee, mixed_bank, modules, locales):
    client.force_login(trainee)
    response = client.post(
        url("mock_start"), {"level": "manager", "count": "3", "category": ["seo", "tools-analytics"]}
    )
    session = PracticeSession.objects.get(user=trainee)
    assert response["Location"] == url("session", session_id=session.pk)
    first, second, third = session.answers.order_by("position")

    page = client.get(client.get(response["Location"])["Location"])
    body = page.content.decode()
    assert "data-interview-timer" in body and 'data-suggested="120"' in body
    assert "question 1 of 3" in body
    assert first.question.model_answer not in body
    # Out of order: straight to the current question; submitting a later one is refused.
    assert client.get(url("question", answer_id=third.pk))["Location"] == url("question", answer_id=first.pk)
    assert client.post(url("submit", answer_id=third.pk), {"answer": "early"}).status_code == 400
    # No model answers while the interview runs.
    assert client.get(url("reveal", answer_id=first.pk))["Location"] == url("session", session_id=session.pk)

    # The server measures the time taken; the timer never locks anyone out (3 minutes over is fine).
    PracticeAnswer.objects.filter(pk=first.pk).update(started_at=timezone.now() - timedelta(seconds=300))
    client.post(url("submit", answer_id=first.pk), {"answer": "Our goal and KPI first; Buffer to schedule."})
    first.refresh_from_db()
    assert 299 <= first.seconds_taken <= 310
    second.refresh_from_db()
    assert second.started_at is not None
    # A rating before the end is refused.
    assert client.post(url("rate", answer_id=first.pk), {"rating": "good"}).status_code == 400

    client.post(url("submit", answer_id=second.pk), {"answer": ""})  # a skip
    response = client.post(url("submit", answer_id=third.pk), {"answer": "UTM links in Google Analytics"})
    session.refresh_from_db()
    assert session.finished_at is not None
    assert response["Location"] == url("report", session_id=session.pk)

    report = client.get(response["Location"])
    assert report.status_code == 200
    body = report.content.decode()
    assert "5:00" in body  # time of the first question
    assert "Review and rate" in body
    rows = report.context["report"].rows
    assert [row.answer.pk for row in rows] == [first.pk, second.pk, third.pk]
    assert rows[0].over_time and rows[0].covered_count == 2  # hints: scheduling, goals
    assert rows[1].answer.skipped and rows[1].weak
    categories = {item.category for item in report.context["report"].categories_to_review}
    assert rows[1].question.category in categories
    # Links to the matching course module in the active language.
    for item in report.context["report"].categories_to_review:
        expected = {"seo": "SEO basics", "tools-analytics": "Analytics and tools"}[item.category]
        assert [m.title for m in item.modules] == [expected]
        assert expected in body

    # Rate after the interview: back to the report, the card is scheduled.
    response = client.post(url("rate", answer_id=first.pk), {"rating": "easy", "covered": ["scheduling", "goals"]})
    assert response["Location"] == url("report", session_id=session.pk)
    assert Card.objects.filter(user=trainee, question_key=first.question_key).exists()
    report = client.get(url("report", session_id=session.pk))
    assert report.context["report"].rows[0].answer.get_rating_display() == "Effortless: wait much longer"
    assert client.post(url("submit", answer_id=first.pk), {"answer": "late"}).status_code == 400

    # The same report in Arabic links to the Arabic modules.
    report_ar = client.get(url("report", "ar", session_id=session.pk))
    titles = {m.title for item in report_ar.context["report"].categories_to_review for m in item.modules}
    assert titles <= {"أساسيات تحسين محركات البحث", "التحليلات والأدوات"} and titles


def test_ending_a_mock_early_counts_the_rest_as_skipped(client, trainee, mixed_bank, locales):
    client.force_login(trainee)
    client.post(url("mock_start"), {"level": "manager", "count": "5"})
    session = PracticeSession.objects.get(user=trainee)
    first = session.answers.order_by("position").first()
    client.post(url("submit", answer_id=first.pk), {"answer": "Buffer"})
    response = client.post(url("finish", session_id=session.pk))
    assert response["Location"] == url("report", session_id=session.pk)
    report = selectors.session_report(session=PracticeSession.objects.get(pk=session.pk), locale=locales["en"])
    assert [row.answer.skipped for row in report.rows] == [False, True, True, True, True]
    assert report.answered_count == 1
    with pytest.raises(PracticeError):
        services.answer_submit(answer=session.answers.order_by("position")[1], text="too late")


def test_mock_report_query_count_is_flat(client, trainee, locales, modules, django_assert_max_num_queries):
    make_bank(10, category="seo", level="manager", prefix="seo")
    client.force_login(trainee)
    for count in ("3", "10"):
        client.post(url("mock_start"), {"level": "manager", "count": count})
        session = PracticeSession.objects.filter(user=trainee).latest("started_at")
        services.session_finish(session=session)
        with django_assert_max_num_queries(12):
            assert client.get(url("report", session_id=session.pk)).status_code == 200
