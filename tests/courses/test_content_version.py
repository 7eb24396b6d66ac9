"""The content version (courses/content_version.py): every write path to what pages show
replaces it, inside the writer's transaction; on PostgreSQL other processes hear of it without
a query per request."""

import time

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.models import Page

from core import notifications
from courses import content_version
from quizzes.models import Quiz

pytestmark = pytest.mark.django_db


def test_every_write_path_replaces_the_version(demo_course):
    seen = [content_version.read()]

    def changed() -> bool:
        seen.append(content_version.read())
        return seen[-1] != seen[-2]

    course = demo_course["en"]
    Page.objects.filter(pk=course.pk).update(title="Bulk")
    assert changed()
    type(course).objects.filter(pk=course.pk).update(summary="Bulk on the page's own table")
    assert changed()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Page._meta.db_table} SET title = %s WHERE id = %s", ["Raw", course.pk])
    assert changed()
    Quiz.objects.filter(pk__in=[]).update(title="Nothing")  # a statement that touches no row
    changed()  # on PostgreSQL statement triggers fire anyway: no harm either way
    Document.objects.create(title="Handout", file=ContentFile(b"x", name="handout.txt"))
    assert changed()
    assert not changed()  # reading alone changes nothing


def test_a_rolled_back_change_never_brings_its_version_back(demo_course):
    before = content_version.read()
    with pytest.raises(RuntimeError), transaction.atomic():
        Page.objects.filter(pk=demo_course["en"].pk).update(title="Never committed")
        inside = content_version.read()
        raise RuntimeError
    assert inside != before and content_version.read() == before
    Page.objects.filter(pk=demo_course["en"].pk).update(title="Committed")
    assert content_version.read() not in (before, inside)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_another_process_commit_reaches_the_listener_without_a_query_per_request(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's LISTEN/NOTIFY; SQLite reads the version with one query")
    content_version.install()
    deadline = time.monotonic() + 10
    while not (notifications.listening() and content_version._Token.value) and time.monotonic() < deadline:
        time.sleep(0.05)
    first = content_version._Token.value
    assert first is not None
    content_version.read()  # the first read after content saved in this thread asks the database
    with CaptureQueriesContext(connection) as queries:
        assert content_version.read() == first
    assert len(queries) == 0

    # Another process (its own connection) replaces the version: the listener hears of it.
    params = connection.get_connection_params()
    keep = {"dbname", "user", "password", "host", "port"}
    with psycopg.connect(**{k: v for k, v in params.items() if k in keep and v}, autocommit=True) as other:
        other.execute("SELECT masar_content_version_replace()")
    while content_version._Token.value == first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert content_version.read() != first
