"""The database connection drops in the middle of a quiz submission.

On PostgreSQL the test's own connection is really killed (pg_terminate_backend from a second
connection) just before the submission writes the attempt's grade; on SQLite, which has no
server to lose, the same statement raises the OperationalError a lost connection gives.
The trainee gets a translated 503 page (core.middleware.DatabaseUnavailableMiddleware), the
attempt is intact with every answer saved before, and submitting again works.

A content file with an error writing nothing is tested in
tests/courses/test_load_content_command.py (test_a_bad_file_writes_nothing)."""

import contextlib
import uuid

import pytest
from django.db import OperationalError, close_old_connections, connection
from wagtail.models import Locale

from quizzes.models import Attempt, Quiz
from tests.factories import UserFactory
from tests.quizzes.factories import question_add, right_values

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

BUSY = {
    "en": ("The service is busy", "Your answers are saved. Try again in a moment."),
    "ar": ("الخدمة مشغولة الآن", "إجاباتك محفوظة. أعد المحاولة بعد قليل."),
}


def _kill_this_connection() -> None:
    """Terminate the server process of Django's connection, from a second connection."""
    import psycopg

    db = connection.settings_dict
    pid = connection.connection.info.backend_pid
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    ) as other:
        # The second argument waits (up to 10 s) until the process is gone.
        assert other.execute("SELECT pg_terminate_backend(%s, 10000)", [pid]).fetchone()[0]


@contextlib.contextmanager
def connection_lost_at(sql_start: str):
    """Lose the database connection when a statement starting with `sql_start` is sent."""
    lost = []

    def wrapper(execute, sql, params, many, context):
        if not lost and sql.startswith(sql_start):
            lost.append(sql)
            if connection.vendor == "postgresql":
                _kill_this_connection()  # the statement below fails as it reaches the dead server
            else:
                raise OperationalError("the connection to the database was lost")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield lost
    assert lost, f"no statement started with {sql_start!r}"


@pytest.fixture
def quiz(db):
    locale, _ = Locale.objects.get_or_create(language_code="en")
    Locale.objects.get_or_create(language_code="ar")
    quiz = Quiz.objects.create(locale=locale, translation_key=uuid.uuid4(), title="Fault quiz", pass_mark=100)
    for index, kind in enumerate(["single", "multiple", "true_false"], start=1):
        question_add(quiz, kind, index)
    return quiz


def answers_of(attempt) -> dict[int, tuple]:
    return {
        r.question_id: (
            r.answered_at is not None,
            sorted(r.selected_choices.values_list("pk", flat=True)),
            r.answer_bool,
        )
        for r in attempt.answers.all()
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_lost_connection_during_submission_keeps_the_attempt(client, quiz, language):
    trainee = UserFactory()
    client.force_login(trainee)
    client.raise_request_exception = False
    assert client.post(f"/{language}/quizzes/{quiz.pk}/start/").status_code == 302
    attempt = Attempt.objects.get(user=trainee)
    rows = list(attempt.answers.order_by("position").select_related("question"))
    first, *others = rows

    # One answer saved on its own page, the others sent with the submission.
    def post(row):
        return {
            "question": [str(row.question_id)],
            f"q-{row.question_id}": right_values(row.question.get_real_instance()),
        }

    assert client.post(f"/{language}/quizzes/attempts/{attempt.pk}/", {**post(first), "go": "next"}).status_code == 302
    submission = {"question": [str(r.question_id) for r in others]}
    for row in others:
        submission.update({k: v for k, v in post(row).items() if k != "question"})

    with connection_lost_at('UPDATE "quizzes_attempt"'):
        response = client.post(f"/{language}/quizzes/attempts/{attempt.pk}/submit/", submission)

    # A clear page in the trainee's language, not a traceback.
    assert response.status_code == 503
    assert response["Retry-After"]
    title, detail = BUSY[language]
    assert title in response.text and detail in response.text
    assert f'lang="{language}"' in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text

    # The attempt is intact: still open, nothing graded, every answer saved before kept.
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS and attempt.submitted_at is None
    saved = answers_of(attempt)
    assert all(answered for answered, _choices, _bool in saved.values())
    assert all(r.points is None for r in attempt.answers.all())

    # Submitting again works, with the same answers.
    response = client.post(f"/{language}/quizzes/attempts/{attempt.pk}/submit/", submission)
    assert response.status_code == 302 and response["Location"].endswith(f"/attempts/{attempt.pk}/result/")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.passed is True
    assert attempt.score == attempt.max_score == 3
    assert answers_of(attempt) == saved
    assert client.get(f"/{language}/quizzes/attempts/{attempt.pk}/result/").status_code == 200


def test_a_status_poll_gets_a_json_503(client, quiz):
    """The pages' scripts ask for JSON: they get a JSON answer they can retry on."""
    trainee = UserFactory()
    client.force_login(trainee)
    client.raise_request_exception = False
    client.post(f"/en/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=trainee)
    with connection_lost_at('SELECT "quizzes_'):  # the page's first read of the attempt
        response = client.get(f"/en/quizzes/attempts/{attempt.pk}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json() == {"error": BUSY["en"][0], "detail": BUSY["en"][1]}
    close_old_connections()  # what the WSGI handler does after each request (the test client does not)
    assert client.get(f"/en/quizzes/attempts/{attempt.pk}/").status_code == 200
