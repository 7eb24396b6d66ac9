"""The dashboard lists every trainee of the organization, started or not, sorts its columns on the
server and says what its score column is."""

import datetime
import re

import pytest
from django.utils import timezone

from courses.models import Enrollment
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
