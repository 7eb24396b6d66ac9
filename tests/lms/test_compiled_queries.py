"""The "compiled-queries" cache layer (core.caching.CompiledQuery): a read compiled once per
thread returns what the queryset returns, for any parameters, through the fields' converters;
and a write that must not wait for the disk (core.db.hint_write) waits for it inside a caller's
transaction."""

import threading
import uuid

import pytest
from django.db import connection, connections, transaction

from core import caching
from core.db import hint_write
from courses.models import Enrollment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def places_query(builds: list):
    def build(user_id):
        builds.append(user_id)
        return (
            Enrollment.objects.filter(user_id=user_id)
            .order_by("course_key")
            .values_list("course_key", "last_lesson_key", "last_activity_at", "user__username")
        )

    return caching.CompiledQuery(build)


def enrolled(courses: int):
    user = UserFactory()
    for _ in range(courses):
        Enrollment.objects.create(user=user, course_key=uuid.uuid4(), last_lesson_key=uuid.uuid4())
    return user


def orm_rows(user):
    return list(
        Enrollment.objects.filter(user=user)
        .order_by("course_key")
        .values_list("course_key", "last_lesson_key", "last_activity_at", "user__username")
    )


def test_a_compiled_query_returns_the_querysets_rows_for_each_parameter(django_assert_num_queries):
    builds = []
    query = places_query(builds)
    first, second, none = enrolled(2), enrolled(3), enrolled(0)
    for user in (first, second, none, first):
        with django_assert_num_queries(1):
            rows = query.rows(user_id=user.pk)
        assert rows == orm_rows(user)
    assert len(builds) == 1  # compiled once, with a stand-in
    assert builds[0] < 0
    course_key, lesson_key, activity, username = query.rows(user_id=second.pk)[0]
    assert isinstance(course_key, uuid.UUID) and isinstance(lesson_key, uuid.UUID)  # text on SQLite: converted
    assert activity.tzinfo is not None and username == second.username


def test_each_thread_compiles_its_own():
    """The compiled form belongs to the thread's connection."""
    builds = []
    query = places_query(builds)
    user = enrolled(1)
    query.rows(user_id=user.pk)
    found = []

    def other_thread():
        try:
            found.append(query.rows(user_id=-1))
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert found == [[]] and len(builds) == 2
    query.rows(user_id=user.pk)
    assert len(builds) == 2


def test_switched_off_the_queryset_runs_as_it_is(settings):
    builds = []
    query = places_query(builds)
    user = enrolled(2)
    settings.MASAR_CACHE_LAYERS_OFF = ["compiled-queries"]
    assert query.rows(user_id=user.pk) == orm_rows(user)
    assert query.rows(user_id=user.pk) == orm_rows(user)
    assert builds == [user.pk, user.pk]


def test_a_parameter_the_sql_does_not_receive_as_given_is_refused():
    query = caching.CompiledQuery(lambda user_id: Enrollment.objects.filter(user_id=user_id + 1).values_list("pk"))
    with pytest.raises(ValueError, match="every parameter"):
        query.rows(user_id=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_hint_write_skips_the_disk_wait_only_in_its_own_transaction():
    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    with hint_write():
        assert setting() == "off" and connection.in_atomic_block
    assert setting() == "on"
    with transaction.atomic():
        with hint_write():  # the caller's writes must reach the disk before their commit returns
            assert setting() == "on"
