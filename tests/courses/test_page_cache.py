"""The cache layers of pages (core/caching.py, courses/caches.py): fast pages that never show stale or someone else's content."""

import re
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from courses import caches, selectors, services
from courses.models import Enrollment, LessonPage
from tests.conftest import write_course_tree
from tests.courses.factories import build_course
from tests.factories import UserFactory
from tests.security.world import ensure_page_root

pytestmark = pytest.mark.django_db


def lessons(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


def queries(client, url, status=200) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(ctx.captured_queries), response.content.decode()


def test_anonymous_catalog_and_course_come_from_the_cache(client, demo_course):
    for url in ("/en/", demo_course["en"].url, lessons(demo_course["en"])[0].get_parent().url):
        first_count, first = queries(client, url)
        count, again = queries(client, url)
        assert first_count > 1 and count == 1  # the content version alone
        assert again == first


def test_publishing_a_change_shows_at_once(client, demo_course):
    course = demo_course["en"]
    queries(client, "/en/")
    queries(client, course.url)
    course.title = "A brand new title"
    course.save_revision().publish()
    assert "A brand new title" in client.get("/en/").text
    assert "A brand new title" in client.get(course.url).text


def test_unpublished_and_deleted_pages_are_gone_at_once(client, demo_course):
    course = demo_course["en"]
    module = lessons(course)[0].get_parent()
    queries(client, module.url)
    assert course.title in client.get("/en/").text
    module.specific.unpublish()
    assert client.get(module.url).status_code == 404
    course.specific.delete()
    assert client.get(course.url).status_code == 404
    assert course.title not in client.get("/en/").text


def test_each_language_has_its_own_page_and_switcher(client, demo_course):
    english = client.get(demo_course["en"].url).text
    arabic = client.get(demo_course["ar"].url).text
    assert '<html lang="en" dir="ltr">' in english and '<html lang="ar" dir="rtl">' in arabic
    link = re.search(r'<a href="([^"]+)" lang="ar" hreflang="ar"', english)
    assert link and link.group(1) == demo_course["ar"].url
    assert re.search(rf'<a href="{re.escape(demo_course["en"].url)}" lang="en"', arabic)


def test_logged_in_trainees_never_get_the_anonymous_page(client, demo_course):
    course = demo_course["en"]
    assert "Enroll in this course" not in client.get(course.url).text  # cached for anonymous visitors
    user = UserFactory(name_latin="Rania Saleh")
    client.force_login(user)
    page = client.get(course.url).text
    assert "Enroll in this course" in page and "Rania Saleh" in page and "csrfmiddlewaretoken" in page
    services.enrollment_create(user=user, course=course)
    assert "Continue where you left off" in client.get(course.url).text


def test_cached_pages_hold_no_csrf_token_and_restricted_pages_are_not_cached(client, demo_course):
    course = demo_course["en"]
    _count, page = queries(client, course.url)
    assert "csrfmiddlewaretoken" not in page
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD, password="x")
    first_count, form = queries(client, course.url)
    assert "csrfmiddlewaretoken" in form and course.title not in form.split("<main", 1)[-1]
    count, _form = queries(client, course.url)
    assert count > 0  # rendered each time: the form carries this visitor's CSRF token


def test_visitors_with_pending_messages_get_a_rendered_page(client, demo_course):
    queries(client, "/en/")
    client.cookies["messages"] = "anything"
    count, _page = queries(client, "/en/")
    assert count > 0


def test_lesson_page_query_count_is_fixed(client, tmp_path, load_course_pages, django_assert_max_num_queries):
    courses, _ = load_course_pages(write_course_tree(tmp_path / "content", modules=3, lessons=4))
    user = UserFactory()
    client.force_login(user)
    course = courses["en"]
    services.enrollment_create(user=user, course=course)
    lesson = lessons(course)[5]
    client.get(lesson.url)  # records the visit, which clears the cached progress
    client.get(lesson.url)
    # The session (from the cache in production, where CACHE_URL is set), the signed-in user and
    # the content version (both from memory on PostgreSQL); the lesson's row (its route), the
    # trainee's progress, the course outline, the lesson's fragments and the language links come
    # from the caches; a trainee's menu needs no permission query.
    with django_assert_max_num_queries(3):
        assert client.get(lesson.url).status_code == 200


def test_reading_a_lesson_again_writes_nothing(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    course = demo_course["en"]
    services.enrollment_create(user=user, course=course)
    first, second = lessons(course)[:2]

    def updates(url) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return sum(1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE"))

    assert updates(first.url) == 1
    assert updates(first.url) == 0
    assert updates(second.url) == 1
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.last_lesson_key == second.translation_key


def test_my_learning_query_count_does_not_grow_with_courses(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    first = build_course(slug="first")["en"]
    services.enrollment_create(user=user, course=first)
    client.get("/en/learn/")
    count, _page = queries(client, "/en/learn/")
    for n in range(3):
        services.enrollment_create(user=user, course=build_course(slug=f"more-{n}")["en"])
    client.get("/en/learn/")
    with django_assert_max_num_queries(count):
        page = client.get("/en/learn/").text
    assert page.count('class="progress"') == 4


def test_outline_reads_the_course_structure_from_the_cache(demo_course, django_assert_num_queries):
    user = UserFactory()
    course = demo_course["en"]
    selectors.course_outline(course=course, user=user)
    with django_assert_num_queries(1):  # the content version; the structure and the progress are cached
        outline = selectors.course_outline(course=course, user=user)
    assert outline.total_lessons == 4
    caches.content_changed()
    with django_assert_num_queries(4):  # the version, the course, its modules, its lessons
        assert selectors.course_outline(course=course, user=user).total_lessons == 4
    with django_assert_num_queries(4):  # the version; enrollments, lessons done, quizzes passed
        assert selectors.course_outline(course=course, user=user, fresh=True).total_lessons == 4


def test_wagtails_own_views_are_still_reached(client, demo_course):
    assert client.get("/en/_util/login/").status_code == 200
    assert client.get("/en/no-such-page/").status_code == 404


def test_a_fragment_is_kept_per_language_and_values_and_dropped_with_the_content(demo_course):
    from django.template import Context, Template, TemplateSyntaxError
    from django.utils import translation

    template = Template(
        '{% load fragmentcache %}{% fragmentcache "test" value %}{{ value }} {{ shown }}{% endfragmentcache %}'
    )

    def render(value, shown, lang="en"):
        with translation.override(lang):
            return template.render(Context({"value": value, "shown": shown}))

    assert render(1, "first") == "1 first"
    assert render(1, "second") == "1 first"  # kept
    assert render(2, "second") == "2 second"  # another value, another fragment
    assert render(1, "third", lang="ar") == "1 third"  # another language too
    caches.content_changed()
    assert render(1, "fourth") == "1 fourth"  # content changed: rendered again
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragmentcache %}{% fragmentcache %}x{% endfragmentcache %}")


def test_a_bulk_update_of_a_page_shows_on_the_next_request(client, demo_course):
    course = demo_course["en"]
    assert course.title in client.get(course.url).text
    assert course.title in client.get("/en/").text
    type(course).objects.filter(pk=course.pk).update(title="Renamed in bulk")  # no signal is sent
    assert "Renamed in bulk" in client.get(course.url).text
    assert "Renamed in bulk" in client.get("/en/").text
    Page.objects.filter(pk=course.pk).update(title="Renamed on the base table")
    assert "Renamed on the base table" in client.get("/en/").text


def test_a_raw_sql_change_of_a_lesson_shows_on_the_next_request(client, demo_course):
    lesson = lessons(demo_course["en"])[0]
    client.force_login(UserFactory())
    assert lesson.title in client.get(lesson.url).text
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Page._meta.db_table} SET title = %s WHERE id = %s", ["Changed in SQL", lesson.pk])
    assert "Changed in SQL" in client.get(lesson.url).text


def test_replacing_a_document_shows_on_the_next_request(client, demo_course):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document.objects.create(title="Old handout", file=ContentFile(b"first", name="handout.txt"))
    lesson = lessons(demo_course["en"])[0]
    lesson.body = [("rich_text", f'<p><a linktype="document" id="{document.pk}">the handout</a></p>')]
    lesson.save_revision().publish()
    client.force_login(UserFactory())
    first = client.get(lesson.url).text
    assert document.url in first
    document.file = ContentFile(b"second", name="handout-v2.txt")
    document.save()
    again = client.get(lesson.url).text
    assert Document.objects.get(pk=document.pk).url in again and again != first


@pytest.mark.django_db(transaction=True)
def test_a_page_read_during_a_publish_is_fresh_after_the_commit(client, tmp_path, load_course_pages):
    """A second thread renders the page while the first publishes inside atomic(): what it stored
    then belongs to the old version and is never served after the commit."""
    ensure_page_root()  # an earlier transactional test may have flushed Wagtail's tree
    courses, _ = load_course_pages(write_course_tree(tmp_path / "content"))
    course = courses["en"]
    old_title = course.title
    assert old_title in client.get(course.url).text
    seen = {}

    def render_elsewhere():
        try:
            other = Client()
            seen["during"] = other.get(course.url).text
        finally:
            connections.close_all()

    with transaction.atomic():
        course.title = "Published inside a transaction"
        course.save_revision().publish()
        thread = threading.Thread(target=render_elsewhere)  # another connection: the old rows
        thread.start()
        thread.join(30)
    assert old_title in seen["during"] and "Published inside a transaction" not in seen["during"]
    assert "Published inside a transaction" in client.get(course.url).text
    assert "Published inside a transaction" in client.get("/en/").text


def test_what_the_caches_keep_between_requests_is_plain_frozen_data(client, demo_course):
    import dataclasses

    from core import caching

    user = UserFactory()
    client.force_login(user)
    course = demo_course["en"]
    services.enrollment_create(user=user, course=course)
    for url in (course.url, lessons(course)[0].url, "/en/"):
        assert client.get(url).status_code == 200
    structure = selectors.course_structures(paths=[course.path])[course.path]
    assert caching.frozen(structure) and structure.modules[0][1][0].pk == lessons(course)[0].pk
    with pytest.raises(dataclasses.FrozenInstanceError):
        structure.modules[0][0].title = "Changed by a later line"
    progress = selectors.progress(user=user)
    assert list(progress.enrollments) == [course.translation_key]
    assert all(caching.frozen(state) for state in progress.enrollments.values())
    kept = list(caching._memory.values())  # what this process shares between requests
    assert kept and all(caching.frozen(value) for _version, value in kept)
    assert not caching.frozen(course) and not caching.frozen([1]) and not caching.frozen({"a": 1})
