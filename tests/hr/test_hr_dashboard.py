import csv
import datetime
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrollment, LessonCompletion, LessonPage
from hr.models import Export
from quizzes.models import Attempt
from tests.certificates.factories import issued
from tests.courses.factories import build_course
from tests.factories import HRFactory, OrganizationFactory, UserFactory
from tests.hr.factories import add_quiz, populate

pytestmark = pytest.mark.django_db


# --- access ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/en/hr/", "/ar/hr/", "/en/hr/trainees.csv"])
def test_trainees_cannot_reach_the_hr_dashboard(client, trainee, url):
    client.force_login(trainee)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(role="hr"))  # HR role without an organization
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_trainees_cannot_ask_for_an_export(client, trainee):
    client.force_login(trainee)
    assert client.post("/en/hr/exports/", {}).status_code == 404
    assert not Export.objects.exists()


def test_hr_sees_only_their_organization(client, course, organization):
    other = OrganizationFactory(name="Other Org")
    populate(organization, course, 3, prefix="mine")
    populate(other, course, 3, prefix="theirs")
    hr = HRFactory(organization=organization)
    client.force_login(hr)
    page = client.get("/en/hr/")
    assert page.status_code == 200
    assert "Trainee mine0" in page.text and "Trainee theirs0" not in page.text
    assert len(page.context["rows"]) == 3
    csv_text = b"".join(client.get("/en/hr/trainees.csv").streaming_content).decode("utf-8-sig")
    assert "Trainee mine1" in csv_text and "Trainee theirs1" not in csv_text
    # The HR link is in the navigation for HR only.
    assert 'href="/en/hr/"' in page.text


def test_the_dashboard_shows_progress_quiz_scores_completion_and_certificates(client, organization, course, trainee):
    quiz = add_quiz(course)
    certificate = issued(trainee, course, render=True)
    lessons = list(LessonPage.objects.descendant_of(course).live())
    LessonCompletion.objects.bulk_create(
        LessonCompletion(user=trainee, course_key=course.translation_key, lesson_key=lesson.translation_key)
        for lesson in lessons
    )
    learner = UserFactory(organization=organization, name_latin="Sami Learner")
    Enrollment.objects.create(user=learner, course_key=course.translation_key)
    LessonCompletion.objects.create(
        user=learner, course_key=course.translation_key, lesson_key=lessons[0].translation_key
    )
    for score, passed in ((3, False), (9, True)):
        Attempt.objects.create(
            user=learner,
            quiz=quiz,
            quiz_key=quiz.translation_key,
            status="submitted",
            submitted_at=timezone.now(),
            score=score,
            max_score=10,
            passed=passed,
        )
    Attempt.objects.create(
        user=learner, quiz=quiz, quiz_key=quiz.translation_key, status="in_progress", score=10, max_score=10
    )
    Attempt.objects.create(  # Layla passed the quiz too: every step of the course is done
        user=trainee,
        quiz=quiz,
        quiz_key=quiz.translation_key,
        status="submitted",
        submitted_at=timezone.now(),
        score=10,
        max_score=10,
        passed=True,
    )

    client.force_login(HRFactory(organization=organization))
    page = client.get("/en/hr/")
    rows = {row.user.name_latin: row for row in page.context["rows"]}
    sami = rows["Sami Learner"]
    assert (sami.lessons_done, sami.lessons_total) == (1, 4)
    assert sami.quiz_best == 90 and (sami.quizzes_passed, sami.quizzes_total) == (1, 1)
    assert sami.percent == round(2 * 100 / 5)
    assert sami.certificate is None
    layla = rows["Layla Haddad"]
    assert layla.percent == 100 and layla.certificate == certificate
    assert f"/en/certificates/{certificate.code}/ar.pdf" in page.text
    assert f"/en/certificates/{certificate.code}/en.pdf" in page.text
    # HR of the organization downloads it.
    assert client.get(f"/en/certificates/{certificate.code}/ar.pdf").status_code == 200


def test_filters_by_course_status_dates_and_name(client, organization):
    courses = build_course(slug="course-a", titles={"en": "Course A", "ar": "الدورة أ"})
    other_course = build_course(slug="course-b", titles={"en": "Course B", "ar": "الدورة ب"})
    a = UserFactory(organization=organization, name_latin="Alice Aa", name_arabic="أليس")
    b = UserFactory(organization=organization, name_latin="Bob Bb", name_arabic="بوب")
    now = timezone.now()
    Enrollment.objects.create(
        user=a, course_key=courses["en"].translation_key, completed_at=now - datetime.timedelta(days=30)
    )
    Enrollment.objects.create(user=b, course_key=courses["en"].translation_key)
    Enrollment.objects.create(user=b, course_key=other_course["en"].translation_key, completed_at=now)
    client.force_login(HRFactory(organization=organization))

    def names(**params):
        response = client.get("/en/hr/", params)
        assert response.status_code == 200
        return sorted(f"{row.user.name_latin}/{row.course_title}" for row in response.context["rows"])

    assert names() == ["Alice Aa/Course A", "Bob Bb/Course A", "Bob Bb/Course B"]
    assert names(course=str(other_course["en"].translation_key)) == ["Bob Bb/Course B"]
    assert names(status="in_progress") == ["Bob Bb/Course A"]
    assert names(status="completed") == ["Alice Aa/Course A", "Bob Bb/Course B"]
    assert names(q="alice") == ["Alice Aa/Course A"]
    assert names(q="بوب") == ["Bob Bb/Course A", "Bob Bb/Course B"]
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert names(date_from=week_ago) == ["Bob Bb/Course B"]
    assert names(date_to=week_ago) == ["Alice Aa/Course A"]
    # Titles follow the page language.
    assert "الدورة ب" in client.get("/ar/hr/").text
    # Bad input: a clear message, never a 500; the bad filter is ignored.
    bad = client.get("/en/hr/", {"date_from": "not-a-date", "course": "nope", "status": "weird", "page": "x"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.text
    swapped = client.get("/en/hr/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert swapped.status_code == 200 and "The start date is after the end date" in swapped.text


def test_pagination(client, organization, course):
    populate(organization, course, 30)
    client.force_login(HRFactory(organization=organization))
    first = client.get("/en/hr/")
    assert len(first.context["rows"]) == 25 and "page=2" in first.text
    second = client.get("/en/hr/", {"page": 2})
    assert len(second.context["rows"]) == 5
    seen = {r.enrollment.pk for r in first.context["rows"]} | {r.enrollment.pk for r in second.context["rows"]}
    assert len(seen) == 30


def test_completions_per_week_chart(client, organization, course):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    for days_ago, n in ((0, 3), (7, 1)):
        for _ in range(n):
            user = UserFactory(organization=organization)
            when = timezone.make_aware(
                datetime.datetime.combine(monday - datetime.timedelta(days=days_ago), datetime.time(12))
            )
            Enrollment.objects.create(user=user, course_key=course.translation_key, completed_at=when)
    client.force_login(HRFactory(organization=organization))
    page = client.get("/en/hr/")
    weeks = page.context["weeks"]
    assert len(weeks) == 12 and weeks[-1]["week"] == monday
    assert [w["count"] for w in weeks[-2:]] == [1, 3]
    assert weeks[-1]["percent"] == 100 and weeks[-2]["percent"] == 33
    assert 'class="chart"' in page.text and page.text.count('class="bar"') == 12


def test_csv_export_opens_in_excel_with_arabic(client, organization, course, trainee):
    issued(trainee, course, render=True)
    LessonCompletion.objects.bulk_create(
        LessonCompletion(user=trainee, course_key=course.translation_key, lesson_key=lesson.translation_key)
        for lesson in LessonPage.objects.descendant_of(course).live()
    )
    mallory = UserFactory(organization=organization, name_latin="=HYPERLINK(1)", name_arabic="مالوري")
    Enrollment.objects.create(user=mallory, course_key=course.translation_key)
    client.force_login(HRFactory(organization=organization))
    response = client.get("/ar/hr/trainees.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3
    layla = next(r for r in rows if "ليلى حداد" in r)
    assert "دورة تجريبية" in layla and layla[rows[0].index("التقدم (%)")] == "100"
    assert any(r[0] == "'=HYPERLINK(1)" for r in rows)


def test_the_dashboard_percent_is_the_one_the_trainee_sees_on_the_course_page(client, organization, course, trainee):
    """One rule (courses.selectors.StepsDone): a lesson done then unpublished, or a completion
    that no lesson matches, counts on neither page; a passed quiz counts on both."""
    first_quiz = add_quiz(course)
    second_quiz = add_quiz(course, module=1)
    lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
    course_services.lesson_complete(user=trainee, lesson=lessons[0])
    course_services.lesson_complete(user=trainee, lesson=lessons[3])
    lessons[3].unpublish()
    LessonCompletion.objects.create(user=trainee, course_key=course.translation_key, lesson_key=uuid.uuid4())
    for quiz, passed in ((first_quiz, True), (second_quiz, False)):
        Attempt.objects.create(
            user=trainee,
            quiz=quiz,
            quiz_key=quiz.translation_key,
            status="submitted",
            submitted_at=timezone.now(),
            score=8 if passed else 2,
            max_score=10,
            passed=passed,
        )

    client.force_login(trainee)
    own = re.search(r'role="progressbar"[^>]*aria-valuenow="(\d+)"', client.get(course.url).text)
    client.force_login(HRFactory(organization=organization))
    (row,) = client.get("/en/hr/").context["rows"]
    # 3 live lessons and 2 module quizzes: lesson 1 and the first quiz are done.
    assert (row.lessons_done, row.lessons_total, row.quizzes_passed, row.quizzes_total) == (1, 3, 1, 2)
    assert row.percent == int(own.group(1)) == 40


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/en/hr/").status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_are_flat_from_10_to_500_trainees(client, organization, django_assert_max_num_queries):
    courses = [build_course(slug=f"c{i}", titles={"en": f"C{i}", "ar": f"د{i}"})["en"] for i in range(2)]
    quiz = add_quiz(courses[0])
    hr = HRFactory(organization=organization)
    client.force_login(hr)
    populate(organization, courses[0], 10, quiz=quiz, prefix="a")
    client.get("/en/hr/")  # the course structures are read once, then cached
    small = _dashboard_queries(client)
    populate(organization, courses[0], 245, quiz=quiz, prefix="b")
    populate(organization, courses[1], 245, prefix="c")
    assert Enrollment.objects.filter(user__organization=organization).count() == 500
    client.get("/en/hr/")  # the structure of the course the new rows show is read once, then cached
    with django_assert_max_num_queries(small):
        _dashboard_queries(client)
    assert small <= 26
