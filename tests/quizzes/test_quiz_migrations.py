"""The rename of `Response` to `Answer` (quizzes/migrations/0003) keeps every answer and grant."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = ("quizzes", "0002_choice_parental_key")
AFTER = ("quizzes", "0003_response_becomes_answer")


def _migrate(target):
    """Migrate quizzes to `target` as `manage.py migrate` does (its signals rename content types)."""
    call_command("migrate", *target, verbosity=0)
    return MigrationLoader(connection).project_state(target).apps


def test_answers_and_the_markers_grants_survive_the_rename():
    old = _migrate(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    User = old.get_model("accounts", "User")
    Locale = old.get_model("wagtailcore", "Locale")
    Quiz = old.get_model("quizzes", "Quiz")
    Question = old.get_model("quizzes", "Question")
    Choice = old.get_model("quizzes", "Choice")
    Attempt = old.get_model("quizzes", "Attempt")
    Response = old.get_model("quizzes", "Response")

    # The permissions of a database that ran 0002 and post_migrate before (as production did).
    response_type, _ = ContentType.objects.get_or_create(app_label="quizzes", model="response")
    mark, _ = Permission.objects.get_or_create(
        content_type=response_type, codename="mark_response", defaults={"name": "Can mark essay answers"}
    )
    view, _ = Permission.objects.get_or_create(
        content_type=response_type, codename="view_response", defaults={"name": "Can view response"}
    )
    markers = Group.objects.create(name="Migration markers")
    markers.permissions.add(mark, view)
    marker = User.objects.create(username="migration-marker", email="migration-marker@example.com")
    marker.user_permissions.add(mark)

    locale, _ = Locale.objects.get_or_create(language_code="en")
    quiz = Quiz.objects.create(title="Before the rename", locale=locale)
    question = Question.objects.create(quiz=quiz, key="q1", text="Which?")
    choice = Choice.objects.create(question=question, key="a", text="This one", correct=True)
    attempt = Attempt.objects.create(user=marker, quiz=quiz, quiz_key=quiz.translation_key)
    response = Response.objects.create(attempt=attempt, question=question, position=1, answer_text="kept")
    response.selected_choices.add(choice)

    new = _migrate(AFTER)
    Answer = new.get_model("quizzes", "Answer")
    Permission = new.get_model("auth", "Permission")
    answer = Answer.objects.get(pk=response.pk)
    assert (answer.attempt_id, answer.question_id, answer.position, answer.answer_text) == (
        attempt.pk,
        question.pk,
        1,
        "kept",
    )
    assert list(answer.selected_choices.values_list("pk", flat=True)) == [choice.pk]
    renamed = Permission.objects.get(pk=mark.pk)
    assert (renamed.codename, renamed.content_type.model) == ("mark_answer", "answer")
    assert Permission.objects.get(pk=view.pk).codename == "view_answer"
    assert not Permission.objects.filter(codename__endswith="_response").exists()
    group_codenames = set(
        new.get_model("auth", "Group").objects.get(pk=markers.pk).permissions.values_list("codename", flat=True)
    )
    assert group_codenames == {"mark_answer", "view_answer"}
    user = new.get_model("accounts", "User").objects.get(pk=marker.pk)
    assert list(user.user_permissions.values_list("codename", flat=True)) == ["mark_answer"]

    # And back: the old names return with the same grants.
    back = _migrate(BEFORE)
    assert back.get_model("auth", "Permission").objects.get(pk=mark.pk).codename == "mark_response"
    assert back.get_model("quizzes", "Response").objects.get(pk=response.pk).answer_text == "kept"
    call_command("migrate", verbosity=0)
