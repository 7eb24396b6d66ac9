"""Writes for quizzes: starting an attempt, answering, submitting, marking essays.

Every function issues the same number of queries whatever the size of the quiz: questions,
choices and answers are read and written in bulk. Each failure is a `QuizError` with a
translated message and the HTTP status a view should answer with."""

from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import i18n

from . import events, rules, selectors
from .models import Answer, AnswerValue, Attempt, Question, Quiz, user_is_editor


class QuizError(Exception):
    """A refused request: `message` is translated and shown to the user; `status` is the HTTP status."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None, attempt: Attempt | None = None):
        super().__init__(message)
        self.message = message
        self.attempt = attempt
        if status is not None:
            self.status = status


class AttemptClosed(QuizError):
    """The attempt is submitted or expired: nothing more is accepted."""

    status = 409


class AttemptExpired(AttemptClosed):
    """The deadline passed: the attempt was closed and the late answer not counted."""


def _lock_attempt(attempt_id: int, *, user=None) -> Attempt:
    # Two tabs can answer, submit or expire one attempt at once: the row lock serializes them. It
    # locks the attempt's row alone (`of`): its quiz and user are read, not locked, so the trainees of
    # one quiz never wait for each other's answers and submits. Given `user`, only theirs is found.
    attempts = Attempt.objects.select_for_update(of=("self",)).select_related("quiz", "user")
    if user is not None:
        attempts = attempts.filter(user=user)
    return attempts.get(pk=attempt_id)


# Starting ---------------------------------------------------------------------------------


def attempt_start(*, user, quiz: Quiz) -> Attempt:
    """Return `user`'s attempt at `quiz`: the one in progress (in any language), or a new one
    with its questions drawn and ordered once and for all."""
    if quiz.draft and not user_is_editor(user):
        raise QuizError(_("This quiz is not published yet."), status=403)
    with transaction.atomic():
        # One start at a time per trainee, so a double click cannot open two attempts.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        current = (
            Attempt.objects.select_for_update(of=("self",))  # not the quiz's row: see _lock_attempt
            .filter(user=user, quiz_key=quiz.translation_key, status=Attempt.Status.IN_PROGRESS)
            .select_related("quiz", "user")
            .first()
        )
        if current is not None:
            if not current.is_past_deadline():
                return current
            _attempt_close(current, status=Attempt.Status.EXPIRED)
        refusal = _start_refusal(user=user, quiz=quiz)
        if refusal is None:
            return _attempt_create(user=user, quiz=quiz)
    # Raised outside the transaction, so closing an expired attempt above is kept.
    raise refusal


def _start_refusal(*, user, quiz: Quiz) -> QuizError | None:
    attempts = list(
        Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).only(
            "id", "started_at", "submitted_at", "deadline", "status"
        )
    )
    limit = quiz.attempts_limit
    if limit and len(attempts) >= limit:
        if limit == 1:
            return QuizError(_("This quiz allows a single attempt, and you have taken it."), status=409)
        return QuizError(_("You have used all %(count)d attempts this quiz allows.") % {"count": limit}, status=409)
    pause_end = rules.pause_ends_at(quiz, attempts)
    if pause_end is not None:
        return QuizError(
            _("You have used the attempts allowed in a row. Your next attempt is possible on %(when)s.")
            % {"when": i18n.format_moment(pause_end)},
            status=409,
        )
    if not selectors.pool_questions(quiz=quiz):
        return QuizError(_("This quiz has no questions yet."), status=409)
    return None


def _attempt_create(*, user, quiz: Quiz) -> Attempt:
    pool = selectors.pool_questions(quiz=quiz)
    previous = selectors.previous_attempt_questions(user=user, quiz=quiz)
    drawn = rules.draw(pool, count=quiz.max_questions, avoid=previous, shuffle=quiz.random_order)
    now = timezone.now()
    limit = quiz.time_limit(user)  # the trainee's extra time counted
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        quiz_key=quiz.translation_key,
        deadline=now + limit if limit else None,
        max_score=sum(question.points for question in drawn),
    )
    Answer.objects.bulk_create(
        Answer(attempt=attempt, question_id=question.id, position=position)
        for position, question in enumerate(drawn, start=1)
    )
    return attempt


# Answering --------------------------------------------------------------------------------


def answer_save(*, attempt: Attempt, question_id: int, values: list[str]) -> Answer:
    """Save the answer to one question of `attempt`; `values` are the posted values of its input."""
    return answers_save(attempt=attempt, answers={question_id: values})[0]


def answers_save(*, attempt: Attempt, answers: Mapping[int, list[str]]) -> list[Answer]:
    """Save answers to several questions of `attempt` at once (the exam paper); all or nothing.

    Refused when the attempt is closed, when a question is not in the attempt, when an
    answer is invalid, and after the deadline (which closes the attempt as expired)."""
    return _answers_save(attempt.pk, answers)[1]


def own_answers_save(*, user, attempt_id: int, answers: Mapping[int, list[str]]) -> Attempt:
    """`answers_save` for `user`'s own attempt `attempt_id` (the question page's post), read once,
    under its lock; return the attempt. Raise Attempt.DoesNotExist when it is not theirs."""
    return _answers_save(attempt_id, answers, user=user)[0]


def _answers_save(attempt_id: int, answers: Mapping[int, list[str]], *, user=None) -> tuple[Attempt, list[Answer]]:
    with transaction.atomic():
        attempt = _lock_attempt(attempt_id, user=user)
        if not attempt.is_open:
            raise AttemptClosed(_("This attempt is already submitted; answers can no longer change."), attempt=attempt)
        if not attempt.is_past_deadline():
            return attempt, _answers_write(attempt=attempt, answers=answers)
        _attempt_close(attempt, status=Attempt.Status.EXPIRED)
    # Raised outside the transaction, so the closing above is kept.
    raise AttemptExpired(
        _("Time is up: the attempt is closed and answers sent after the deadline are not counted."),
        attempt=attempt,
    )


def _answers_write(*, attempt: Attempt, answers: Mapping[int, list[str]]) -> list[Answer]:
    if not answers:
        return []
    rows = {r.question_id: r for r in selectors.attempt_rows(attempt=attempt, question_ids=set(answers))}
    if set(answers) - set(rows):
        raise QuizError(_("This question is not part of this attempt."), status=400)
    cleaned: dict[int, AnswerValue] = {}
    errors = []
    for question_id, values in answers.items():
        question = rows[question_id].question
        try:
            cleaned[question_id] = question.clean_answer(list(values))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise QuizError(" ".join(dict.fromkeys(errors)), status=400)

    feedback_now = not attempt.quiz.answers_at_end and not attempt.quiz.exam_paper
    now = timezone.now()
    changed, moved = [], []  # moved: the answers whose chosen choices change
    for question_id, value in cleaned.items():
        answer = rows[question_id]
        if feedback_now and answer.answered and answer.value != value:
            # The right answer was shown after the first answer; changing it would be cheating.
            raise QuizError(
                _("You have already answered this question and seen its answer."), status=409, attempt=attempt
            )
        for column, stored in value.columns().items():
            setattr(answer, column, stored)
        answer.answered_at = None if value.empty else now
        if value.choice_ids != answer.value.choice_ids:  # a page often sends its saved answer back
            moved.append(answer)
        answer.__dict__["value"] = value
        if feedback_now:
            answer.points, answer.correct = answer.question.grade_answer(value)
        changed.append(answer)
    columns = [*AnswerValue.COLUMNS, "answered_at", "points", "correct"]
    if len(changed) == 1:  # the page of one question: a plain UPDATE costs less to build than bulk_update's CASE
        Answer.objects.filter(pk=changed[0].pk).update(**{column: getattr(changed[0], column) for column in columns})
    else:
        Answer.objects.bulk_update(changed, columns)
    if moved:
        Through = Answer.selected_choices.through
        Through.objects.filter(answer_id__in=[a.pk for a in moved]).delete()
        Through.objects.bulk_create(
            Through(answer_id=a.pk, choice_id=choice_id) for a in moved for choice_id in sorted(a.value.choice_ids)
        )
    return changed


# Submitting and marking -------------------------------------------------------------------


def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Grade and close `attempt`. A second submission changes nothing and raises `AttemptClosed`.

    After the deadline the attempt is closed as expired, graded on the answers saved in time."""
    with transaction.atomic():
        attempt = _lock_attempt(attempt.pk)
        if not attempt.is_open:
            raise AttemptClosed(_("This attempt was already submitted; the first submission stands."), attempt=attempt)
        status = Attempt.Status.EXPIRED if attempt.is_past_deadline() else Attempt.Status.SUBMITTED
        return _attempt_close(attempt, status=status)


def attempt_expire_if_due(*, attempt: Attempt) -> bool:
    """Close `attempt` as expired if its deadline passed; return True if it is closed now."""
    if not attempt.is_open or not attempt.is_past_deadline():
        return False
    with transaction.atomic():
        attempt = _lock_attempt(attempt.pk)
        if attempt.is_open:
            _attempt_close(attempt, status=Attempt.Status.EXPIRED)
    return True


def _attempt_close(attempt: Attempt, *, status: str) -> Attempt:
    """Grade every answer in bulk and close the attempt (inside the caller's transaction)."""
    rows = selectors.attempt_rows(attempt=attempt)
    for answer in rows:
        answer.points, answer.correct = answer.question.grade(answer)
    Answer.objects.bulk_update(rows, ["points", "correct"])
    attempt.submitted_at = timezone.now()
    _attempt_score(attempt, rows, closing_status=status)
    return attempt


def _attempt_score(attempt: Attempt, rows: list[Answer], *, closing_status: str) -> None:
    """Set score, status and passed from the graded rows; announce a pass (`attempt_passed`), or a
    pass withdrawn (`attempt_pass_withdrawn`), inside the caller's transaction."""
    was_passed = attempt.passed is True
    attempt.score = sum((r.points for r in rows if r.points is not None), Decimal(0))
    attempt.max_score = sum((Decimal(r.question.points) for r in rows), Decimal(0))
    if any(r.points is None for r in rows):
        attempt.status = Attempt.Status.AWAITING_MARKING
        attempt.passed = None
    else:
        attempt.status = closing_status
        attempt.passed = _passes(attempt)
    attempt.save(update_fields=["status", "submitted_at", "score", "max_score", "passed", "marked_at"])
    if attempt.passed and not was_passed:
        events.attempt_passed.send(sender=Attempt, attempt=attempt)
    elif was_passed and attempt.passed is False:  # an essay marked again
        events.attempt_pass_withdrawn.send(sender=Attempt, attempt=attempt)


def _passes(attempt: Attempt) -> bool:
    if not attempt.max_score:
        return True
    return attempt.score * 100 >= attempt.quiz.pass_mark * attempt.max_score


def answer_mark(*, marker, answer: Answer, points: Decimal, comment: str = "") -> Answer:
    """Mark an essay answer: set its points (0 to the question's points) and a comment, then
    rescore the attempt; when nothing awaits marking any more, it is submitted and maybe passed."""
    if not marker.has_perm("quizzes.mark_answer"):
        raise QuizError(_("You may not mark answers."), status=403)
    with transaction.atomic():
        attempt = _lock_attempt(answer.attempt_id)
        answer = Answer.objects.select_for_update().get(pk=answer.pk)
        question = Question.objects.get(pk=answer.question_id)
        if not question.needs_marking:
            raise QuizError(_("Only written answers are marked by hand."), status=400)
        if attempt.is_open:
            raise QuizError(_("This attempt is not submitted yet."), status=409)
        if answer.answered_at is None:
            raise QuizError(_("This question was not answered, so there is nothing to mark."), status=409)
        try:
            points = Decimal(points)
        except (ArithmeticError, TypeError, ValueError):
            raise QuizError(_("Give the points as a number."), status=400)
        if not points.is_finite() or points < 0 or points > question.points:
            raise QuizError(
                _("Give between 0 and %(max)d points.") % {"max": question.points},
                status=400,
            )
        answer.points = points.quantize(Decimal("0.01"))
        answer.correct = points == question.points
        answer.marker_comment = comment.strip()
        answer.marked_by = marker
        answer.marked_at = timezone.now()
        answer.save(update_fields=["points", "correct", "marker_comment", "marked_by", "marked_at"])
        attempt.marked_at = answer.marked_at  # a new comment with the same points changes the result page too
        rows = selectors.attempt_rows(attempt=attempt)
        closing = attempt.status if attempt.status != Attempt.Status.AWAITING_MARKING else Attempt.Status.SUBMITTED
        _attempt_score(attempt, rows, closing_status=closing)
    answer.attempt = attempt
    return answer


# Rules shared by the translations of a quiz ------------------------------------------------


def quiz_rules_share(*, quiz: Quiz) -> int:
    """Give `quiz`'s rules (Quiz.SHARED_RULES) to its other translations; return how many changed.

    Attempts are counted across languages, so a limit set on one version holds for all: saving
    the English quiz with two attempts allowed leaves no unlimited Arabic one."""
    rules = {name: getattr(quiz, name) for name in Quiz.SHARED_RULES}
    others = Quiz.objects.filter(translation_key=quiz.translation_key).exclude(pk=quiz.pk)
    differing = others.exclude(**rules)
    return differing.update(**rules)


# Authoring in the admin --------------------------------------------------------------------


@transaction.atomic
def question_move(*, question: Question, step: int) -> bool:
    """Move `question` `step` places in its quiz's order (-1 up, +1 down); return False at an end.

    The quiz's questions are numbered again 1, 2, 3... in their new order, so ties in
    `sort_order` (equal numbers from a file or from new questions) never make a move a no-op."""
    questions = list(
        Question.objects.select_for_update()
        .non_polymorphic()
        .filter(quiz_id=question.quiz_id)
        .order_by("sort_order", "pk")
    )
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = index + step
    if not 0 <= target < len(questions):
        return False
    questions[index], questions[target] = questions[target], questions[index]
    changed = []
    for number, item in enumerate(questions, start=1):
        if item.sort_order != number:
            item.sort_order = number
            changed.append(item)
    Question.objects.non_polymorphic().bulk_update(changed, ["sort_order"])
    return True


def question_next_sort_order(*, quiz: Quiz) -> int:
    """The order number after the quiz's last question: a new question goes at the end."""
    last = Question.objects.non_polymorphic().filter(quiz=quiz).order_by("-sort_order").first()
    return (last.sort_order + 1) if last else 1
