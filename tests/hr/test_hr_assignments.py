"""HR assigns a course to every trainee or to chosen ones with a due date; trainees see their
assigned courses first in My learning; HR sees who is overdue or due soon."""

import datetime

import pytest
from django.utils import timezone

from courses.models import CourseAssignment, Enrollment
from hr import services
from hr.models import Reminder
from tests.courses.factories import build_course
from tests.factories import HRFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def hr(organization):
    return HRFactory(organization=organization)


def test_hr_assigns_a_course_to_everyone_or_to_chosen_trainees(client, hr, organization, course):
    a, b = UserFactory(organization=organization), UserFactory(organization=organization)
    outsider = UserFactory(organization=OrganizationFactory(name="Rival"))
    client.force_login(hr)
    due = (today() + datetime.timedelta(days=10)).isoformat()
    key = str(course.translation_key)
    response = client.post("/en/hr/assignments/", {"course": key, "due_on": due, "who": "all"})
    assert response.status_code == 302
    assert set(CourseAssignment.objects.values_list("user_id", flat=True)) == {a.pk, b.pk}
    assert "assigned to 2 trainees" in client.get("/en/hr/assignments/").text
    # Again, for one trainee and a new date: that one's date changes, nothing is duplicated.
    later = (today() + datetime.timedelta(days=20)).isoformat()
    client.post("/en/hr/assignments/", {"course": key, "due_on": later, "who": "chosen", "members": [a.pk]})
    assert CourseAssignment.objects.count() == 2
    assert CourseAssignment.objects.get(user=a).due_on.isoformat() == later
    assert CourseAssignment.objects.get(user=b).due_on.isoformat() == due
    # A trainee of another organization is not a choice: refused, nothing assigned.
    refused = client.post(
        "/en/hr/assignments/", {"course": key, "due_on": due, "who": "chosen", "members": [outsider.pk]}
    )
    assert refused.status_code == 400 and not CourseAssignment.objects.filter(user=outsider).exists()


def test_bad_assignments_are_refused_with_a_message(client, hr, organization, course):
    UserFactory(organization=organization)
    client.force_login(hr)
    key = str(course.translation_key)
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()
    past = client.post("/en/hr/assignments/", {"course": key, "due_on": yesterday, "who": "all"})
    assert past.status_code == 400 and "The due date is in the past" in past.text
    arabic = client.post("/ar/hr/assignments/", {"course": key, "due_on": yesterday, "who": "all"})
    assert "تاريخ الاستحقاق مضى" in arabic.text
    nobody = client.post("/en/hr/assignments/", {"course": key, "due_on": today().isoformat(), "who": "chosen"})
    assert nobody.status_code == 400 and "Choose at least one trainee" in nobody.text
    for bad in ({"course": "nope"}, {"due_on": "not-a-date"}, {"due_on": "0001-01-01"}, {"who": "everyone"}):
        data = {"course": key, "due_on": today().isoformat(), "who": "all", **bad}
        assert client.post("/en/hr/assignments/", data).status_code == 400
    assert not CourseAssignment.objects.exists()
    # The service refuses a past date too, whoever calls it.
    with pytest.raises(Exception, match="past"):
        services.assignments_create(actor=hr, course_key=course.translation_key, due_on=today() - datetime.timedelta(1))


def test_trainees_see_assigned_courses_first_with_their_due_dates(client, hr, organization, trainee):
    first = build_course(slug="first", titles={"en": "Enrolled First", "ar": "الأولى"})
    assigned = build_course(slug="assigned", titles={"en": "Assigned Course", "ar": "الدورة المكلّف بها"})
    Enrollment.objects.create(user=trainee, course_key=first["en"].translation_key)
    due = today() + datetime.timedelta(days=5)
    services.assignments_create(actor=hr, course_key=assigned["en"].translation_key, due_on=due)
    client.force_login(trainee)
    page = client.get("/en/learn/")
    titles = [outline.course.title for outline in page.context["outlines"]]
    assert titles == ["Assigned Course", "Enrolled First"]
    assert "Assigned by your organization — due" in page.text and "Start the course" in page.text
    arabic = client.get("/ar/learn/")
    assert arabic.text.index("الدورة المكلّف بها") < arabic.text.index("الأولى")
    assert "مطلوبة من مؤسستك" in arabic.text


def test_hr_sees_overdue_and_due_soon_trainees_and_due_dates_on_the_dashboard(client, hr, organization, course):
    late = UserFactory(organization=organization, name_latin="Late Lina")
    soon = UserFactory(organization=organization, name_latin="Soon Samir")
    done = UserFactory(organization=organization, name_latin="Done Dana")
    far = UserFactory(organization=organization, name_latin="Far Fadi")
    key = course.translation_key
    for user, days in ((late, -2), (soon, 3), (done, -1), (far, 30)):
        CourseAssignment.objects.create(user=user, course_key=key, due_on=today() + datetime.timedelta(days=days))
    Enrollment.objects.create(user=done, course_key=key, completed_at=timezone.now())
    client.force_login(hr)
    page = client.get("/en/hr/")
    attention = page.context["attention"]
    assert [r.assignment.user.name_latin for r in attention["overdue"]] == ["Late Lina"]
    assert [r.assignment.user.name_latin for r in attention["soon"]] == ["Soon Samir"]
    assert attention["overdue_count"] == 1 and attention["soon_count"] == 1
    assert "1 overdue" in page.text and "Due in 3 days" in page.text
    assert "Assigned: " in page.text  # a trainee who has not started sees the assigned course on their row


def test_the_dashboard_shows_the_ten_most_urgent_of_each_list_and_links_to_every_assignment(
    client, hr, organization, course
):
    members = [UserFactory(organization=organization, name_latin=f"Member {i:02}") for i in range(12)]
    for i, member in enumerate(members):  # 12 overdue, the first the most overdue
        CourseAssignment.objects.create(
            user=member, course_key=course.translation_key, due_on=today() - datetime.timedelta(days=20 - i)
        )
    client.force_login(hr)
    page = client.get("/en/hr/")
    attention = page.context["attention"]
    assert [r.assignment.user.name_latin for r in attention["overdue"]] == [f"Member {i:02}" for i in range(10)]
    assert attention["overdue_count"] == 12 and attention["soon"] == []
    assert "12 overdue" in page.text and 'href="/en/hr/assignments/"' in page.text
    assert "See every assignment, soonest due first" in page.text
    assert "عرض جميع التكليفات" in client.get("/ar/hr/").text
    # Ten or fewer: every one is on the dashboard, and no link says there are more.
    CourseAssignment.objects.filter(user__in=members[:2]).delete()
    assert "See every assignment" not in client.get("/en/hr/").text


def test_hr_of_another_organization_cannot_take_an_assignment_back(client, organization, course):
    assignment = CourseAssignment.objects.create(
        user=UserFactory(organization=organization, email="assigned.one@example.com"),
        course_key=course.translation_key,
        due_on=today(),
    )
    Reminder.objects.create(
        assignment=assignment, kind="before_3", run=assignment.course_key, claimed_at=timezone.now()
    )
    client.force_login(HRFactory(organization=OrganizationFactory(name="Rival")))
    assert client.post(f"/en/hr/assignments/{assignment.pk}/delete/").status_code == 404
    assert "assigned.one@example.com" not in client.get("/en/hr/assignments/").text
    client.force_login(HRFactory(organization=organization))
    assert client.post(f"/en/hr/assignments/{assignment.pk}/delete/").status_code == 302
    assert not CourseAssignment.objects.exists() and not Reminder.objects.exists()
