"""A trainee's cached progress and the cached outline fragments: fresh after every change, never
another trainee's."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from courses import selectors, services
from courses.models import Enrollment, LessonCompletion, LessonPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lessons(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


def sidebar(html: str) -> str:
    return html.split("<aside>", 1)[1].split("</aside>", 1)[0]


def test_marking_a_lesson_done_shows_at_once_in_the_outline(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    course = demo_course["en"]
    first, second = lessons(course)[:2]
    services.enrollment_create(user=user, course=course)
    before = client.get(second.url).text
    assert "0% complete" in before and "Mark as done and continue" in client.get(first.url).text
    client.post(f"/en/learn/lessons/{first.pk}/done/")
    after = client.get(second.url).text
    assert "25% complete" in after and "1 of 4 lessons" in after
    assert sidebar(after).count("done-mark") == 1
    assert "You have done this lesson." in client.get(first.url).text
    assert "25% complete" in client.get(course.url).text and "25% complete" in client.get("/en/learn/").text


def test_progress_changes_made_outside_the_pages_show_too(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    course = demo_course["en"]
    first = lessons(course)[0]
    services.enrollment_create(user=user, course=course)
    assert "0% complete" in client.get(course.url).text
    LessonCompletion.objects.create(user=user, course_key=course.translation_key, lesson_key=first.translation_key)
    assert "25% complete" in client.get(course.url).text  # a save clears the entry
    LessonCompletion.objects.filter(user=user).delete()
    assert "0% complete" in client.get(course.url).text  # so does a delete
    Enrollment.objects.filter(user=user).delete()
    assert "Enroll in this course" in client.get(course.url).text


def test_the_place_to_continue_follows_the_last_lesson_read(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    course = demo_course["en"]
    services.enrollment_create(user=user, course=course)
    third = lessons(course)[2]
    client.get(course.url)  # caches the progress with no lesson read yet
    client.get(third.url)  # the visit is written with update(), which sends no signal
    continue_link = re.search(
        r'<a class="button" href="([^"]+)">Continue where you left off', client.get(course.url).text
    )
    assert continue_link and continue_link.group(1) == third.url


def test_a_new_user_with_an_old_id_never_reads_the_old_entry(demo_course):
    course = demo_course["en"]
    old = UserFactory()
    services.lesson_complete(user=old, lesson=lessons(course)[0])
    selectors.course_outline(course=course, user=old)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.course_outline(course=course, user=old).lessons_done == 1
    assert len(ctx.captured_queries) == 1  # the content version; the structure and progress are cached
    # A rolled-back test or a restored backup gives the id to someone else, and no signal
    # reaches the cache: the entry names the user it belongs to (by the time they joined).
    newcomer = User(pk=old.pk, username="newcomer", date_joined=old.date_joined - timedelta(days=365))
    with CaptureQueriesContext(connection) as ctx:
        selectors.course_outline(course=course, user=newcomer)
    assert len(ctx.captured_queries) == 4  # the version; enrollments, lessons done, quizzes passed: afresh


def test_completion_decisions_read_the_database_not_the_cache(demo_course):
    user = UserFactory(names_confirmed_at=None)
    course = demo_course["en"]
    course_lessons = lessons(course)
    for lesson in course_lessons[:-1]:
        services.lesson_complete(user=user, lesson=lesson)
    assert not selectors.course_outline(course=course, user=user).complete  # cached: 3 of 4 done
    # The last completion arrives without the cache hearing of it (another process's write
    # whose signal has not cleared the entry yet): the course must still complete.
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=user, course_key=course.translation_key, lesson_key=course_lessons[-1].translation_key)]
    )
    enrollment = services.course_completion_check(user=user, course=course)
    assert enrollment is not None and enrollment.completed_at is not None


def test_trainees_at_the_same_point_share_the_outline_but_nothing_of_their_own(client, demo_course):
    course = demo_course["en"]
    lesson = lessons(course)[1]
    pages = {}
    for name in ("Amal Nasser", "Karim Adel"):
        user = UserFactory(name_latin=name)
        services.lesson_complete(user=user, lesson=lessons(course)[0])
        client.force_login(user)
        pages[name] = client.get(lesson.url).text
        client.logout()
    amal, karim = pages["Amal Nasser"], pages["Karim Adel"]
    assert sidebar(amal) == sidebar(karim)
    assert "Amal Nasser" in amal and "Amal Nasser" not in karim and "Karim Adel" in karim
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.findall(amal) and not set(token.findall(amal)) & set(token.findall(karim))
    behind = UserFactory()
    client.force_login(behind)
    assert "0 of 4 lessons" in client.get(lesson.url).text


def test_reading_lessons_in_turn_reads_the_place_again_not_the_whole_progress(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    course = demo_course["en"]
    services.enrollment_create(user=user, course=course)
    first, second, third = lessons(course)[:3]
    services.lesson_complete(user=user, lesson=first)
    client.get(first.url)
    client.get(second.url)  # the visit moves the place: its entry is cleared, the progress kept
    with CaptureQueriesContext(connection) as ctx:
        assert "1 of 4 lessons" in client.get(third.url).text
    sql = [query["sql"] for query in ctx.captured_queries]
    assert not [q for q in sql if "courses_lessoncompletion" in q or "quizzes_attempt" in q]
    assert len([q for q in sql if q.startswith("SELECT") and "courses_enrollment" in q]) == 1
    continue_link = re.search(
        r'<a class="button" href="([^"]+)">Continue where you left off', client.get(course.url).text
    )
    assert continue_link and continue_link.group(1) == third.url  # the lesson read last, not done yet


def test_my_learning_lists_each_course_in_the_page_language_in_a_flat_number_of_queries(client):
    """Assigned and not done first (soonest due first), then the others by last activity; the
    courses, their outlines and the progress come from the cache, so the page reads the
    assignments alone however many courses there are (on SQLite, also the session, the user and
    the content version: four queries)."""
    from django.utils import timezone

    from courses.models import CourseAssignment
    from tests.courses.factories import build_course

    courses = [build_course(slug=f"course-{i}", titles={"en": f"Course {i}", "ar": f"الدورة {i}"}) for i in range(4)]
    user = UserFactory()
    client.force_login(user)
    now = timezone.now()
    for i, course in enumerate(courses[:3]):
        services.enrollment_create(user=user, course=course["en"])
        Enrollment.objects.filter(user=user, course_key=course["en"].translation_key).update(
            last_activity_at=now - timedelta(days=i)
        )
    CourseAssignment.objects.create(
        user=user, course_key=courses[3]["en"].translation_key, due_on=timezone.localdate() + timedelta(days=3)
    )
    CourseAssignment.objects.create(
        user=user, course_key=courses[2]["en"].translation_key, due_on=timezone.localdate() + timedelta(days=9)
    )

    def titles(html: str) -> list[str]:
        return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)

    client.get("/en/learn/")
    with CaptureQueriesContext(connection) as few:
        english = client.get("/en/learn/").text
    assert titles(english) == ["Course 3", "Course 2", "Course 0", "Course 1"]
    assert f'<h2><a href="{courses[0]["en"].url}">' in english
    arabic = client.get("/ar/learn/").text
    assert titles(arabic) == ["الدورة 3", "الدورة 2", "الدورة 0", "الدورة 1"]
    assert f'<h2><a href="{courses[0]["ar"].url}">' in arabic
    # A course unpublished since is no longer listed, on the next request.
    courses[1]["en"].unpublish()
    assert titles(client.get("/en/learn/").text) == ["Course 3", "Course 2", "Course 0"]
    Enrollment.objects.filter(user=user, course_key=courses[0]["en"].translation_key).delete()
    client.get("/en/learn/")
    with CaptureQueriesContext(connection) as fewer:
        assert titles(client.get("/en/learn/").text) == ["Course 3", "Course 2"]
    assert len(fewer) == len(few) <= 4, [query["sql"] for query in few]


@pytest.mark.django_db(transaction=True)
def test_a_forgotten_entry_is_cleared_at_once_and_again_when_the_transaction_commits(monkeypatch):
    """Inside a transaction a request may store the old state between the clear and the commit,
    so the entry is cleared again then; outside one the write has committed: once is enough."""
    from django.db import transaction

    from core import caching

    deleted = []
    monkeypatch.setattr(caching.shared_cache(), "delete", lambda key, *args, **kwargs: deleted.append(key))
    caching.user_forget("places", 7)
    assert len(deleted) == 1
    with transaction.atomic():
        caching.user_forget("places", 7)
        assert len(deleted) == 2
    assert len(deleted) == 3 and len(set(deleted)) == 1
