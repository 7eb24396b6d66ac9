"""Ids the database cannot hold are a 404 on every URL that takes one (issue 12, item 8).

SQLite raised OverflowError (a 500) for a page id of 2^63 on the lesson-done and enroll URLs.
Every id in a URL goes through one path converter, `<id:...>` (core/converters.py)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.converters import DATABASE_ID_MAX, DatabaseIdConverter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OURS = ("accounts/", "quizzes/", "learn/", "interviews/", "certificates/", "hr/", "verify/")
TOO_LARGE = [str(DATABASE_ID_MAX + 1), str(2**64), "9" * 30]


def routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns) if re.sub(r"^(en|ar)/", "", route).startswith(OURS)]


def with_ids():
    return [route for route in routes() if re.search(r"<(id|int):", route)]


def test_every_id_in_our_urls_goes_through_the_id_converter():
    assert with_ids()
    assert not [route for route in with_ids() if "<int:" in route]


@pytest.mark.parametrize("huge", TOO_LARGE)
def test_an_id_too_large_for_the_database_answers_404_on_every_url(client, huge):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    for route in with_ids():
        url = "/" + re.sub(r"<(id|int):\w+>", huge, route)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, (method.__name__, url, response.status_code)


def test_the_lesson_done_and_enroll_urls_answer_404_for_a_page_id_of_2_to_the_63(client):
    client.force_login(UserFactory())
    client.raise_request_exception = False
    assert client.post(f"/en/learn/lessons/{2**63}/done/").status_code == 404
    assert client.post(f"/ar/learn/courses/{2**63}/enroll/").status_code == 404
    # The largest id the database holds is an ordinary unknown id.
    assert client.post(f"/en/learn/lessons/{DATABASE_ID_MAX}/done/").status_code == 404


def test_the_converter_takes_every_id_the_database_holds():
    converter = DatabaseIdConverter()
    assert converter.to_python("0") == 0 and converter.to_python(str(DATABASE_ID_MAX)) == DATABASE_ID_MAX
    with pytest.raises(ValueError):
        converter.to_python(str(DATABASE_ID_MAX + 1))
    assert converter.to_url(42) == "42"
