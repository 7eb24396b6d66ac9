"""The dashboard lists every trainee of the organization, started or not, sorts its columns on the
server and says what its score column is."""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.utils import timezone

from certificates import services as certificate_services
from certificates.storage import private_storage
from courses.models import CourseAssignment, Enrollment
from hr.models import Export
from tests.certificates.factories import issued
from tests.factories import HRFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [row.user.name_latin for row in response.context["rows"]]


def test_members_who_never_started_are_listed_with_enrolment_and_activity(client, organization, course):
    started = UserFactory(organization=organization, name_latin="Started Sara")
    Enrollment.objects.create(
        user=started,
        course_key=course.translation_key,
        enrolled_at=timezone.now() - datetime.timedelta(days=9),
        last_activity_at=timezone.now() - datetime.timedelta(days=2),
    )
    UserFactory(organization=organization, name_latin="Idle Ibrahim")
    UserFactory(organization=OrganizationFactory(name="Elsewhere"), name_latin="Other Omar")
    client.force_login(HRFactory(organization=organization))
    page = client.get("/en/hr/")
    assert sorted(_names(page)) == ["Idle Ibrahim", "Started Sara"]
    idle = next(r for r in page.context["rows"] if r.user.name_latin == "Idle Ibrahim")
    assert not idle.started and "Not started" in page.text
    assert page.context["summary"]["members"] == 2 and page.context["summary"]["not_started"] == 1
    assert "Enrolled on" in page.text and "Last activity" in page.text
    # Only those who never started, when asked for.
    assert _names(client.get("/en/hr/", {"status": "not_started"})) == ["Idle Ibrahim"]
    # A course filter leaves out who is not in the course.
    assert _names(client.get("/en/hr/", {"course": str(course.translation_key)})) == ["Started Sara"]
    # The extra-time page of each trainee is one link away.
    assert f'href="/en/hr/trainees/{idle.user.pk}/"' in page.text


def test_columns_sort_on_the_server_with_aria_sort(client, organization, course):
    now = timezone.now()
    for name, days in (("Beth", 3), ("Adam", 1), ("Carl", 2)):
        user = UserFactory(organization=organization, name_latin=name, name_arabic=f"ع{name}")
        Enrollment.objects.create(
            user=user,
            course_key=course.translation_key,
            enrolled_at=now - datetime.timedelta(days=days),
            last_activity_at=now - datetime.timedelta(hours=days),
        )
    UserFactory(organization=organization, name_latin="Zed")  # never started: last whichever the order
    client.force_login(HRFactory(organization=organization))
    assert _names(client.get("/en/hr/", {"sort": "name"})) == ["Adam", "Beth", "Carl", "Zed"]
    assert _names(client.get("/en/hr/", {"sort": "-name"})) == ["Zed", "Carl", "Beth", "Adam"]
    assert _names(client.get("/en/hr/", {"sort": "enrolled"})) == ["Beth", "Carl", "Adam", "Zed"]
    assert _names(client.get("/en/hr/", {"sort": "-enrolled"})) == ["Adam", "Carl", "Beth", "Zed"]
    assert _names(client.get("/en/hr/", {"sort": "-activity"})) == ["Adam", "Carl", "Beth", "Zed"]
    page = client.get("/en/hr/", {"sort": "enrolled"})
    header = re.search(r'<th scope="col" aria-sort="ascending"><a class="sort" href="([^"]+)">Enrolled on', page.text)
    assert header and "sort=-enrolled" in header.group(1).replace("&amp;", "&")
    assert page.text.count("aria-sort=") == 1
    # Not in the list: the default order, never an error (nor SQL injection through order_by).
    for bad in ("password", "-user__password", "e__id;drop", "", "--name"):
        assert client.get("/en/hr/", {"sort": bad}).status_code == 200
    # The Arabic page sorts the name column by the Arabic name.
    assert "sort=name_ar" in client.get("/ar/hr/").text


def test_the_score_column_says_what_it_counts_and_the_chart_has_a_text_alternative(client, organization, course):
    Enrollment.objects.create(user=UserFactory(organization=organization), course_key=course.translation_key)
    client.force_login(HRFactory(organization=organization))
    page = client.get("/en/hr/")
    assert "Quiz results" in page.text and ("No module quiz" in page.text or "Module quizzes passed" in page.text)
    assert "<figure" in page.text and "<figcaption" in page.text
    assert 'aria-label="Completions per week, as a table"' in page.text
    assert page.text.count('class="bar-value"') == 12
    arabic = client.get("/ar/hr/")
    assert "نتائج الاختبارات" in arabic.text


def _csv(client, **params):
    response = client.get("/en/hr/trainees.csv", params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_the_dashboards_rows_and_columns(client, organization, course):
    now = timezone.now()
    for name, days in (("Beth", 3), ("Adam", 1)):
        user = UserFactory(organization=organization, name_latin=name)
        Enrollment.objects.create(
            user=user, course_key=course.translation_key, enrolled_at=now - datetime.timedelta(days=days)
        )
    idle = UserFactory(organization=organization, name_latin="Zed")
    CourseAssignment.objects.create(user=idle, course_key=course.translation_key, due_on=datetime.date(2099, 1, 2))
    client.force_login(HRFactory(organization=organization))
    header, *rows = _csv(client, sort="enrolled")
    for column in ("Due date", "Enrolled on", "Last activity", "Module quizzes passed", "Exam score (%)"):
        assert column in header
    # The same trainees in the same order as the dashboard sorted the same way, the one who never
    # started included (with the course assigned to them).
    assert [r[0] for r in rows] == _names(client.get("/en/hr/", {"sort": "enrolled"})) == ["Beth", "Adam", "Zed"]
    assert "2099-01-02" in rows[2][3]
    assert rows[0][header.index("Enrolled on")] == (now - datetime.timedelta(days=3)).date().isoformat()
    assert [r[0] for r in _csv(client, status="not_started")[1:]] == ["Zed"]


def test_a_new_zip_never_holds_a_revoked_certificate(
    client, organization, course, trainee, eager_celery, django_capture_on_commit_callbacks
):
    certificate = issued(trainee, course, render=True)
    hr = HRFactory(organization=organization)
    certificate_services.certificate_revoke(certificate=certificate, by=hr, reason="Issued by mistake")
    client.force_login(hr)
    for filters in ({}, {"status": "certificate_revoked"}, {"status": "completed"}):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/en/hr/exports/", filters)
        export = Export.objects.order_by("-pk").first()
        assert export.status == Export.Status.READY and export.certificate_ids == [] and export.total == 0
        with zipfile.ZipFile(private_storage().open(export.file, "rb")) as archive:
            assert archive.namelist() == ["certificates.csv"]
            assert certificate.code not in archive.read("certificates.csv").decode("utf-8-sig")


def test_the_dashboard_queries_are_flat_with_members_who_never_started_and_assignments(client, organization):
    """The same number of queries for 12 and 600 trainees with assignments, a third never started
    (those sort last by name, so each page has both kinds at either size)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.courses.factories import build_course
    from tests.hr.factories import add_quiz, populate

    courses = [build_course(slug=f"f{i}", titles={"en": f"F{i}", "ar": f"ف{i}"})["en"] for i in range(2)]
    quiz = add_quiz(courses[0])
    client.force_login(HRFactory(organization=organization))

    def grow(count: int, prefix: str):
        started = populate(organization, courses[0], count * 2 // 3, quiz=quiz, prefix=prefix)
        idle = [UserFactory(organization=organization, name_latin=f"Zz Idle {prefix}{i}") for i in range(count // 3)]
        due = timezone.localdate() + datetime.timedelta(days=2)
        CourseAssignment.objects.bulk_create(
            CourseAssignment(user=user, course_key=course.translation_key, due_on=due)
            for user in started + idle
            for course in courses
        )

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/en/hr/", params).status_code == 200
        return len(ctx.captured_queries)

    grow(12, "s")
    queries()  # warm the caches (the course structures)
    small = [queries(), queries(sort="name"), queries(status="not_started"), queries(sort="-activity")]
    grow(588, "l")
    large = [queries(), queries(sort="name"), queries(status="not_started"), queries(sort="-activity")]
    assert small == large
    assert max(large) <= 30


def test_the_exam_score_reads_with_the_arabic_percent_sign():
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("ar"):
        assert gettext("Exam score: %(score)s%%") % {"score": "٨٠"} == "درجة الاختبار النهائي: ٨٠٪"
    with translation.override("en"):
        assert gettext("Exam score: %(score)s%%") % {"score": "80"} == "Exam score: 80%"


@pytest.mark.parametrize(
    "status, filter_value",
    [("ready", "certificate_ready"), ("pending", "certificate_pending"), ("revoked", "certificate_revoked")],
)
def test_the_certificate_filters_list_whose_certificate_is_in_that_state(
    client, organization, course, status, filter_value
):
    from certificates.models import Certificate

    holder = UserFactory(organization=organization, name_latin="Salma Youssef")
    other = UserFactory(organization=organization, name_latin="Salma Other")
    Enrollment.objects.get_or_create(user=other, course_key=course.translation_key)
    certificate = issued(holder, course)
    Certificate.objects.filter(pk=certificate.pk).update(status=status)
    elsewhere = UserFactory(organization=OrganizationFactory(name="Elsewhere"), name_latin="Salma Away")
    Certificate.objects.filter(pk=issued(elsewhere, course).pk).update(status=status)
    client.force_login(HRFactory(organization=organization))
    page = client.get("/en/hr/", {"status": filter_value, "q": "Salma"})
    assert page.status_code == 200
    assert _names(page) == ["Salma Youssef"]
