"""Services: starting, answering, submitting and marking, with their rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Enrollment
from courses.services import lesson_complete
from quizzes import selectors, services
from quizzes.models import Answer, Attempt
from quizzes.services import AttemptClosed, AttemptExpired, QuizError
from tests.factories import UserFactory
from tests.quizzes.factories import right_values, wrong_values

pytestmark = pytest.mark.django_db


def answer_all(attempt, pick=right_values):
    rows = selectors.attempt_rows(attempt=attempt)
    services.answers_save(attempt=attempt, answers={r.question_id: pick(r.question) for r in rows})
    return rows


def test_start_draws_questions_once_in_a_fixed_order(make_quiz, trainee):
    quiz = make_quiz(kinds=["single"] * 10, random_order=True, max_questions=4)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    positions = list(attempt.answers.values_list("position", "question_id"))
    assert [p for p, _q in positions] == [1, 2, 3, 4]
    assert len({q for _p, q in positions}) == 4
    assert attempt.max_score == 4
    assert attempt.quiz_key == quiz.translation_key
    # Starting again (a refresh, a second tab) gives the same attempt and order.
    again = services.attempt_start(user=trainee, quiz=quiz)
    assert again.pk == attempt.pk
    assert list(again.answers.values_list("position", "question_id")) == positions


def test_start_keeps_the_authored_order_without_random_order(make_quiz, trainee):
    quiz = make_quiz(kinds=["single", "multiple", "true_false", "essay"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    keys = list(attempt.answers.order_by("position").values_list("question__key", flat=True))
    assert keys == ["q1", "q2", "q3", "q4"]


def test_in_progress_attempt_is_reused_across_languages(make_quiz, trainee):
    english = make_quiz(lang="en")
    arabic = make_quiz(lang="ar", translation_key=english.translation_key)
    attempt = services.attempt_start(user=trainee, quiz=english)
    assert services.attempt_start(user=trainee, quiz=arabic).pk == attempt.pk


def test_single_attempt_counts_both_languages(make_quiz, trainee):
    english = make_quiz(lang="en", single_attempt=True)
    arabic = make_quiz(lang="ar", single_attempt=True, translation_key=english.translation_key)
    attempt = services.attempt_start(user=trainee, quiz=english)
    services.attempt_submit(attempt=attempt)
    with pytest.raises(QuizError) as error:
        services.attempt_start(user=trainee, quiz=arabic)
    assert error.value.status == 409
    assert Attempt.objects.filter(user=trainee).count() == 1


def test_attempts_allowed(make_quiz, trainee):
    quiz = make_quiz(attempts_allowed=2)
    for _ in range(2):
        services.attempt_submit(attempt=services.attempt_start(user=trainee, quiz=quiz))
    with pytest.raises(QuizError):
        services.attempt_start(user=trainee, quiz=quiz)


def test_draft_is_for_editors_only(make_quiz, trainee):
    quiz = make_quiz(draft=True)
    with pytest.raises(QuizError) as error:
        services.attempt_start(user=trainee, quiz=quiz)
    assert error.value.status == 403
    editor = UserFactory(is_staff=True)
    assert services.attempt_start(user=editor, quiz=quiz).pk


def test_empty_quiz_cannot_start(make_quiz, trainee):
    with pytest.raises(QuizError) as error:
        services.attempt_start(user=trainee, quiz=make_quiz(kinds=[]))
    assert error.value.status == 409


def test_time_limit_sets_a_deadline(make_quiz, trainee):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(time_limit_minutes=15))
    assert timedelta(minutes=14) < attempt.deadline - timezone.now() <= timedelta(minutes=15)


def test_answer_after_deadline_is_refused_and_closes_the_attempt(make_quiz, trainee):
    quiz = make_quiz(time_limit_minutes=5)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    first, second = selectors.attempt_rows(attempt=attempt)[:2]
    services.answer_save(attempt=attempt, question_id=first.question_id, values=right_values(first.question))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AttemptExpired) as error:
        services.answer_save(attempt=attempt, question_id=second.question_id, values=right_values(second.question))
    assert error.value.status == 409
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    # The answer in time counts; the late one does not.
    assert attempt.score == 1
    late = Answer.objects.get(attempt=attempt, question_id=second.question_id)
    assert late.answered_at is None and late.points == 0


def test_submit_after_deadline_closes_as_expired(make_quiz, trainee):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(time_limit_minutes=5))
    answer_all(attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    attempt = services.attempt_submit(attempt=attempt)
    assert attempt.status == Attempt.Status.EXPIRED
    assert attempt.score == attempt.max_score


def test_start_after_deadline_closes_the_old_attempt(make_quiz, trainee):
    quiz = make_quiz(time_limit_minutes=5, single_attempt=True)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(QuizError):
        services.attempt_start(user=trainee, quiz=quiz)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED  # kept, although the start was refused


def test_submit_twice_changes_nothing(make_quiz, trainee):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz())
    answer_all(attempt)
    first = services.attempt_submit(attempt=attempt)
    with pytest.raises(AttemptClosed):
        services.attempt_submit(attempt=attempt)
    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.score, again.submitted_at, again.status, again.passed) == (
        first.score,
        first.submitted_at,
        first.status,
        first.passed,
    )


def test_answer_after_submission_is_refused(make_quiz, trainee):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz())
    rows = answer_all(attempt, pick=wrong_values)
    services.attempt_submit(attempt=attempt)
    with pytest.raises(AttemptClosed):
        services.answer_save(attempt=attempt, question_id=rows[0].question_id, values=right_values(rows[0].question))
    assert Attempt.objects.get(pk=attempt.pk).score == 0


def test_bad_answers_change_nothing(make_quiz, trainee):
    quiz = make_quiz()
    other = make_quiz()
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    rows = selectors.attempt_rows(attempt=attempt)
    single = rows[0]
    services.answer_save(attempt=attempt, question_id=single.question_id, values=right_values(single.question))
    foreign_choice = other.questions.first().choices.first()
    with pytest.raises(QuizError) as error:
        services.answer_save(attempt=attempt, question_id=single.question_id, values=[str(foreign_choice.pk)])
    assert error.value.status == 400
    with pytest.raises(QuizError):
        services.answer_save(attempt=attempt, question_id=other.questions.first().pk, values=[])
    stored = Answer.objects.get(pk=single.pk)
    assert [c.pk for c in stored.selected_choices.all()] == [int(v) for v in right_values(single.question)]


def test_feedback_mode_grades_at_once_and_locks_the_answer(make_quiz, trainee):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(answers_at_end=False))
    row = selectors.attempt_rows(attempt=attempt)[0]
    saved = services.answer_save(attempt=attempt, question_id=row.question_id, values=wrong_values(row.question))
    assert saved.points == 0 and saved.correct is False
    with pytest.raises(QuizError):
        services.answer_save(attempt=attempt, question_id=row.question_id, values=right_values(row.question))


def test_essays_wait_for_marking_then_marking_passes(make_quiz, trainee, marker):
    quiz = make_quiz(kinds=["single", "essay"], pass_mark=100)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    rows = answer_all(attempt)
    attempt = services.attempt_submit(attempt=attempt)
    assert attempt.status == Attempt.Status.AWAITING_MARKING
    assert attempt.passed is None and attempt.score == 1
    essay = next(r for r in rows if r.question.needs_marking)
    assert list(selectors.marking_queue()) == [Answer.objects.get(pk=essay.pk)]

    with pytest.raises(QuizError) as error:
        services.answer_mark(marker=marker, answer=essay, points=Decimal(2))  # above the question's points
    assert error.value.status == 400
    with pytest.raises(QuizError) as error:
        services.answer_mark(marker=trainee, answer=essay, points=Decimal(1))
    assert error.value.status == 403

    marked = services.answer_mark(marker=marker, answer=essay, points=Decimal(1), comment="Good")
    attempt.refresh_from_db()
    assert marked.marked_by == marker and marked.marker_comment == "Good"
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.score == 2 and attempt.passed is True
    assert not selectors.marking_queue().exists()


def test_marking_low_fails(make_quiz, trainee, marker):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(kinds=["essay"], pass_mark=50))
    rows = answer_all(attempt)
    services.attempt_submit(attempt=attempt)
    services.answer_mark(marker=marker, answer=rows[0], points=Decimal("0.25"))
    attempt.refresh_from_db()
    assert attempt.passed is False and attempt.score == Decimal("0.25")


def test_unanswered_essay_needs_no_marking(make_quiz, trainee, marker):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(kinds=["essay", "single"], pass_mark=50))
    rows = selectors.attempt_rows(attempt=attempt)
    single = next(r for r in rows if not r.question.needs_marking)
    services.answer_save(attempt=attempt, question_id=single.question_id, values=right_values(single.question))
    attempt = services.attempt_submit(attempt=attempt)
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.passed is True
    essay = next(r for r in rows if r.question.needs_marking)
    with pytest.raises(QuizError):
        services.answer_mark(marker=marker, answer=essay, points=Decimal(1))


def test_passing_the_module_quiz_completes_the_course(course_tree, trainee):
    lesson_complete(user=trainee, lesson=course_tree["lesson"])
    enrollment = Enrollment.objects.get(user=trainee, course_key=course_tree["course"].translation_key)
    assert enrollment.completed_at is None

    failing = services.attempt_start(user=trainee, quiz=course_tree["quiz"])
    answer_all(failing, pick=wrong_values)
    assert services.attempt_submit(attempt=failing).passed is False
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None

    passing = services.attempt_start(user=trainee, quiz=course_tree["quiz"])
    answer_all(passing)
    assert services.attempt_submit(attempt=passing).passed is True
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert selectors.quiz_keys_passed(user=trainee, quiz_keys={course_tree["quiz"].translation_key})


def test_category_breakdown_from_rows(make_quiz, trainee):
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(kinds=["single", "single", "true_false"]))
    rows = selectors.attempt_rows(attempt=attempt)
    services.answers_save(
        attempt=attempt,
        answers={
            rows[0].question_id: right_values(rows[0].question),
            rows[1].question_id: wrong_values(rows[1].question),
            rows[2].question_id: right_values(rows[2].question),
        },
    )
    services.attempt_submit(attempt=attempt)
    breakdown = {
        c.category: (c.points, c.max_points)
        for c in selectors.category_breakdown(rows=selectors.attempt_rows(attempt=attempt))
    }
    assert breakdown == {"single": (1, 2), "true_false": (1, 1)}


def test_an_answer_sent_again_changed_then_cleared_is_stored_as_last_sent(make_quiz, trainee):
    """One question at a time (the question page) and several at once (the exam paper): the chosen
    choices are those of the last save, whether it repeated, changed or cleared them."""
    quiz = make_quiz(kinds=["single", "multiple", "true_false"], answers_at_end=True)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    rows = selectors.attempt_rows(attempt=attempt)
    single, multiple = rows[0], next(r for r in rows if r.question.choice_list and len(right_values(r.question)) > 1)

    def stored(row):
        return {str(pk) for pk in Answer.objects.get(pk=row.pk).selected_choices.values_list("pk", flat=True)}

    for _ in range(2):  # the same answer twice
        services.answer_save(attempt=attempt, question_id=single.question_id, values=right_values(single.question))
        assert stored(single) == set(right_values(single.question))
    services.answer_save(attempt=attempt, question_id=single.question_id, values=wrong_values(single.question))
    assert stored(single) == set(wrong_values(single.question))
    services.answers_save(
        attempt=attempt,
        answers={
            single.question_id: wrong_values(single.question),
            multiple.question_id: right_values(multiple.question),
        },
    )
    assert stored(single) == set(wrong_values(single.question))
    assert stored(multiple) == set(right_values(multiple.question))
    services.answer_save(attempt=attempt, question_id=multiple.question_id, values=[])
    assert stored(multiple) == set()
    assert Answer.objects.get(pk=multiple.pk).answered_at is None
    assert Answer.objects.get(pk=single.pk).answered_at is not None
