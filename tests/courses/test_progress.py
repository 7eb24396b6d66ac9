import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import caches, selectors, services
from courses.models import Enrollment, LessonCompletion, LessonPage
from tests.conftest import write_course_tree
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lessons(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


def test_anonymous_visitors_read_outlines_but_not_lessons(client, demo_course):
    assert client.get(demo_course["en"].url).status_code == 200
    lesson = lessons(demo_course["en"])[0]
    response = client.get(lesson.url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_enroll_and_mark_lessons_done(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    course = demo_course["en"]
    response = client.post(f"/en/learn/courses/{course.pk}/enroll/")
    first = lessons(course)[0]
    assert response.status_code == 302 and response.url == first.url
    assert Enrollment.objects.filter(user=user, course_key=course.translation_key).exists()
    client.post(f"/en/learn/lessons/{first.pk}/done/")
    assert LessonCompletion.objects.filter(user=user, lesson_key=first.translation_key).count() == 1
    client.post(f"/en/learn/lessons/{first.pk}/done/")  # twice is harmless
    assert LessonCompletion.objects.filter(user=user).count() == 1
    page = client.get(course.url)
    assert "25% complete" in page.text and "1 of 4 lessons" in page.text


def test_marking_done_needs_post_and_login(client, demo_course):
    lesson = lessons(demo_course["en"])[0]
    assert client.get(f"/en/learn/lessons/{lesson.pk}/done/").status_code == 405
    assert client.post(f"/en/learn/lessons/{lesson.pk}/done/").status_code == 302
    assert LessonCompletion.objects.count() == 0
    client.force_login(UserFactory())
    assert client.post("/en/learn/lessons/999999/done/").status_code == 404


def test_progress_survives_a_language_switch(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    for lesson in lessons(demo_course["en"])[:2]:
        services.lesson_complete(user=user, lesson=lesson)
    outline_ar = selectors.course_outline(course=demo_course["ar"], user=user)
    assert outline_ar.lessons_done == 2 and outline_ar.percent == 50
    page = client.get(demo_course["ar"].url)
    assert page.status_code == 200 and page.text.count("done-mark") >= 2
    assert outline_ar.next_lesson.pk == lessons(demo_course["ar"])[2].pk


def test_continue_where_you_left_off(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    services.enrollment_create(user=user, course=demo_course["en"])
    third = lessons(demo_course["en"])[2]
    client.get(third.url)
    outline = selectors.course_outline(course=demo_course["ar"], user=user)
    assert outline.next_lesson.translation_key == third.translation_key
    response = client.get("/ar/learn/")
    assert third.translation_key == outline.next_lesson.translation_key
    assert lessons(demo_course["ar"])[2].url in response.text


def test_course_completes_when_every_required_module_is_done(demo_course):
    user = UserFactory()
    for lesson in lessons(demo_course["en"]):
        services.lesson_complete(user=user, lesson=lesson)
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.completed_at is not None
    assert selectors.course_outline(course=demo_course["ar"], user=user).complete


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["course", "lesson", "module"])
def test_query_counts_do_not_grow_with_the_course(
    client, tmp_path, load_course_pages, kind, django_assert_max_num_queries
):
    small, _ = load_course_pages(
        write_course_tree(tmp_path / "small", modules=1, lessons=5, course_key="small-course", prefix="s-")
    )
    big, _ = load_course_pages(
        write_course_tree(tmp_path / "big", modules=4, lessons=10, course_key="big-course", prefix="b-")
    )
    user = UserFactory()
    client.force_login(user)
    for course in (small["en"], big["en"]):
        services.enrollment_create(user=user, course=course)
        for lesson in lessons(course)[:3]:
            services.lesson_complete(user=user, lesson=lesson)

    def url(course):
        if kind == "course":
            return course.url
        target = lessons(course)[-1]
        return target.url if kind == "lesson" else target.get_parent().url

    small_url, big_url = url(small["en"]), url(big["en"])

    def steady(target):  # a second view: the visit is recorded, the trainee's progress cached
        _queries(client, target)
        return _queries(client, target)

    def cold(target):  # the trainee's progress read from the database
        caches.progress_forget(user.pk)
        return _queries(client, target)

    small_count = steady(small_url)
    assert steady(big_url) == small_count
    small_count = cold(small_url)
    with django_assert_max_num_queries(small_count):
        client.get(big_url)
    assert cold(big_url) == small_count


def test_overdue_policy_reviews_are_listed_for_editors(client, demo_course, django_user_model):
    stale, fresh = lessons(demo_course["en"])[:2]
    stale.last_reviewed, stale.review_interval_days = datetime.date(2020, 1, 1), 90
    stale.save_revision().publish()
    fresh.last_reviewed, fresh.review_interval_days = datetime.date.today(), 90
    fresh.save_revision().publish()
    overdue = selectors.lessons_overdue_for_review()
    assert [lesson.pk for lesson in overdue] == [stale.pk]
    admin = django_user_model.objects.create_superuser(username="root", email="r@example.com", password="x")
    client.force_login(admin)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Lessons overdue for policy review (1)" in dashboard.text and stale.title in dashboard.text
    lesson_page = client.get(stale.url)
    assert "Last reviewed on" in lesson_page.text


def test_search_finds_lessons_in_the_active_language_only(client, loaded_course):
    response = client.get("/ar/learn/search/", {"q": "تمهيدية"})
    assert response.status_code == 200 and "Lesson 1.1 ar" in response.text
    english = client.get("/en/learn/search/", {"q": "تمهيدية"})
    assert "Lesson 1.1 ar" not in english.text
