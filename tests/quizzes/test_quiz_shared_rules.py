"""A quiz's rules are the same in every language: attempts are counted across languages, so a
limit set on one translation in an admin holds for the others."""

import uuid

import pytest
from django.forms.models import model_to_dict

from quizzes import services
from quizzes.models import Quiz
from quizzes.services import QuizError

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_quiz):
    key = uuid.uuid4()
    return make_quiz(lang="en", translation_key=key), make_quiz(lang="ar", translation_key=key)


def edit_in_wagtail(client, quiz: Quiz, **changes) -> None:
    data = {
        k: v
        for k, v in model_to_dict(
            quiz, fields=["title", "description", "category", "success_text", "fail_text"]
        ).items()
    }
    for name in Quiz.SHARED_RULES:
        value = changes.get(name, getattr(quiz, name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    response = client.post(f"/admin/snippets/quizzes/quiz/edit/{quiz.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_attempt_limit_set_on_the_english_quiz_holds_in_arabic(client, superuser, pair, trainee):
    english, arabic = pair
    client.force_login(superuser)
    edit_in_wagtail(client, english, attempts_allowed=2, time_limit_minutes=20)
    english.refresh_from_db()
    arabic.refresh_from_db()
    assert (english.attempts_allowed, english.time_limit_minutes) == (2, 20)
    assert (arabic.attempts_allowed, arabic.time_limit_minutes) == (2, 20)

    for quiz in (english, arabic):
        services.attempt_submit(attempt=services.attempt_start(user=trainee, quiz=quiz))
    with pytest.raises(QuizError):
        services.attempt_start(user=trainee, quiz=arabic)  # the third attempt, in either language
    with pytest.raises(QuizError):
        services.attempt_start(user=trainee, quiz=english)


@pytest.mark.parametrize(("rule", "value"), [("single_attempt", True), ("draft", True), ("pass_mark", 90)])
def test_each_shared_rule_saved_on_one_translation_reaches_the_other(client, superuser, pair, rule, value):
    english, arabic = pair
    client.force_login(superuser)
    edit_in_wagtail(client, arabic, **{rule: value})
    english.refresh_from_db()
    assert getattr(english, rule) == value


def test_texts_stay_per_language(pair):
    english, arabic = pair
    english.title = "Only the English title"
    english.attempts_allowed = 3
    english.save()
    arabic.refresh_from_db()
    assert arabic.title != "Only the English title" and arabic.attempts_allowed == 3
