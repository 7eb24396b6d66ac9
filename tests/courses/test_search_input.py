"""What a visitor types into the lesson search is data, never query syntax (issue 12, item 7)."""

import logging
import sqlite3

import pytest
from django.db import OperationalError

from core.middleware import database_unavailable
from courses.selectors import search_terms

pytestmark = pytest.mark.django_db

# Unbalanced quotes and the operators of FTS5 and of PostgreSQL's tsquery.
TYPED = '" Lesson" "Lesson \' * a* :* - ( ) NEAR( AND OR !a & | \\ ^ {a} a:b . ..'.split(" ") + ["OR NOT", '""']


def test_a_search_with_an_unbalanced_quote_or_an_operator_answers_200(client, demo_course, caplog):
    for typed in TYPED:
        with caplog.at_level(logging.ERROR):
            response = client.get("/en/learn/search/", {"q": typed})
        assert response.status_code == 200, typed
        assert "The service is busy" not in response.text
        assert not [record for record in caplog.records if record.levelno >= logging.ERROR], typed


def test_words_around_the_syntax_are_still_found(client, loaded_course):
    response = client.get("/en/learn/search/", {"q": '"Lesson 1.1'})
    assert response.status_code == 200 and "Lesson 1.1 en" in response.text
    arabic = client.get("/ar/learn/search/", {"q": '(تمهيدية"'})
    assert "Lesson 1.1 ar" in arabic.text


def test_search_terms_are_words_of_any_script():
    assert search_terms('"Bill" O\'Brien NEAR(x*) -a:b') == ["Bill", "O", "Brien", "NEAR", "x", "a", "b"]
    assert search_terms("مُسار\x00 2024") == ["مُسار", "2024"]  # marks stay inside their word
    assert search_terms('"*') == [] and search_terms(". .. ...") == []
    assert search_terms("Lesson 1.1. example..com") == ["Lesson", "1.1", "example", "com"]


def test_a_wrong_statement_is_not_an_outage_but_a_busy_database_is(tmp_path):
    """Only a database that is away or busy gets the 503 page: SQLite's error for a statement it
    cannot run (SQLITE_ERROR) is a bug, and must not look like an outage anyone can trigger."""
    raw = sqlite3.connect(":memory:")
    try:
        raw.execute("SELECT * FROM nowhere WHERE x MATCH '\"'")
    except sqlite3.OperationalError as error:
        wrong = OperationalError(str(error))
        wrong.__cause__ = error
    assert not database_unavailable(wrong)

    path = tmp_path / "busy.sqlite3"
    holder, other = sqlite3.connect(path, isolation_level=None), sqlite3.connect(path, timeout=0)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        other.execute("INSERT INTO t VALUES (1)")
    except sqlite3.OperationalError as error:
        busy = OperationalError(str(error))
        busy.__cause__ = error
    holder.execute("ROLLBACK")
    assert database_unavailable(busy)
    # The connection lost in tests/faults has no SQLite cause: still an outage.
    assert database_unavailable(OperationalError("the connection to the database was lost"))
