"""Authoring: the Wagtail snippets and the Django admin pages load and save."""

import pytest
from django.urls import reverse

from quizzes.models import (
    EssayQuestion,
    MultipleChoiceQuestion,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from tests.quizzes.factories import mixed

pytestmark = pytest.mark.django_db

SNIPPETS = [Quiz, SingleChoiceQuestion, MultipleChoiceQuestion, TrueFalseQuestion, EssayQuestion]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", SNIPPETS, ids=lambda m: m.__name__)
def test_snippet_pages_load(admin_client, make_quiz, model):
    quiz = make_quiz(kinds=mixed(4))
    viewset = model.snippet_viewset
    assert admin_client.get(reverse(viewset.get_url_name("list"))).status_code == 200
    add = reverse(viewset.get_url_name("add"))
    assert admin_client.get(add, {"locale": "en"} if model is Quiz else {}).status_code == 200
    instance = quiz if model is Quiz else model.objects.get(quiz=quiz)
    page = admin_client.get(reverse(viewset.get_url_name("edit"), args=[instance.pk]))
    assert page.status_code == 200
    if model in (SingleChoiceQuestion, MultipleChoiceQuestion):
        assert "Choice a of" in page.text  # the choices are inline


def test_snippet_menu_groups_the_question_types(admin_client):
    page = admin_client.get("/admin/")
    assert page.status_code == 200
    for label in ("Quizzes", "Single-choice questions", "Essay questions"):
        assert label in page.text


def test_create_a_single_choice_question_with_its_choices_in_wagtail(admin_client, make_quiz):
    quiz = make_quiz(kinds=[])
    data = {
        "quiz": quiz.pk,
        "key": "new-question",
        "sort_order": 1,
        "points": 2,
        "category": "duties",
        "text": "Which one?",
        "explanation": "This one.",
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for n, (key, correct) in enumerate([("a", True), ("b", False)]):
        data |= {f"choices-{n}-key": key, f"choices-{n}-text": f"Option {key}", f"choices-{n}-ORDER": n + 1}
        if correct:
            data[f"choices-{n}-correct"] = "on"
    response = admin_client.post(reverse(SingleChoiceQuestion.snippet_viewset.get_url_name("add")), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    question = SingleChoiceQuestion.objects.get(quiz=quiz, key="new-question")
    assert [(c.key, c.correct) for c in question.choices.all()] == [("a", True), ("b", False)]


def test_django_admin_pages_load(admin_client, make_quiz):
    quiz = make_quiz(kinds=mixed(8))
    question = SingleChoiceQuestion.objects.filter(quiz=quiz).first()
    urls = [
        reverse("admin:quizzes_quiz_changelist"),
        reverse("admin:quizzes_quiz_add"),
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
        reverse("admin:quizzes_question_changelist"),
        reverse("admin:quizzes_question_add"),
        reverse("admin:quizzes_question_change", args=[question.pk]),
        reverse("admin:quizzes_singlechoicequestion_add"),
        reverse("admin:quizzes_attempt_changelist"),
    ]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))
    # Every question of the quiz is inline, whatever its type.
    for text in quiz.questions.values_list("text", flat=True):
        assert text in page.text
