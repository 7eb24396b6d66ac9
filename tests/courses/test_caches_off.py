"""Every cache layer (core/caching.py) only makes pages faster: with all of them switched off the
pages are the same, byte for byte but for the tokens that belong to one request."""

import re

import pytest
from wagtail.models import Locale

from core import caching
from courses import services
from courses.models import LessonPage
from quizzes import services as quiz_services
from quizzes.models import Quiz
from tests.factories import UserFactory
from tests.quizzes.factories import question_add

pytestmark = pytest.mark.django_db

PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def lessons(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


def page(client, url, settings, *, off: bool) -> str:
    settings.MASAR_CACHE_LAYERS_OFF = list(caching.LAYERS) if off else []
    response = client.get(url)
    assert response.status_code == 200, (url, off, response.status_code)
    return PER_REQUEST.sub(r"\1…\2", response.content.decode())


def bilingual_quiz() -> Quiz:
    """A quiz in English and Arabic (one translation key), a question of every type in each."""
    english = Quiz.objects.create(title="Cached quiz", locale=Locale.objects.get(language_code="en"), pass_mark=50)
    arabic = Quiz.objects.create(
        title="اختبار",
        locale=Locale.objects.get(language_code="ar"),
        translation_key=english.translation_key,
        pass_mark=50,
    )
    for quiz in (english, arabic):
        for index, kind in enumerate(["single", "multiple", "true_false", "essay", "ordering", "numeric"], start=1):
            question_add(quiz, kind, index)
    return english


def assert_same_with_and_without_caches(client, urls, settings):
    for url in urls:
        first = page(client, url, settings, off=False)  # computed and stored
        cached = page(client, url, settings, off=False)  # from the caches
        uncached = page(client, url, settings, off=True)
        assert cached == first, url
        assert uncached == cached, url


def test_anonymous_pages_are_the_same_without_caches(client, demo_course, settings):
    english, arabic = demo_course["en"], demo_course["ar"]
    module = lessons(english)[0].get_parent()
    urls = ["/en/", "/ar/", english.url, arabic.url, module.url]
    assert_same_with_and_without_caches(client, urls, settings)


def test_a_trainees_pages_are_the_same_without_caches(client, demo_course, settings):
    user = UserFactory(name_latin="Huda Karim")
    client.force_login(user)
    course = demo_course["en"]
    first, second = lessons(course)[:2]
    services.lesson_complete(user=user, lesson=first)
    client.get(second.url)  # the place to continue from, written once
    urls = [
        "/en/",
        course.url,
        first.get_parent().url,
        first.url,
        second.url,
        lessons(demo_course["ar"])[0].url,
        "/en/learn/",
        "/en/certificates/",
    ]
    assert_same_with_and_without_caches(client, urls, settings)
    # The quiz pages: the quiz, a question of an attempt, and the result of a submitted one.
    quiz = bilingual_quiz()
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    assert_same_with_and_without_caches(
        client,
        [
            f"/en/quizzes/{quiz.pk}/",
            f"/en/quizzes/attempts/{attempt.pk}/?q=1",
            f"/ar/quizzes/attempts/{attempt.pk}/?q=2",
        ],
        settings,
    )
    quiz_services.attempt_submit(attempt=attempt)
    assert_same_with_and_without_caches(client, [f"/en/quizzes/attempts/{attempt.pk}/result/"], settings)
    # And after a change, both ways show it.
    services.lesson_complete(user=user, lesson=second)
    assert "50% complete" in page(client, course.url, settings, off=False)
    assert "50% complete" in page(client, course.url, settings, off=True)


# The signed-in user (tests/accounts/test_signed_in_user.py), the header, the memory, the compiled
# queries (tests/lms/test_compiled_queries.py) and the Redis client keep nothing of their own in
# the shared cache.
SHARED_LAYERS = [
    layer
    for layer in caching.LAYERS
    if layer not in ("signed-in-user", "header", "memory", "compiled-queries", "redis-client")
]


@pytest.mark.parametrize("layer", SHARED_LAYERS)
def test_a_layer_switched_off_is_neither_read_nor_written(client, demo_course, settings, monkeypatch, layer):
    shared = caching.shared_cache()
    touched = []

    def spying(original):
        def spy(keys, *args, **kwargs):
            touched.extend([keys] if isinstance(keys, str) else list(keys))
            return original(keys, *args, **kwargs)

        return spy

    for name in ("get", "get_many", "set", "set_many"):
        monkeypatch.setattr(shared, name, spying(getattr(shared, name)))
    course = demo_course["en"]
    lesson = lessons(course)[0]
    user = UserFactory()
    services.enrollment_create(user=user, course=course)
    quiz = bilingual_quiz()
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    quiz_services.attempt_submit(attempt=attempt)
    result = f"/en/quizzes/attempts/{attempt.pk}/result/"

    def visit():
        touched.clear()
        client.logout()
        for url in ("/en/", course.url):
            assert client.get(url).status_code == 200
        client.force_login(user)
        for url in ("/en/", course.url, lesson.url, lesson.url, f"/en/quizzes/{quiz.pk}/", result):
            assert client.get(url).status_code == 200
        return {key.split(":")[2] for key in touched if key.startswith("masar:")}

    assert layer in visit()
    settings.MASAR_CACHE_LAYERS_OFF = [layer]
    assert layer not in visit()


def test_the_header_and_memory_layers_switched_off_compute_each_time(client, demo_course, settings, monkeypatch):
    from core.templatetags import masar

    rendered = []
    original = masar._render_header
    monkeypatch.setattr(masar, "_render_header", lambda *args, **kw: rendered.append(args) or original(*args, **kw))
    masar._shared_header.cache_clear()
    course = demo_course["en"]
    settings.MASAR_CACHE_LAYERS_OFF = ["anonymous-pages"]  # each page rendered, its header too
    for _ in range(3):
        client.get(course.url)
    assert len(rendered) == 1  # visitors share one header per page and language
    settings.MASAR_CACHE_LAYERS_OFF = ["anonymous-pages", "header", "memory"]
    caching._memory.clear()
    for _ in range(3):
        client.get(course.url)
    assert len(rendered) == 4 and not caching._memory


def test_an_unknown_layer_is_an_error(settings):
    from core.checks import cache_layers_known

    settings.MASAR_CACHE_LAYERS_OFF = ["fragment"]
    assert [error.id for error in cache_layers_known(None)] == ["masar.E002"]
    settings.MASAR_CACHE_LAYERS_OFF = ["fragments"]
    assert cache_layers_known(None) == []
