"""Reads for quizzes. Every function issues a fixed number of queries, whatever the size of the quiz."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from wagtail.models import Locale

from .categories import category_label
from .models import Answer, Attempt, Choice, Question, Quiz


def quiz_keys_passed(*, user, quiz_keys: set[UUID] | None = None) -> set[UUID]:
    """Return the quiz keys (among `quiz_keys`, if given) that `user` passed in some attempt, in any language."""
    attempts = Attempt.objects.filter(user=user, passed=True)
    if quiz_keys is not None:
        attempts = attempts.filter(quiz_key__in=quiz_keys)
    return set(attempts.values_list("quiz_key", flat=True).distinct())


def quiz_get(*, user, pk: int) -> Quiz:
    """Return the quiz `pk` if `user` may open it (drafts are for editors), else raise Http404."""
    quiz = Quiz.objects.visible_to(user).select_related("locale").filter(pk=pk).first()
    if quiz is None:
        raise Http404
    return quiz


def quiz_in_language(*, user, quiz: Quiz) -> Quiz:
    """Return the translation of `quiz` in the active language that `user` may open, or `quiz` itself."""
    locale = Locale.get_active()
    if quiz.locale_id == locale.pk:
        return quiz
    return Quiz.objects.visible_to(user).filter(translation_key=quiz.translation_key, locale=locale).first() or quiz


@dataclass
class QuizOverview:
    quiz: Quiz
    question_count: int
    attempts_used: int
    current: Attempt | None
    best: Attempt | None

    @property
    def attempts_left(self) -> int | None:
        """None means unlimited."""
        limit = self.quiz.attempts_limit
        return max(limit - self.attempts_used, 0) if limit else None

    @property
    def can_start(self) -> bool:
        return self.question_count > 0 and (self.current is not None or self.attempts_left != 0)

    @property
    def questions_per_attempt(self) -> int:
        if self.quiz.max_questions:
            return min(self.quiz.max_questions, self.question_count)
        return self.question_count


def quiz_overview(*, user, quiz: Quiz) -> QuizOverview:
    """Return what the quiz page shows `user`: size, attempts used and left, the attempt in progress."""
    attempts = list(
        Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).only(
            "id", "status", "score", "max_score", "passed", "deadline", "started_at", "quiz_id"
        )
    )
    current = next((a for a in attempts if a.is_open), None)
    closed = [a for a in attempts if not a.is_open]
    best = max(closed, key=lambda a: (a.passed is True, a.percent), default=None)
    return QuizOverview(
        quiz=quiz,
        question_count=quiz.questions.count(),
        attempts_used=len(attempts),
        current=current,
        best=best,
    )


def attempt_get(*, user, pk: int) -> Attempt:
    """Return `user`'s attempt `pk`; someone else's attempt does not exist for them (404)."""
    attempt = Attempt.objects.select_related("quiz", "user").filter(pk=pk, user=user).first()
    if attempt is None:
        raise Http404
    return attempt


def questions_with_choices(*, ids) -> dict[int, Question]:
    """Return the questions `ids` as their own types, with their choices: one query per type, one for choices."""
    questions = list(Question.objects.filter(pk__in=ids))
    prefetch_related_objects(questions, Prefetch("choices", queryset=Choice.objects.order_by("sort_order", "id")))
    for question in questions:
        question.__dict__["choice_list"] = list(question.choices.all())
    return {question.pk: question for question in questions}


def attempt_rows(*, attempt: Attempt, question_ids=None) -> list[Answer]:
    """Return the answers of `attempt` in order, each with its question (own type, with choices)
    and its chosen choices."""
    answers = Answer.objects.filter(attempt_id=attempt.pk).prefetch_related("selected_choices").order_by("position")
    if question_ids is not None:
        answers = answers.filter(question_id__in=question_ids)
    answers = list(answers)
    questions = questions_with_choices(ids=[a.question_id for a in answers])
    for answer in answers:
        answer.question = questions[answer.question_id]
        answer.attempt = attempt
    return answers


def attempt_outline(*, attempt: Attempt) -> list[Answer]:
    """Return the answers of `attempt` in order with their base question, for the question list."""
    return list(
        Answer.objects.filter(attempt_id=attempt.pk)
        .select_related("question")
        .only("id", "position", "answered_at", "points", "correct", "question__id", "question__text")
        .order_by("position")
    )


def answer_with_review(answer: Answer) -> Answer:
    """Attach the review lines (options with the right ones marked) to `answer`."""
    answer.review = answer.question.review_rows(answer.value)
    return answer


@dataclass
class CategoryResult:
    category: str
    points: Decimal
    max_points: Decimal
    questions: int

    @property
    def percent(self) -> int:
        return int(self.points * 100 / self.max_points) if self.max_points else 0

    @property
    def label(self) -> str:
        return category_label(self.category)


def category_breakdown(*, rows: list[Answer]) -> list[CategoryResult]:
    """Return the points per question category, computed from the graded answers."""
    results: dict[str, CategoryResult] = {}
    for answer in rows:
        category = answer.question.category
        result = results.setdefault(category, CategoryResult(category, Decimal(0), Decimal(0), 0))
        result.points += answer.points or 0
        result.max_points += answer.question.points
        result.questions += 1
    return sorted(results.values(), key=lambda r: r.category)


def my_attempts(*, user):
    """Return `user`'s attempts, newest first, with their quiz."""
    return Attempt.objects.filter(user=user).select_related("quiz", "quiz__locale").order_by("-started_at")


def marking_queue():
    """Return answered essays waiting for a marker, oldest submission first."""
    return (
        Answer.objects.filter(
            attempt__status=Attempt.Status.AWAITING_MARKING, answered_at__isnull=False, points__isnull=True
        )
        .select_related("attempt", "attempt__user", "attempt__quiz", "question")
        .order_by("attempt__submitted_at", "position")
    )


def answer_for_marking(*, pk: int) -> Answer:
    """Return an answer a marker may open (of a submitted attempt), else raise Http404."""
    answer = (
        Answer.objects.select_related("attempt", "attempt__user", "attempt__quiz", "question", "marked_by")
        .exclude(attempt__status=Attempt.Status.IN_PROGRESS)
        .filter(pk=pk)
        .first()
    )
    if answer is None:
        raise Http404
    answer.question = Question.objects.get(pk=answer.question_id)
    return answer


@dataclass
class TakePage:
    """What the take page shows: the question list, and the question(s) of this page."""

    attempt: Attempt
    outline: list[Answer]
    rows: list[Answer]
    position: int | None
    feedback: bool

    @property
    def previous_position(self) -> int | None:
        return self.position - 1 if self.position and self.position > 1 else None

    @property
    def next_position(self) -> int | None:
        return self.position + 1 if self.position and self.position < len(self.outline) else None

    @property
    def feedback_mode(self) -> bool:
        """True when the quiz shows the right answer after each question."""
        return not self.attempt.quiz.answers_at_end and not self.attempt.quiz.exam_paper

    @property
    def answered_count(self) -> int:
        return sum(1 for r in self.outline if r.answered)


def take_page(*, attempt: Attempt, position: int | None) -> TakePage:
    """Return the page of an open attempt: every question (exam paper) or the one at `position`.

    `position` None means the first unanswered question. Raise Http404 for a position out of range.
    Feedback (the right answer) is attached only to answered questions of a quiz that shows
    answers after each question."""
    outline = attempt_outline(attempt=attempt)
    quiz = attempt.quiz
    if quiz.exam_paper:
        return TakePage(attempt, outline, attempt_rows(attempt=attempt), None, False)
    if position is None:
        position = next((r.position for r in outline if not r.answered), outline[-1].position if outline else 1)
    current = next((r for r in outline if r.position == position), None)
    if current is None:
        raise Http404
    rows = attempt_rows(attempt=attempt, question_ids={current.question_id})
    feedback = not quiz.answers_at_end and rows[0].answered
    if feedback:
        answer_with_review(rows[0])
    return TakePage(attempt, outline, rows, position, feedback)
