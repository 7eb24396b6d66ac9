"""The quiz pages keep quizzes, pools, questions and choices as plain records under the content
version (layer "quiz-content", core/caching.py): a change by any write path shows on the next
request, and no request shares an instance with another."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from quizzes import selectors, services
from quizzes.models import Choice, Question, QuestionCategory, Quiz
from tests.factories import UserFactory
from tests.quizzes.factories import question_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = Quiz.objects.create(title="Cached", locale=Locale.objects.get(language_code="en"), pass_mark=50)
    question_add(quiz, "single", 1, category="metrics")
    question_add(quiz, "numeric", 2, category="metrics")
    return quiz


@pytest.fixture
def taking(client, quiz):
    user = UserFactory()
    client.force_login(user)
    attempt = services.attempt_start(user=user, quiz=quiz)
    first = attempt.answers.get(position=1).question
    return client, attempt, first


def question_page(client, attempt, position=1) -> str:
    response = client.get(f"/en/quizzes/attempts/{attempt.pk}/?q={position}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_bulk_update_of_a_question_or_a_choice_shows_on_the_next_request(taking):
    client, attempt, question = taking
    assert question.text in question_page(client, attempt)
    question_page(client, attempt)  # from the cache now
    Question.objects.filter(pk=question.pk).update(text="Rewritten by a bulk update")
    assert "Rewritten by a bulk update" in question_page(client, attempt)
    Choice.objects.filter(question_id=question.pk, key="b").update(text="A choice renamed")
    assert "A choice renamed" in question_page(client, attempt)


def test_a_saved_question_shows_on_the_next_request(taking):
    client, attempt, question = taking
    question_page(client, attempt)
    question = Question.objects.get(pk=question.pk)
    question.text = "Saved through the model"
    question.save()
    assert "Saved through the model" in question_page(client, attempt)


def test_a_quiz_made_a_draft_is_gone_for_trainees_on_the_next_request(client, quiz):
    client.force_login(UserFactory())
    assert client.get(f"/en/quizzes/{quiz.pk}/").status_code == 200
    Quiz.objects.filter(pk=quiz.pk).update(draft=True)
    assert client.get(f"/en/quizzes/{quiz.pk}/").status_code == 404


def test_a_question_added_to_the_pool_is_counted_at_once(quiz):
    assert len(selectors.pool_questions(quiz=quiz)) == 2
    assert selectors.quiz_by_id(quiz.pk).question_count == 2
    question_add(quiz, "essay", 3)
    assert len(selectors.pool_questions(quiz=quiz)) == 3
    assert selectors.quiz_by_id(quiz.pk).question_count == 3


def test_a_category_renamed_shows_on_the_next_result(client, quiz):
    from quizzes.categories import category_labels

    locale = Locale.objects.get(language_code="en")
    category = QuestionCategory.objects.create(key="metrics", label="Metrics", locale=locale)
    assert category_labels(["metrics"]) == {"metrics": "Metrics"}
    QuestionCategory.objects.filter(pk=category.pk).update(label="Analytics and KPIs")
    assert category_labels(["metrics"]) == {"metrics": "Analytics and KPIs"}


def test_every_call_builds_its_own_instances(quiz):
    ids = list(quiz.questions.values_list("pk", flat=True))
    first = selectors.questions_with_choices(ids=ids)
    first[ids[0]].text = "changed by one request"
    first[ids[0]].choice_list[0].text = "changed too"
    second = selectors.questions_with_choices(ids=ids)
    assert second[ids[0]].text != "changed by one request"
    assert second[ids[0]].choice_list[0].text != "changed too"
    assert type(second[ids[1]]).__name__ == "NumericQuestion" and second[ids[1]].unit == "%"


def test_a_question_page_reads_only_the_attempt_and_its_answers_once_cached(taking):
    client, attempt, _question = taking
    question_page(client, attempt)
    with CaptureQueriesContext(connection) as queries:
        question_page(client, attempt)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "quizzes_question" not in tables and "quizzes_choice" not in tables
    assert "quizzes_attempt" in tables and "quizzes_answer" in tables


def test_someone_elses_attempt_is_not_found(taking):
    client, attempt, _question = taking
    client.force_login(UserFactory())
    assert client.get(f"/en/quizzes/attempts/{attempt.pk}/?q=1").status_code == 404
