"""bench/queries.py in small: every main page issues the same queries with more content."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SMALL = {"extra_courses": 0, "modules": 1, "lessons": 2, "questions": 3, "bank": 3, "cards": 2, "trainees": 3}
LARGE = {"extra_courses": 2, "modules": 3, "lessons": 4, "questions": 12, "bank": 12, "cards": 8, "trainees": 12}


def _bench_queries():
    path = Path(settings.BASE_DIR) / "bench" / "queries.py"
    spec = importlib.util.spec_from_file_location("bench_queries", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_main_page_has_a_fixed_query_count():
    bench = _bench_queries()
    small = bench.count(bench.build("small", SMALL))
    large = bench.count(bench.build("large", LARGE))
    assert small.keys() == large.keys() and len(small) == 22
    differ = {name: (small[name][0], large[name][0]) for name in small if small[name][0] != large[name][0]}
    assert not differ
    # The content version alone: read from the database inside the test's transaction (and on
    # SQLite); a PostgreSQL process outside a transaction knows it from the notifications.
    assert small["catalog (anonymous, cached)"][0] == 1


def _quiz_of(count: int, *, exam_paper: bool = False):
    from wagtail.models import Locale

    from quizzes.models import Quiz
    from tests.quizzes.factories import mixed, question_add

    locale, _ = Locale.objects.get_or_create(language_code="en")
    quiz = Quiz.objects.create(title=f"Quiz of {count}", locale=locale, exam_paper=exam_paper, answers_at_end=False)
    for index, kind in enumerate(mixed(count), start=1):
        question_add(quiz, kind, index)
    return quiz


def _quiz_page_queries(client, user, *, count: int, exam_paper: bool = False) -> dict:
    """The queries of the quiz pages for an attempt of `count` questions, half of them answered."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes import services
    from quizzes.models import Answer
    from tests.quizzes.factories import right_values

    quiz = _quiz_of(count, exam_paper=exam_paper)
    attempt = services.attempt_start(user=user, quiz=quiz)
    answers = list(Answer.objects.filter(attempt=attempt).order_by("position").select_related("question"))
    half = {a.question_id: right_values(a.question.get_real_instance()) for a in answers[: count // 2]}
    services.answers_save(attempt=attempt, answers=half)
    pages = {
        "detail": f"/en/quizzes/{quiz.pk}/",
        "first question": f"/en/quizzes/attempts/{attempt.pk}/?q=1",  # answered: with its right answer
        "last question": f"/en/quizzes/attempts/{attempt.pk}/?q={count}",
        "summary": f"/en/quizzes/attempts/{attempt.pk}/summary/",
        "first question in Arabic": f"/ar/quizzes/attempts/{attempt.pk}/?q=1",  # the same attempt translated
    }
    counts = {}
    for name, url in pages.items():
        client.get(url)  # content types and the like, once per process
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    services.attempt_submit(attempt=attempt)
    client.get(f"/en/quizzes/attempts/{attempt.pk}/result/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/en/quizzes/attempts/{attempt.pk}/result/").status_code == 200
    counts["result"] = len(queries)
    return counts


@pytest.mark.parametrize("exam_paper", [False, True], ids=["one question a page", "exam paper"])
def test_quiz_pages_read_the_same_queries_at_10_and_50_questions(client, exam_paper):
    """The question page reads the attempt's answers in one query and only the question it shows;
    an exam paper, every question in two queries: no page issues a query per question."""
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    small = _quiz_page_queries(client, user, count=10, exam_paper=exam_paper)
    large = _quiz_page_queries(client, user, count=50, exam_paper=exam_paper)
    assert small == large
    # The session and the user (database sessions here), the attempt, its answers, the question(s)
    # and their choices.
    assert small["first question"] <= 6
