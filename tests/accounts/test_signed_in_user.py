"""The signed-in user is read from the database on each request (accounts/backends.py): every
change to the row shows on the next request, whatever wrote it; their cached entries come in
one round trip."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Organization, User
from core import caching
from courses.models import LessonPage
from courses.services import enrollment_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def user_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return sum(1 for query in ctx.captured_queries if 'FROM "accounts_user"' in query["sql"])


def signed_in(client) -> bool:
    return client.get("/en/learn/").status_code == 200


def test_the_signed_in_user_costs_one_query_a_request(client, demo_course):
    client.force_login(UserFactory())
    client.get("/en/learn/")
    assert user_queries(client, "/en/learn/") == 1
    assert user_queries(client, "/en/certificates/") == 1


def test_a_bulk_deactivation_signs_the_user_out_on_the_next_request(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    assert signed_in(client)
    User.objects.filter(pk=user.pk).update(is_active=False)  # what Wagtail's bulk action does
    assert not signed_in(client)


def test_a_deactivation_in_raw_sql_signs_the_user_out_on_the_next_request(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    assert signed_in(client)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {User._meta.db_table} SET is_active = %s WHERE id = %s", [False, user.pk])
    assert not signed_in(client)


def test_a_demoted_hr_user_loses_the_dashboard_on_the_next_request(client, demo_course):
    organization = Organization.objects.create(name="Org A", join_code="ORG-A-1")
    hr = UserFactory(role=User.Role.HR, organization=organization)
    client.force_login(hr)
    assert client.get("/en/hr/").status_code == 200
    User.objects.filter(pk=hr.pk).update(role=User.Role.TRAINEE)
    assert client.get("/en/hr/").status_code in (302, 403, 404)


def test_an_hr_user_moved_to_another_organization_sees_it_on_the_next_request(client, demo_course):
    first = Organization.objects.create(name="First Org", join_code="FIRST-1")
    second = Organization.objects.create(name="Second Org", join_code="SECOND-1")
    hr = UserFactory(role=User.Role.HR, organization=first)
    for organization, name in ((first, "Member Of First"), (second, "Member Of Second")):
        enrollment_create(user=UserFactory(organization=organization, name_latin=name), course=demo_course["en"])
    client.force_login(hr)
    page = client.get("/en/hr/").text
    assert "Member Of First" in page and "Member Of Second" not in page
    User.objects.filter(pk=hr.pk).update(organization=second)
    page = client.get("/en/hr/").text
    assert "Member Of Second" in page and "Member Of First" not in page


def test_a_profile_change_shows_at_once(client, demo_course):
    user = UserFactory(name_latin="Old Name")
    client.force_login(user)
    assert "Old Name" in client.get("/en/learn/").text
    response = client.post(
        "/en/accounts/profile/", {"name_latin": "New Name", "name_arabic": "اسم جديد", "preferred_language": "en"}
    )
    assert response.status_code == 302
    page = client.get("/en/learn/").text
    assert "New Name" in page and "Old Name" not in page


def test_a_deactivated_or_deleted_user_is_signed_out_at_once(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    assert signed_in(client)
    user.is_active = False
    user.save()
    assert not signed_in(client)
    other = UserFactory()
    client.force_login(other)
    assert signed_in(client)
    other.delete()
    assert not signed_in(client)


def test_a_password_change_signs_the_other_sessions_out(demo_course):
    user = UserFactory()
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert client.post("/en/accounts/login/", {"username": user.username, "password": "correct-horse-battery"})
        assert signed_in(client)
    user.set_password("another-Secret-88")
    user.save()
    assert not signed_in(elsewhere) and not signed_in(here)
    assert here.post("/en/accounts/login/", {"username": user.username, "password": "another-Secret-88"})
    assert signed_in(here)


def test_the_users_own_entries_come_in_the_same_round_trip(client, demo_course, monkeypatch):
    user = UserFactory()
    client.force_login(user)
    lesson = LessonPage.objects.live().filter(locale__language_code="en").order_by("path").first()
    client.get(lesson.url)
    client.get(lesson.url)  # the visit is recorded: from here on the progress stays cached
    shared = caching.shared_cache()
    reads, inside = [], []
    for name in ("get", "get_many"):
        original = getattr(shared, name)

        def spy(keys, *args, _name=name, _original=original, **kwargs):
            if not inside:  # a backend without MGET (the file cache of tests) reads key by key
                reads.append((_name, keys))
            inside.append(_name)
            try:
                return _original(keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(shared, name, spy)
    assert client.get(lesson.url).status_code == 200
    user_reads = [(name, keys) for name, keys in reads if f"progress:{user.pk}" in str(keys)]
    assert len(user_reads) == 1
    name, _keys = user_reads[0]
    assert name == "get_many"


def test_a_page_that_needs_no_progress_does_not_fetch_it(client, demo_course, monkeypatch):
    user = UserFactory()
    client.force_login(user)
    shared = caching.shared_cache()
    asked = []
    for name in ("get", "get_many"):
        original = getattr(shared, name)
        monkeypatch.setattr(
            shared, name, lambda keys, *a, _o=original, **kw: asked.append(str(keys)) or _o(keys, *a, **kw)
        )
    assert client.get("/en/certificates/").status_code == 200
    assert not [keys for keys in asked if f"progress:{user.pk}" in keys]
    lesson = LessonPage.objects.live().filter(locale__language_code="en").order_by("path").first()
    assert client.get(lesson.url).status_code == 200
    assert [keys for keys in asked if f"progress:{user.pk}" in keys]


def test_an_entry_written_during_the_request_is_not_read_from_the_fetch(demo_course):
    user = UserFactory()
    caching.user_set("progress", user.pk, "before")
    caching.user_entries_fetch(user.pk)
    assert caching.user_get("progress", user.pk) == "before"  # from the fetch
    caching.user_set("progress", user.pk, "after")
    assert caching.user_get("progress", user.pk) == "after"
    caching.user_forget("progress", user.pk)
    assert caching.user_get("progress", user.pk) is None
    caching.request_finished()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_change_committed_elsewhere_signs_the_user_out_without_a_query_per_request(client):
    """Each process keeps its signed-in users' rows and drops one when the database says it
    changed (accounts/backends.py): no user query per request, and still never stale."""
    import time

    import psycopg

    from accounts import backends
    from core import notifications

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's LISTEN/NOTIFY; SQLite reads the user on every request")
    backends.install()  # a flushed test database keeps its triggers; make sure they exist
    deadline = time.monotonic() + 10
    while not notifications.listening() and time.monotonic() < deadline:
        time.sleep(0.05)
    user = UserFactory()
    client.force_login(user)
    assert client.get("/en/certificates/").status_code == 200
    assert user_queries(client, "/en/certificates/") == 0  # the row is known to this process
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in {"dbname", "user", "password", "host", "port"} and v
    }
    with psycopg.connect(**params, autocommit=True) as other:  # another process's write
        other.execute(f"UPDATE {User._meta.db_table} SET is_active = false WHERE id = %s", [user.pk])
    while backends._known._rows.get(user.pk) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not signed_in(client)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_signed_in_user_layer_switched_off_reads_the_user_each_time(client, settings):
    import time

    from accounts import backends
    from core import notifications

    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads the user on every request anyway")
    backends.install()
    deadline = time.monotonic() + 10
    while not notifications.listening() and time.monotonic() < deadline:
        time.sleep(0.05)
    client.force_login(UserFactory())
    assert client.get("/en/certificates/").status_code == 200
    assert user_queries(client, "/en/certificates/") == 0
    settings.MASAR_CACHE_LAYERS_OFF = ["signed-in-user"]
    assert user_queries(client, "/en/certificates/") == 1
    assert user_queries(client, "/en/certificates/") == 1
