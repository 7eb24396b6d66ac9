"""What a result that is no longer a pass means downstream: a passed essay marked again as a fail
withdraws the course completion and revokes the certificate (its code verifies as revoked);
completing the course again issues a new one. (What a revocation does to HR's ZIP exports is in
tests/hr/test_hr_exports.py.)"""

import uuid
from decimal import Decimal

import pytest

from certificates.models import Certificate
from courses.models import Enrollment, ModulePage
from quizzes import services as quiz_services
from quizzes.models import Answer, Quiz
from tests.certificates.conftest import complete
from tests.factories import EditorFactory
from tests.quizzes.factories import question_add, right_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay_course(course, demo_course):
    """The demo course with an essay quiz on its first module (both languages)."""
    key = uuid.uuid4()
    quizzes = {}
    for language, page in demo_course.items():
        quiz = Quiz.objects.create(
            title=f"Essay quiz {language}", locale=page.locale, translation_key=key, pass_mark=50
        )
        question_add(quiz, "essay", 1)
        quizzes[language] = quiz
        module = ModulePage.objects.child_of(page).order_by("path").first()
        module.quiz = quiz
        module.save_revision().publish()
    return quizzes["en"]


def pass_the_essay(user, quiz, marker) -> Answer:
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    question = attempt.quiz.questions.get()
    quiz_services.answer_save(attempt=attempt, question_id=question.pk, values=right_values(question))
    quiz_services.attempt_submit(attempt=attempt)
    response = Answer.objects.get(attempt=attempt)
    quiz_services.answer_mark(marker=marker, answer=response, points=Decimal(1), comment="Good.")
    return response


def test_an_essay_marked_again_as_a_fail_withdraws_the_completion_and_the_certificate(
    client, course, trainee, essay_course, django_capture_on_commit_callbacks
):
    marker = EditorFactory()
    complete(trainee, course)
    response = pass_the_essay(trainee, essay_course, marker)
    enrollment = Enrollment.objects.get(user=trainee, course_key=course.translation_key)
    assert enrollment.completed_at is not None
    first = Certificate.objects.get(user=trainee)

    quiz_services.answer_mark(marker=marker, answer=response, points=Decimal(0), comment="Copied text.")
    enrollment.refresh_from_db()
    first.refresh_from_db()
    assert enrollment.completed_at is None
    assert first.status == Certificate.Status.REVOKED and "no longer a pass" in first.revoked_reason
    verification = client.get(f"/verify/{first.code}/?format=json").json()
    assert verification["status"] == "revoked"

    pass_the_essay(trainee, essay_course, marker)  # a new attempt, passed
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    second = Certificate.objects.exclude(pk=first.pk).get(user=trainee)
    assert second.code != first.code and second.status != Certificate.Status.REVOKED
    assert client.get(f"/verify/{first.code}/?format=json").json()["status"] == "revoked"


def test_an_essay_marked_again_with_another_passing_attempt_keeps_the_certificate(course, trainee, essay_course):
    marker = EditorFactory()
    complete(trainee, course)
    first_pass = pass_the_essay(trainee, essay_course, marker)
    pass_the_essay(trainee, essay_course, marker)
    quiz_services.answer_mark(marker=marker, answer=first_pass, points=Decimal(0))
    assert Enrollment.objects.get(user=trainee, course_key=course.translation_key).completed_at is not None
    assert Certificate.objects.get(user=trainee).status != Certificate.Status.REVOKED
