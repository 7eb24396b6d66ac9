"""The result page keeps the HTML of a closed attempt's topics and review ("attempt-reviews",
core/caching.py). What it shows must still change the moment the attempt does: a marking (a new
comment with the same points too), the review opening, the page's language."""

import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import selectors, services
from tests.quizzes.factories import right_values, wrong_values

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def answer_all(attempt, pick):
    rows = selectors.attempt_rows(attempt=attempt)
    services.answers_save(attempt=attempt, answers={r.question_id: pick(r.question) for r in rows})
    return rows


def result(client, attempt, language="en") -> str:
    response = client.get(f"/{language}/quizzes/attempts/{attempt.pk}/result/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_comment_with_the_same_points_shows_on_the_next_view(client, make_quiz, trainee, marker):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(kinds=["single", "essay"], pass_mark=50))
    rows = answer_all(attempt, right_values)
    services.attempt_submit(attempt=attempt)
    essay = next(r for r in rows if r.question.needs_marking)
    client.force_login(trainee)
    assert "Awaiting marking" in result(client, attempt)

    services.answer_mark(marker=marker, answer=essay, points=Decimal(1), comment="Clear and complete.")
    assert "Clear and complete." in result(client, attempt)
    assert "Clear and complete." in result(client, attempt)  # the stored sections
    services.answer_mark(marker=marker, answer=essay, points=Decimal(1), comment="Name one more platform.")
    page = result(client, attempt)
    assert "Name one more platform." in page and "Clear and complete." not in page


def test_the_review_opens_on_the_first_attempts_page_once_the_quiz_is_passed(client, make_quiz, trainee):
    quiz = make_quiz(kinds=["single", "true_false"], pass_mark=100, review="after_passing")
    failed = services.attempt_start(user=trainee, quiz=quiz)
    answer_all(failed, wrong_values)
    services.attempt_submit(attempt=failed)
    client.force_login(trainee)
    page = result(client, failed)
    assert "Questions to work on" in page and "Your answer:" not in page

    passed = services.attempt_start(user=trainee, quiz=quiz)
    answer_all(passed, right_values)
    services.attempt_submit(attempt=passed)
    page = result(client, failed)
    assert "Questions to work on" not in page and "Your answer:" in page


def test_each_language_has_its_own_sections_and_a_second_view_reads_no_answer(client, make_quiz, trainee):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(kinds=["single", "multiple"], pass_mark=50))
    answer_all(attempt, right_values)
    services.attempt_submit(attempt=attempt)
    client.force_login(trainee)
    with CaptureQueriesContext(connection) as first:
        english = result(client, attempt)
    with CaptureQueriesContext(connection) as second:
        again = result(client, attempt)
    assert CSRF.sub(r"\1…", again) == CSRF.sub(r"\1…", english)
    assert "Review" in english
    assert any("quizzes_answer" in q["sql"] for q in first.captured_queries)
    assert not any("quizzes_answer" in q["sql"] for q in second.captured_queries)
    assert len(second) < len(first)
    arabic = result(client, attempt, "ar")
    assert "المراجعة" in arabic or "مراجعة" in arabic
    assert "Your answer:" not in arabic
