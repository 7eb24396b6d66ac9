"""Reads for quizzes. Every function issues a fixed number of queries, whatever the size of the quiz."""

import dataclasses
import functools
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

from core import caching

from . import events, rules
from .categories import category_labels
from .models import (
    Answer,
    AnswerValue,
    Attempt,
    Choice,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    Quiz,
    user_is_editor,
)

# Quizzes, their pools and their questions with choices are content: they are kept as plain
# records under the content version (layer "quiz-content", core/caching.py) and each request
# builds its own instances from them, so a page may change what it reads.
CONTENT = "quiz-content"


def _values(instance) -> tuple:
    return tuple(getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields)


def _instance(model, values: tuple):
    """A model instance built from `values` (as `_values` gave them), as if read from the database."""
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(router.db_for_read(model), names, values)


@dataclass(frozen=True)
class QuestionRecord:
    """A question as its own type, with its choices, as plain values."""

    model: str  # app label.model name
    values: tuple
    choices: tuple  # of Choice values


@dataclass(frozen=True)
class QuizRecord:
    """A quiz with its locale and its pool's size, as plain values."""

    values: tuple
    locale: tuple
    question_count: int
    multiple_choice_count: int


def quiz_keys_passed(*, user, quiz_keys: set[UUID] | None = None) -> set[UUID]:
    """Return the quiz keys (among `quiz_keys`, if given) that `user` passed in some attempt, in any language."""
    attempts = Attempt.objects.filter(user=user, passed=True)
    if quiz_keys is not None:
        attempts = attempts.filter(quiz_key__in=quiz_keys)
    return set(attempts.values_list("quiz_key", flat=True).distinct())


def _in_pool(quiz_id):
    """The questions an attempt at quiz `quiz_id` draws from: its own and those of the quizzes it
    draws from (an exam)."""
    drawn_from = Quiz.pools.through.objects.filter(from_quiz_id=quiz_id).values("to_quiz_id")
    return Q(quiz_id=quiz_id) | Q(quiz_id__in=drawn_from)


def pool_questions(*, quiz: Quiz) -> list[rules.PoolQuestion]:
    """Return the questions an attempt at `quiz` may draw, in their pools' order: one query, none
    while the content is unchanged."""

    def read():
        rows = (
            Question.objects.filter(_in_pool(quiz.pk))
            .order_by("quiz_id", "sort_order", "id")
            .values_list("id", "points", "quiz__translation_key", "key")
        )
        return tuple(rules.PoolQuestion(*row) for row in rows)

    return list(caching.remember(CONTENT, f"pool:{quiz.pk}", read))


def previous_attempt_questions(*, user, quiz: Quiz) -> set[tuple[UUID, str]]:
    """Return the names (pool, key) of the questions of `user`'s last closed attempt at `quiz`
    in any language, which a new attempt avoids: one query."""
    last = (
        Attempt.objects.filter(user=user, quiz_key=quiz.translation_key)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    return set(
        Answer.objects.filter(attempt_id=Subquery(last)).values_list("question__quiz__translation_key", "question__key")
    )


def _count(questions):
    counted = questions.order_by().values(group=Value(1)).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class QuizResult:
    """A trainee's best passing result at a quiz, with the quiz's title in every language."""

    titles: dict[str, str]
    percent: int
    pass_mark: int


def best_passes(*, user, quiz_keys) -> dict[UUID, QuizResult]:
    """Return {quiz key: `user`'s best passing result} for the quizzes of `quiz_keys` they
    passed (in any language): two queries."""
    best: dict[UUID, int] = {}
    attempts = Attempt.objects.filter(user=user, quiz_key__in=quiz_keys, passed=True)
    for key, score, max_score in attempts.values_list("quiz_key", "score", "max_score"):
        percent = Attempt(score=score, max_score=max_score).percent
        best[key] = max(best.get(key, 0), percent)
    titles: dict[UUID, dict] = {}
    pass_marks: dict[UUID, int] = {}
    quizzes = Quiz.objects.filter(translation_key__in=best).values_list(
        "translation_key", "locale__language_code", "title", "pass_mark"
    )
    for key, language, title, pass_mark in quizzes:
        titles.setdefault(key, {})[language] = title
        pass_marks[key] = pass_mark
    return {key: QuizResult(titles.get(key, {}), percent, pass_marks.get(key, 0)) for key, percent in best.items()}


def quiz_get(*, user, pk: int) -> Quiz:
    """Return the quiz `pk` if `user` may open it (drafts are for editors), else raise Http404.
    Its `question_count` comes with it (the quiz page shows it): its pool, an exam's included, and
    `multiple_choice_count` (the rules then say that a wrong choice costs points). One query, none
    while the content is unchanged."""
    quiz = quiz_by_id(pk)
    if quiz is None or (quiz.draft and not user_is_editor(user)):
        raise Http404
    return quiz


def quiz_by_id(pk: int) -> Quiz | None:
    """Return the quiz `pk` with its locale, `question_count` and `multiple_choice_count`, or None."""
    record = caching.remember(CONTENT, f"quiz:{pk}", lambda: _quiz_record(pk))
    if record is None:
        return None
    quiz = _instance(Quiz, record.values)
    quiz.locale = _instance(Locale, record.locale)
    quiz.question_count, quiz.multiple_choice_count = record.question_count, record.multiple_choice_count
    return quiz


def _quiz_record(pk: int) -> QuizRecord | None:
    quiz = (
        Quiz.objects.select_related("locale")
        .annotate(
            question_count=_count(Question.objects.filter(quiz_id=OuterRef("pk")))
            + _count(Question.objects.filter(quiz__drawn_by=OuterRef("pk"))),
            multiple_choice_count=_count(MultipleChoiceQuestion.objects.filter(quiz_id=OuterRef("pk")))
            + _count(MultipleChoiceQuestion.objects.filter(quiz__drawn_by=OuterRef("pk"))),
        )
        .filter(pk=pk)
        .first()
    )
    if quiz is None:
        return None
    return QuizRecord(_values(quiz), _values(quiz.locale), quiz.question_count, quiz.multiple_choice_count)


def quiz_in_language(*, user, quiz: Quiz) -> Quiz:
    """Return the translation of `quiz` in the active language that `user` may open, or `quiz` itself."""
    language = get_supported_content_language_variant(translation.get_language())
    if quiz.locale.language_code == language:
        return quiz
    translated = Quiz.objects.visible_to(user).filter(
        translation_key=quiz.translation_key, locale__language_code=language
    )
    return translated.first() or quiz


@dataclass
class QuizOverview:
    quiz: Quiz
    pool_size: int | None  # None: counted when first asked
    attempts: list[Attempt]
    current: Attempt | None
    best: Attempt | None

    @functools.cached_property
    def question_count(self) -> int:
        """How many questions an attempt may draw from (an exam's pools included)."""
        return self.pool_size if self.pool_size is not None else len(pool_questions(quiz=self.quiz))

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_left(self) -> int | None:
        """None means unlimited."""
        limit = self.quiz.attempts_limit
        return max(limit - self.attempts_used, 0) if limit else None

    @functools.cached_property
    def pause_ends(self):
        """When the pause after a run of attempts ends, or None (an attempt may start now)."""
        return None if self.current else rules.pause_ends_at(self.quiz, self.attempts)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def full_review(self) -> bool:
        """Whether closed attempts show the choices made, the right answers and the explanations."""
        return rules.full_review_open(self.quiz, passed=self.passed, attempts_left=self.attempts_left)

    @property
    def can_start(self) -> bool:
        if self.current is not None:
            return True
        return self.question_count > 0 and self.attempts_left != 0 and self.pause_ends is None

    @property
    def questions_per_attempt(self) -> int:
        if self.quiz.max_questions:
            return min(self.quiz.max_questions, self.question_count)
        return self.question_count


def quiz_overview(*, user, quiz: Quiz) -> QuizOverview:
    """Return what the quiz page shows `user`: size, attempts used and left, the attempt in
    progress, the pause after a run of attempts, whether the full review is open. One query
    (given a quiz from `quiz_get`)."""
    attempts = Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).only(
        "id", "status", "score", "max_score", "passed", "deadline", "started_at", "submitted_at", "quiz_id"
    )
    return _overview(quiz, list(attempts))


def _overview(quiz: Quiz, attempts: list[Attempt]) -> QuizOverview:
    current = next((a for a in attempts if a.is_open), None)
    closed = [a for a in attempts if not a.is_open]
    best = max(closed, key=lambda a: (a.passed is True, a.percent), default=None)
    return QuizOverview(
        quiz=quiz,
        pool_size=getattr(quiz, "question_count", None),
        attempts=attempts,
        current=current,
        best=best,
    )


def landing_after_submit(*, attempt: Attempt) -> str | None:
    """The page a trainee lands on after submitting `attempt` when an app above has one
    (`events.attempt_landing`), else None (the result page)."""
    for _receiver, url in events.attempt_landing.send(sender=Attempt, attempt=attempt):
        if url:
            return url
    return None


# The result, summary and submit pages' read: compiled once per thread ("compiled-queries").
_attempt_row = caching.CompiledQuery(
    lambda pk, user_id: Attempt.objects.filter(pk=pk, user_id=user_id).values_list(*_attempt_columns())
)


def attempt_get(*, user, pk: int) -> Attempt:
    """Return `user`'s attempt `pk`; someone else's attempt does not exist for them (404)."""
    rows = _attempt_row.rows(pk=pk, user_id=user.pk)
    attempt = Attempt.from_db(router.db_for_read(Attempt), _attempt_columns(), rows[0]) if rows else None
    return _with_quiz(attempt, user)


def _with_quiz(attempt: Attempt | None, user) -> Attempt:
    """`attempt` with its quiz (from the quiz-content layer) and `user`; 404 when either is gone."""
    quiz = quiz_by_id(attempt.quiz_id) if attempt is not None else None
    if quiz is None:
        raise Http404
    attempt.quiz, attempt.user = quiz, user
    return attempt


def questions_with_choices(*, ids) -> dict[int, Question]:
    """Return the questions `ids` as their own types, with their choices (`choice_list`): two
    queries whatever the number of questions and of types, none while the content is unchanged.
    Each call builds new instances: the caller may change them (a translation's texts)."""
    names = {f"question:{pk}": pk for pk in ids}
    records = caching.remember_many(
        CONTENT, list(names), lambda missing: _question_records([names[n] for n in missing])
    )
    questions = {}
    for name, pk in names.items():
        record = records.get(name)
        if record is None:
            continue
        question = _instance(apps.get_model(record.model), record.values)
        question.__dict__["choice_list"] = [_instance(Choice, values) for values in record.choices]
        questions[pk] = question
    return questions


def _question_records(ids) -> dict[str, QuestionRecord]:
    questions = {}
    for base in Question.objects.non_polymorphic().filter(pk__in=ids).select_related(*_question_types()):
        questions[base.pk] = (_own_type(base), [])
    if questions:
        for choice in Choice.objects.filter(question_id__in=list(questions)).order_by("sort_order", "id"):
            questions[choice.question_id][1].append(_values(choice))
    return {
        f"question:{pk}": QuestionRecord(question._meta.label, _values(question), tuple(choices))
        for pk, (question, choices) in questions.items()
    }


@functools.cache
def _question_types() -> tuple[str, ...]:
    """The names under which a Question reaches its own type's row (one per subclass table)."""
    return tuple(rel.name for rel in Question._meta.related_objects if rel.one_to_one and rel.parent_link)


def _own_type(base: Question) -> Question:
    model = ContentType.objects.get_for_id(base.polymorphic_ctype_id).model_class()
    return base if model is Question else getattr(base, model._meta.model_name)


def attempt_answers(*, attempt: Attempt, question_ids=None) -> list[Answer]:
    """Return the answers of `attempt` in order, each with what it holds (`value`) but not its
    question: one query, the chosen choices joined in (a row per chosen choice)."""
    rows = Answer.objects.filter(attempt_id=attempt.pk)
    if question_ids is not None:
        rows = rows.filter(question_id__in=question_ids)
    answers, _attempt_values = _answers_read(list(_answer_rows(rows)), rows.db)
    return _answers_of(attempt, answers)


@functools.cache
def _answer_columns() -> tuple[str, ...]:
    return tuple(field.attname for field in Answer._meta.concrete_fields)


@functools.cache
def _attempt_columns() -> tuple[str, ...]:
    return tuple(field.attname for field in Attempt._meta.concrete_fields)


def _answer_rows(rows, *, attempt_columns=()):
    """`rows` (answers) in order as values: each answer's columns, one chosen choice's id (a row
    per chosen choice, None without), then the values of `attempt_columns` of its attempt."""
    joined = [f"attempt__{column}" for column in attempt_columns]
    return rows.order_by("position").values_list(*_answer_columns(), "selected_choices", *joined)


# The quiz pages' one query: compiled once per thread (the "compiled-queries" layer).
_attempt_with_answers_rows = caching.CompiledQuery(
    lambda pk, user_id: _answer_rows(
        Answer.objects.filter(attempt_id=pk, attempt__user_id=user_id), attempt_columns=_attempt_columns()
    )
)


def attempt_with_answers(*, user, pk: int) -> tuple[Attempt, list[Answer]]:
    """Return `user`'s attempt `pk` (someone else's does not exist for them: 404) and its answers
    as `attempt_answers` returns them, in one query: the attempt's columns come with each answer."""
    db = router.db_for_read(Answer)
    answers, values = _answers_read(_attempt_with_answers_rows.rows(pk=pk, user_id=user.pk), db)
    if values is None:  # an attempt without answers (its questions deleted since)
        return attempt_get(user=user, pk=pk), []
    attempt = _with_quiz(Attempt.from_db(router.db_for_read(Attempt), _attempt_columns(), values), user)
    return attempt, _answers_of(attempt, answers)


def _answers_read(rows, db: str) -> tuple[dict[Answer, set[int]], tuple | None]:
    """The answers of `rows` (from `_answer_rows`, in order) with the ids of their chosen choices;
    and the values of the attempt's columns that follow, None without rows."""
    columns = _answer_columns()
    answers: dict[int, tuple[Answer, set[int]]] = {}
    attempt_values = None
    for row in rows:
        pk, choice_id = row[0], row[len(columns)]
        if pk not in answers:
            answers[pk] = (Answer.from_db(db, columns, row[: len(columns)]), set())
            attempt_values = attempt_values or row[len(columns) + 1 :]
        if choice_id is not None:
            answers[pk][1].add(choice_id)
    return dict(answers.values()), attempt_values


def _answers_of(attempt: Attempt, answers: dict[Answer, set[int]]) -> list[Answer]:
    for answer, chosen in answers.items():
        answer.attempt = attempt
        answer.__dict__["value"] = AnswerValue.stored(answer, chosen)
    return list(answers)


def attempt_rows(*, attempt: Attempt, question_ids=None) -> list[Answer]:
    """Return the answers of `attempt` in order, each with its question (own type, with choices)
    and what it holds: three queries."""
    answers = attempt_answers(attempt=attempt, question_ids=question_ids)
    _questions_attach(answers)
    return answers


def _questions_attach(answers: list[Answer]) -> None:
    questions = questions_with_choices(ids=[a.question_id for a in answers])
    for answer in answers:
        answer.question = questions[answer.question_id]


def display_language() -> str:
    """The content language of the page being shown."""
    return get_supported_content_language_variant(translation.get_language())


def questions_display_in(*, answers: list[Answer], language: str) -> None:
    """Show the questions of `answers` (attached, from `attempt_rows`) in `language`: the texts of
    each question's translation there, found by (quiz translation key, question key), and of its
    choices by choice key. Ids, answers and grading stay those of the stored rows, so an attempt
    started in one language goes on in the other. Three queries when some question is in another
    language, none otherwise; a question with no translation keeps its own text."""
    if not answers:
        return
    names = {
        pk: (key, question_key, code)
        for pk, key, question_key, code in Question.objects.filter(pk__in=[a.question_id for a in answers]).values_list(
            "pk", "quiz__translation_key", "key", "quiz__locale__language_code"
        )
    }
    foreign = [a for a in answers if names[a.question_id][2] != language]
    if not foreign:
        return
    translated = {
        (key, question_key): (pk, text, explanation, unit)
        for pk, key, question_key, text, explanation, unit in Question.objects.non_polymorphic()
        .filter(
            quiz__locale__language_code=language,
            quiz__translation_key__in={names[a.question_id][0] for a in foreign},
            key__in={names[a.question_id][1] for a in foreign},
        )
        .values_list("pk", "quiz__translation_key", "key", "text", "explanation", "numericquestion__unit")
    }
    choices: dict[int, dict[str, str]] = {}
    ids = [row[0] for row in translated.values()]
    for question_id, key, text in Choice.objects.filter(question_id__in=ids).values_list("question_id", "key", "text"):
        choices.setdefault(question_id, {})[key] = text
    for answer in foreign:
        found = translated.get(names[answer.question_id][:2])
        if found is None:
            continue
        pk, text, explanation, unit = found
        question = answer.question
        question.text, question.explanation = text, explanation
        if isinstance(question, NumericQuestion) and unit is not None:
            question.unit = unit
        texts = choices.get(pk, {})
        for choice in question.choice_list:
            choice.text = texts.get(choice.key, choice.text)


def _in_page_language(attempt: Attempt, answers: list[Answer]) -> None:
    """Show `answers` in the page's language when `attempt` was started in another one (no query
    otherwise: an attempt's questions are all in its quiz's language, an exam's pools too)."""
    language = display_language()
    if attempt.quiz.locale.language_code != language:
        questions_display_in(answers=answers, language=language)


def answer_with_review(answer: Answer) -> Answer:
    """Attach the review lines (options with the right ones marked) to `answer`."""
    answer.review = answer.question.review_rows(answer.value)
    return answer


class AttemptReview:
    """What the result page of a closed attempt shows. Always the score, the topics and the
    questions missed (each with the lesson that teaches it); the choices made, the right
    answers and the explanations (`rows` with their review lines) only when `full`. The rows and
    topics are read when first used: a page whose review sections come from the cache
    ("attempt-reviews", keyed by `stamp`) reads neither."""

    def __init__(self, attempt: Attempt, overview: QuizOverview):
        self.attempt = attempt
        self.overview = overview

    @property
    def full(self) -> bool:
        return self.overview.full_review

    @property
    def stamp(self) -> str:
        """What the review sections depend on besides the content and the page's language: it
        changes when the attempt is graded or marked (a new comment too), or its review opens."""
        a = self.attempt
        marked = a.marked_at.timestamp() if a.marked_at else ""
        return f"{a.status}:{a.score}:{a.max_score}:{a.passed}:{marked}:{int(self.full)}"

    @functools.cached_property
    def rows(self) -> list[Answer]:
        rows = attempt_rows(attempt=self.attempt)
        _in_page_language(self.attempt, rows)
        if self.full:
            rows = [answer_with_review(a) for a in rows]
        return rows

    @functools.cached_property
    def categories(self) -> list["CategoryResult"]:
        return category_breakdown(rows=self.rows)

    @property
    def missed(self) -> list[Answer]:
        """The questions not fully right, marked ones only (an essay awaiting a marker is not missed)."""
        return [a for a in self.rows if a.points is not None and not a.correct]

    @property
    def weak_topics(self) -> list["CategoryResult"]:
        """The topics scored below the pass mark, each with `lesson_keys`: the lessons that teach
        its questions, those missed first, each once."""
        pass_mark = self.attempt.quiz.pass_mark
        weak = [c for c in self.categories if c.max_points and c.percent < pass_mark]
        for category in weak:
            rows = [a for a in self.rows if a.question.category == category.category and a.question.lesson_key]
            rows.sort(key=lambda a: a.correct is True)
            category.lesson_keys = list(dict.fromkeys(a.question.lesson_key for a in rows))
        return weak


def attempt_review(*, user, pk: int) -> AttemptReview:
    """Return the result page of `user`'s attempt `pk` (someone else's does not exist for them:
    404): the attempt and the overview of its quiz in one query (the trainee's attempts at the
    quiz, this one among them), its rows (three queries whatever its size) when first used. The
    attempt may still be open: the caller sends the trainee back to it."""
    quiz_key = Attempt.objects.filter(pk=pk, user=user).values("quiz_key")
    attempts = list(Attempt.objects.filter(user=user, quiz_key=Subquery(quiz_key)))
    attempt = _with_quiz(next((a for a in attempts if a.pk == pk), None), user)
    return AttemptReview(attempt, _overview(attempt.quiz, attempts))


@dataclass
class CategoryResult:
    category: str
    points: Decimal
    max_points: Decimal
    questions: int
    label: str = ""
    lesson_keys: list = dataclasses.field(default_factory=list)

    @property
    def percent(self) -> int:
        return rules.percent(self.points, self.max_points)


def category_breakdown(*, rows: list[Answer]) -> list[CategoryResult]:
    """Return the points per question category, computed from the graded answers."""
    results: dict[str, CategoryResult] = {}
    for answer in rows:
        category = answer.question.category
        result = results.setdefault(category, CategoryResult(category, Decimal(0), Decimal(0), 0))
        result.points += answer.points or 0
        result.max_points += answer.question.points
        result.questions += 1
    labels = category_labels(results)  # every category's name in one query
    for result in results.values():
        result.label = labels[result.category]
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


def take_page(*, attempt: Attempt, answers: list[Answer], position: int | None) -> TakePage:
    """Return the page of an open attempt: every question (exam paper) or the one at `position`.

    `answers` are the attempt's (`attempt_with_answers`); the question list needs only them.
    `position` None means the first unanswered question. Raise Http404 for a position out of range.
    Feedback (the right answer) is attached only to answered questions of a quiz that shows
    answers after each question. Two queries whatever the size of the quiz (the question(s)
    shown, their choices), none while the content is unchanged."""
    outline = answers
    quiz = attempt.quiz
    if quiz.exam_paper:
        _questions_attach(outline)
        _in_page_language(attempt, outline)
        return TakePage(attempt, outline, outline, None, False)
    if position is None:
        position = next((a.position for a in outline if not a.answered), outline[-1].position if outline else 1)
    current = next((a for a in outline if a.position == position), None)
    if current is None:
        raise Http404
    _questions_attach([current])
    _in_page_language(attempt, [current])
    feedback = not quiz.answers_at_end and current.answered
    if feedback:
        answer_with_review(current)
    return TakePage(attempt, outline, [current], position, feedback)


@dataclass
class TakeSummary:
    """The page before the final submit: every question of the attempt, answered or not."""

    attempt: Attempt
    outline: list[Answer]

    @property
    def unanswered(self) -> list[Answer]:
        return [a for a in self.outline if not a.answered]

    @property
    def answered_count(self) -> int:
        return len(self.outline) - len(self.unanswered)


def take_summary(*, attempt: Attempt) -> TakeSummary:
    """Return the summary of an open attempt: one query (its answers)."""
    return TakeSummary(attempt, attempt_answers(attempt=attempt))
