"""Item analysis of a quiz, for its editors: how hard each question is, whether it tells
stronger trainees from weaker ones, and which options trainees pick (reads only).

The indices are those of Moodle's quiz statistics report, computed over the closed, graded
attempts (submitted or expired; not those waiting for an essay mark) that asked the question:

- facility index: the mean share of the question's points earned (0 = nobody scored, 1 = everybody
  got it fully right);
- standard deviation: the sample standard deviation of that share;
- discrimination index: the correlation between the score on the question (as a share of its
  points) and the score on the rest of the attempt (the attempt's score minus this question's
  points), from -1 to 1.

Attempts are counted per quiz key (the translation key every language shares), so the figures
pool both languages: answers are grouped by question (the key of its quiz and its own key, the
same in every translation) and options by their keys. A question asked by an exam from another
quiz's pool is grouped the same way.

Every figure comes from SQL aggregates (sums of x, x², y, y², xy per question), so the number of
queries is fixed, whatever the number of attempts or questions: `ITEM_ANALYSIS_QUERIES`.
"""

import math
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Avg, Count, F, FloatField, Min, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from .models import Answer, Attempt, Choice, Question, Quiz

ALL_ATTEMPTS = "all"
FIRST_ATTEMPTS = "first"
ATTEMPT_SCOPES = {
    ALL_ATTEMPTS: _("All attempts"),
    FIRST_ATTEMPTS: _("Each trainee's first attempt"),
}
GRADED = (Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED)

# The flags and their thresholds (shown on the page). Moodle calls a facility above 90% very
# easy and below 20% difficult, a discrimination below 20% very weak (below 0: the question works
# against the rest of the quiz, often a wrong key). With fewer responses than MIN_RESPONSES a
# question gets no flag: a handful of answers says nothing about it.
TOO_EASY_ABOVE = 0.90
TOO_HARD_BELOW = 0.20
DISCRIMINATION_BELOW = 0.20
MIN_RESPONSES = 20

TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
NOT_DISCRIMINATING = "not_discriminating"
UNCHOSEN_DISTRACTOR = "unchosen_distractor"
FLAG_LABELS = {
    TOO_EASY: _("Too easy"),
    TOO_HARD: _("Too hard"),
    NOT_DISCRIMINATING: _("Not discriminating"),
    UNCHOSEN_DISTRACTOR: _("A wrong option nobody chose"),
}

# The analysis, the per-question sums, the questions, their options, the option counts.
ITEM_ANALYSIS_QUERIES = 5


def percent(value: float | None) -> int | None:
    """Round a share to a whole percent, halves away from zero (0.875 -> 88, -0.125 -> -13)."""
    if value is None:
        return None
    return int(math.copysign(math.floor(abs(value) * 100 + 0.5 + 1e-9), value))


@dataclass
class OptionStat:
    """One option of a question (a choice, or true / false) and how often it was picked."""

    key: str
    text: str
    correct: bool
    picked: int
    responses: int

    @property
    def share(self) -> float | None:
        """The share of the question's responses that picked this option."""
        return self.picked / self.responses if self.responses else None

    @property
    def share_percent(self) -> int | None:
        return percent(self.share)


@dataclass
class QuestionStat:
    question: Question  # the version in the quiz's language when there is one
    type_label: str
    responses: int = 0  # closed, graded attempts that asked it
    blank: int = 0  # of which left it unanswered
    facility: float | None = None
    sd: float | None = None
    discrimination: float | None = None
    options: list[OptionStat] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def facility_percent(self) -> int | None:
        return percent(self.facility)

    @property
    def sd_percent(self) -> int | None:
        return percent(self.sd)

    @property
    def discrimination_percent(self) -> int | None:
        return percent(self.discrimination)

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[flag]) for flag in self.flags]


@dataclass
class ItemAnalysis:
    quiz: Quiz
    scope: str
    attempts: int
    trainees: int
    mean_score: float | None  # the mean share of the maximum score
    questions: list[QuestionStat]
    min_responses: int

    @property
    def mean_score_percent(self) -> int | None:
        return percent(self.mean_score)

    @property
    def flagged(self) -> int:
        return sum(1 for q in self.questions if q.flags)


@dataclass
class _Sums:
    n: int = 0
    blank: int = 0
    sx: float = 0.0
    sxx: float = 0.0
    sy: float = 0.0
    syy: float = 0.0
    sxy: float = 0.0
    said_true: int = 0
    said_false: int = 0

    def add(self, row: dict) -> None:
        self.n += row["n"]
        self.blank += row["blank"]
        self.said_true += row["said_true"]
        self.said_false += row["said_false"]
        for name in ("sx", "sxx", "sy", "syy", "sxy"):
            setattr(self, name, getattr(self, name) + float(row[name] or 0))

    def indices(self) -> tuple[float | None, float | None, float | None]:
        """(facility, standard deviation, discrimination); None where undefined."""
        n = self.n
        if not n:
            return None, None, None
        facility = self.sx / n
        # n times the sums of squared deviations; clamped, as float sums can dip below zero.
        sxx = max(n * self.sxx - self.sx**2, 0.0)
        syy = max(n * self.syy - self.sy**2, 0.0)
        sxy = n * self.sxy - self.sx * self.sy
        sd = math.sqrt(sxx / (n * (n - 1))) if n > 1 else None
        # A question everybody scored the same on (or a rest everybody scored the same on)
        # correlates with nothing: undefined, not zero.
        tiny = 1e-9 * n * n
        discrimination = sxy / math.sqrt(sxx * syy) if sxx > tiny and syy > tiny else None
        if discrimination is not None:
            discrimination = max(-1.0, min(1.0, discrimination))
        return facility, sd, discrimination


def _attempts(*, quiz_key: UUID, scope: str):
    attempts = Attempt.objects.filter(quiz_key=quiz_key, status__in=GRADED).order_by()
    if scope == FIRST_ATTEMPTS:
        # Ids grow with the start time: each trainee's lowest graded id is their first graded attempt.
        first = attempts.values("user_id").annotate(first=Min("pk")).values("first")
        attempts = attempts.filter(pk__in=first)
    return attempts


def item_analysis(*, quiz: Quiz, scope: str = ALL_ATTEMPTS, min_responses: int = MIN_RESPONSES) -> ItemAnalysis:
    """Return the item analysis of `quiz` over the attempts of `scope` (ALL_ATTEMPTS or FIRST_ATTEMPTS),
    pooled over its languages, in ITEM_ANALYSIS_QUERIES queries."""
    if scope not in ATTEMPT_SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    attempts = _attempts(quiz_key=quiz.translation_key, scope=scope)
    summary = attempts.aggregate(
        attempts=Count("pk"),
        trainees=Count("user_id", distinct=True),
        mean=Avg(Cast("score", FloatField()) / Cast("max_score", FloatField()), filter=Q(max_score__gt=0)),
    )

    answers = Answer.objects.filter(attempt__in=attempts, points__isnull=False, question__points__gt=0)
    x = Cast("points", FloatField()) / Cast("question__points", FloatField())
    rest = Cast(F("attempt__score") - F("points"), FloatField())
    rows = list(
        answers.order_by()
        .values("question_id", "question__quiz__translation_key", "question__key")
        .annotate(
            n=Count("pk"),
            blank=Count("pk", filter=Q(answered_at__isnull=True)),
            sx=Sum(x),
            sxx=Sum(x * x),
            sy=Sum(rest),
            syy=Sum(rest * rest),
            sxy=Sum(x * rest),
            said_true=Count("pk", filter=Q(answer_bool=True)),
            said_false=Count("pk", filter=Q(answer_bool=False)),
        )
    )

    # A question is its quiz's key and its own key: the same in every language.
    sums: dict[tuple, _Sums] = {}
    for row in rows:
        sums.setdefault((row["question__quiz__translation_key"], row["question__key"]), _Sums()).add(row)

    quiz_keys = {quiz_key for quiz_key, _key in sums} | {quiz.translation_key}
    versions: dict[tuple, list[Question]] = {}
    for question in (
        Question.objects.non_polymorphic()
        .filter(quiz__translation_key__in=quiz_keys)
        .select_related("quiz", "polymorphic_ctype")
        .annotate(statement_true=F("truefalsequestion__correct_answer"))
        .order_by("sort_order", "pk")
    ):
        group = (question.quiz.translation_key, question.key)
        if group in sums or question.quiz_id == quiz.pk:
            versions.setdefault(group, []).append(question)

    shown = {group: _in_language(questions, quiz) for group, questions in versions.items()}
    group_of = {q.pk: group for group, questions in versions.items() for q in questions}
    choices: dict[int, list[Choice]] = {}
    choice_group: dict[int, tuple] = {}
    for choice in Choice.objects.filter(question_id__in=group_of).order_by("sort_order", "pk"):
        choices.setdefault(choice.question_id, []).append(choice)
        choice_group[choice.pk] = (group_of[choice.question_id], choice.key)
    picks: dict[tuple, int] = {}
    for row in (
        Answer.selected_choices.through.objects.filter(answer__in=answers)
        .order_by()
        .values("choice_id")
        .annotate(n=Count("pk"))
    ):
        if row["choice_id"] in choice_group:
            key = choice_group[row["choice_id"]]
            picks[key] = picks.get(key, 0) + row["n"]

    stats = []
    for group, question in shown.items():
        total = sums.get(group, _Sums())
        facility, sd, discrimination = total.indices()
        stat = QuestionStat(
            question=question,
            type_label=str(question.polymorphic_ctype.model_class()._meta.verbose_name),
            responses=total.n,
            blank=total.blank,
            facility=facility,
            sd=sd,
            discrimination=discrimination,
        )
        stat.options = _options(question, choices.get(question.pk, []), group=group, picks=picks, total=total)
        stat.flags = _flags(stat, min_responses=min_responses)
        stats.append(stat)
    stats.sort(key=lambda s: (s.question.quiz_id != quiz.pk, s.question.quiz.title, s.question.sort_order))
    return ItemAnalysis(
        quiz=quiz,
        scope=scope,
        attempts=summary["attempts"],
        trainees=summary["trainees"],
        mean_score=summary["mean"],
        questions=stats,
        min_responses=min_responses,
    )


def _in_language(questions: list[Question], quiz: Quiz) -> Question:
    """The version of a question to show: this quiz's, else one in its language, else the first."""
    for question in questions:
        if question.quiz_id == quiz.pk:
            return question
    for question in questions:
        if question.quiz.locale_id == quiz.locale_id:
            return question
    return questions[0]


def _options(question: Question, choices: list[Choice], *, group, picks, total: _Sums) -> list[OptionStat]:
    if choices:
        return [OptionStat(c.key, c.text, c.correct, picks.get((group, c.key), 0), total.n) for c in choices]
    if question.statement_true is not None:  # a true/false statement: the options are the two answers
        truth = question.statement_true
        return [
            OptionStat("true", str(_("True")), truth is True, total.said_true, total.n),
            OptionStat("false", str(_("False")), truth is False, total.said_false, total.n),
        ]
    return []


def _flags(stat: QuestionStat, *, min_responses: int) -> list[str]:
    if stat.responses < max(min_responses, 1):
        return []
    flags = []
    if stat.facility > TOO_EASY_ABOVE:
        flags.append(TOO_EASY)
    if stat.facility < TOO_HARD_BELOW:
        flags.append(TOO_HARD)
    if stat.discrimination is not None and stat.discrimination < DISCRIMINATION_BELOW:
        flags.append(NOT_DISCRIMINATING)
    # Only where options are marked right or wrong (an ordering question's items are neither).
    if any(o.correct for o in stat.options) and any(not o.correct and o.picked == 0 for o in stat.options):
        flags.append(UNCHOSEN_DISTRACTOR)
    return flags


def item_analysis_quizzes() -> list[tuple[Quiz, int]]:
    """Every quiz with the number of closed, graded attempts of its quiz key (both languages), in two queries."""
    counts = dict(
        Attempt.objects.filter(status__in=GRADED)
        .order_by()
        .values("quiz_key")
        .annotate(n=Count("pk"))
        .values_list("quiz_key", "n")
    )
    quizzes = Quiz.objects.select_related("locale").order_by("title", "locale__language_code")
    return [(quiz, counts.get(quiz.translation_key, 0)) for quiz in quizzes]
