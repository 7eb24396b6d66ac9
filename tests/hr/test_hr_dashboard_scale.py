"""The HR dashboard of an organization of 2,000 trainees (issues 13 and 16): five courses, every
trainee assigned each of them, a third never started. The page shows 25 trainees at a time, with
the same number of queries as for 20 trainees, its pager keeping the sort and filters; the CSV
still holds everyone."""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from courses.models import CourseAssignment, Enrollment
from hr.selectors import site_today
from hr.views import PAGE_SIZE
from tests.courses.factories import build_course
from tests.factories import HRFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_courses():
    return [build_course(slug=f"scale-{i}", titles={"en": f"Scale {i}", "ar": f"مقياس {i}"})["en"] for i in range(5)]


def grow(organization, courses, count: int, prefix: str) -> None:
    """`count` trainees: two thirds enrolled in a course (half of those completed it), a third
    never started; every one assigned the five courses, due from a week ago to two weeks ahead."""
    users = User.objects.bulk_create(
        (
            User(
                username=f"{prefix}-{i}",
                email=f"{prefix}-{i}@example.com",
                name_latin=f"Member {prefix} {i:04d}",
                name_arabic="عضو",
                organization=organization,
            )
            for i in range(count)
        ),
        batch_size=1000,
    )
    now, today = timezone.now(), site_today()
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                user=user,
                course_key=courses[i % len(courses)].translation_key,
                completed_at=now if i % 2 else None,
            )
            for i, user in enumerate(users)
            if i % 3
        ),
        batch_size=1000,
    )
    CourseAssignment.objects.bulk_create(
        (
            CourseAssignment(
                user=user, course_key=course.translation_key, due_on=today + datetime.timedelta(days=i % 21 - 7)
            )
            for i, user in enumerate(users)
            for course in courses
        ),
        batch_size=2000,
    )
    if connection.vendor == "postgresql":  # fresh planner statistics, as autovacuum keeps them in production
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_user, courses_enrollment, courses_courseassignment")


def measure(client, path: str) -> tuple[int, float, str]:
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return len(ctx.captured_queries), elapsed, response.text


PAGES = [
    "/en/hr/",
    "/en/hr/?sort=-activity",
    "/ar/hr/?sort=name",
    "/en/hr/?status=not_started",
    "/en/hr/?status=completed&sort=-progress",
    "/en/hr/?page=2&sort=-activity",
]


def test_the_dashboard_of_2000_trainees_takes_the_queries_of_20(client, organization, five_courses):
    client.force_login(HRFactory(organization=organization))
    grow(organization, five_courses, 20, "s")
    for language in ("en", "ar"):  # warm the caches (course structures in each language, content version)
        client.get(f"/{language}/hr/")
    small = [measure(client, path)[0] for path in PAGES]

    grow(organization, five_courses, 1980, "l")
    assert User.objects.filter(organization=organization, role="trainee").count() == 2000
    assert CourseAssignment.objects.filter(user__organization=organization).count() == 10_000
    results = [measure(client, path) for path in PAGES]
    large = [queries for queries, _elapsed, _text in results]
    assert large == small, list(zip(PAGES, small, large, strict=True))
    assert max(large) <= 30
    # Rows on the page, not members: 25 a page, 80 pages (the first page's pager says so).
    text = results[0][2]
    assert len(re.findall(r"<tr[ >]", text.split('class="members"', 1)[1].split("</table>", 1)[0])) <= PAGE_SIZE + 1
    assert "Page 1 of 80" in text
    slowest = max(elapsed for _queries, elapsed, _text in results)
    print(
        f"\n2,000 trainees, 5 courses, 10,000 assignments: {max(large)} queries, slowest page {slowest * 1000:.0f} ms"
    )


def test_the_pager_keeps_the_sort_and_filters_and_the_csv_has_everyone(client, organization, five_courses):
    client.force_login(HRFactory(organization=organization))
    grow(organization, five_courses, 120, "p")
    page = client.get("/en/hr/", {"sort": "-activity", "status": "not_started"})
    not_started = User.objects.filter(organization=organization, role="trainee", enrollments__isnull=True).count()
    assert not_started == 40 and page.context["page"].paginator.count == 40
    nxt = re.search(r'<a href="\?([^"]*page=2)">', page.text).group(1).replace("&amp;", "&")
    assert "sort=-activity" in nxt and "status=not_started" in nxt
    second = client.get(f"/en/hr/?{nxt}")
    assert second.context["page"].number == 2 and len(second.context["rows"]) == 40 - PAGE_SIZE
    assert all(row.enrollment is None for row in second.context["rows"])
    csv = b"".join(client.get("/en/hr/trainees.csv").streaming_content).decode("utf-8-sig")
    emails = {line.split(",")[2] for line in csv.splitlines()[1:]}
    assert len(emails) == 120
