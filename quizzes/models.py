import random
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from polymorphic.models import PolymorphicModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import TranslatableMixin

from core.i18n import localize_digits

from . import rules
from .numbers import NUMBER_LIMIT, number_display, number_parse, number_text

ESSAY_MAX_LENGTH = 10_000
CENT = Decimal("0.01")


def user_is_editor(user) -> bool:
    """Return True if `user` may see draft quizzes: editors and staff."""
    return bool(user.is_authenticated and (user.is_staff or user.has_perm("wagtailadmin.access_admin")))


@dataclass(frozen=True)
class AnswerValue:
    """What a trainee answered, whatever the question type: chosen choice ids, true or false
    (`truth`), text (an essay, or a number as normalised text), or choice ids in the order the
    trainee put them (`order`). The question types clean, grade and review this; `Answer`
    stores it: `columns()` are its own columns, the chosen choices its relation."""

    choice_ids: frozenset = frozenset()
    truth: bool | None = None
    text: str = ""
    order: tuple = ()

    # The Answer columns that hold a value (the chosen choices are a relation, written apart).
    COLUMNS = ("answer_bool", "answer_text", "answer_order")

    @property
    def empty(self) -> bool:
        return not self.choice_ids and self.truth is None and not self.text and not self.order

    def columns(self) -> dict:
        """The value as Answer columns (COLUMNS), so saving an answer needs no type of its own."""
        return {"answer_bool": self.truth, "answer_text": self.text, "answer_order": list(self.order)}

    @classmethod
    def stored(cls, answer: "Answer", choice_ids) -> "AnswerValue":
        """The value an `Answer` row holds, given the ids of its chosen choices."""
        return cls(
            choice_ids=frozenset(choice_ids),
            truth=answer.answer_bool,
            text=answer.answer_text,
            order=tuple(answer.answer_order or ()),
        )


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review of a question: an option, whether it was chosen and whether it is
    right; `note` says more when a choice and a tick are not enough (an item's places in an
    ordering, the right number and its tolerance) and then stands in for the badge."""

    text: str
    selected: bool
    correct: bool
    note: str = ""


class QuizQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the quizzes `user` may open: drafts only for editors."""
        return self if user_is_editor(user) else self.filter(draft=False)


class Quiz(TranslatableMixin, models.Model):
    """A quiz in one language; its Arabic and English versions share a translation key,
    and attempts are counted against that key so a language switch keeps the results."""

    # The rules of a quiz are the same in every language, since attempts are counted across
    # languages: the loader refuses files that differ, and saving one translation in an admin
    # gives its rules to the others (services.quiz_rules_share).
    SHARED_RULES = (
        "pass_mark",
        "random_order",
        "max_questions",
        "answers_at_end",
        "exam_paper",
        "single_attempt",
        "attempts_allowed",
        "time_limit_minutes",
        "draft",
        "review",
        "attempts_per_period",
        "cooldown_hours",
    )

    class Review(models.TextChoices):
        """When a trainee sees the full review (choices chosen, right answers, explanations).
        Before that, a closed attempt shows the score, the topics and which questions were
        missed, each with the lesson that teaches it."""

        IMMEDIATELY = "immediately", _("After every attempt")
        AFTER_PASSING = "after_passing", _("Once passed, or when no attempt is left")
        AFTER_LAST_ATTEMPT = "after_last_attempt", _("Only when no attempt is left")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    random_order = models.BooleanField(_("random order"), default=False)
    max_questions = models.PositiveSmallIntegerField(
        _("max questions"), default=0, help_text=_("0 uses every question; otherwise a random draw per attempt.")
    )
    answers_at_end = models.BooleanField(
        _("answers at end"), default=True, help_text=_("Off: the correct answer shows after each question.")
    )
    exam_paper = models.BooleanField(_("exam paper"), default=False, help_text=_("All questions on one page."))
    single_attempt = models.BooleanField(_("single attempt"), default=False)
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), default=0, help_text=_("0 = unlimited."))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    success_text = models.TextField(_("success text"), blank=True)
    fail_text = models.TextField(_("fail text"), blank=True)
    draft = models.BooleanField(_("draft"), default=False, help_text=_("Drafts are visible to editors only."))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=0, help_text=_("0 = none.")
    )
    review = models.CharField(
        _("full review"),
        max_length=20,
        choices=Review.choices,
        default=Review.IMMEDIATELY,
        help_text=_("When the choices made, the right answers and the explanations are shown."),
    )
    attempts_per_period = models.PositiveSmallIntegerField(
        _("attempts before a pause"),
        default=0,
        help_text=_("After this many attempts in a row the trainee waits (the pause below); 0 = no pause."),
    )
    cooldown_hours = models.PositiveSmallIntegerField(_("pause (hours)"), default=0)
    pools = models.ManyToManyField(
        "self",
        verbose_name=_("drawn from"),
        symmetrical=False,
        blank=True,
        related_name="drawn_by",
        help_text=_("An exam: its questions are drawn from these quizzes' pools (as many from each as possible)."),
    )

    objects = QuizQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("category"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("time_limit_minutes")]),
                FieldRowPanel([FieldPanel("max_questions"), FieldPanel("attempts_allowed")]),
                FieldRowPanel([FieldPanel("attempts_per_period"), FieldPanel("cooldown_hours")]),
                FieldPanel("review"),
                FieldPanel("random_order"),
                FieldPanel("answers_at_end"),
                FieldPanel("exam_paper"),
                FieldPanel("single_attempt"),
                FieldPanel("draft"),
            ],
            heading=_("Rules (the same in every language: saving them here changes every translation)"),
        ),
        FieldPanel("pools"),
        FieldPanel("success_text"),
        FieldPanel("fail_text"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.review != self.Review.IMMEDIATELY and not self.answers_at_end and not self.exam_paper:
            raise ValidationError(
                {
                    "answers_at_end": _(
                        "A quiz that shows the right answer after each question cannot hold back its review."
                    )
                }
            )
        if bool(self.attempts_per_period) != bool(self.cooldown_hours):
            raise ValidationError(
                {
                    "cooldown_hours": _(
                        "Give both the number of attempts before a pause and the length of the pause, or neither."
                    )
                }
            )

    @property
    def attempts_limit(self) -> int:
        """Return how many attempts a trainee has (0 = unlimited)."""
        return 1 if self.single_attempt else self.attempts_allowed

    def time_limit(self, user=None):
        """Return the attempt's time limit (for `user`: with their extra time), or None without one."""
        minutes = self.time_limit_minutes_for(user)
        return timedelta(minutes=minutes) if minutes else None

    def time_limit_minutes_for(self, user) -> int | None:
        """Return the minutes `user` has, their extra time counted (User.allowed_time); None for no limit."""
        if not self.time_limit_minutes:
            return None
        allowed_time = getattr(user, "allowed_time", None)  # an anonymous visitor has no extra time
        return allowed_time(self.time_limit_minutes) if allowed_time else self.time_limit_minutes


class Question(ClusterableModel, PolymorphicModel):
    """One question of a quiz. Each type implements the same small interface, so no view
    or template branches on the type:

    - `input_template`: the template that renders its input on the take page;
    - `clean_answer(posted)`: turn the posted values of its field into an `AnswerValue`, or
      raise `ValidationError` with a translated message;
    - `grade_answer(value)`: return `(points, correct)`; `(None, None)` means a marker decides;
    - `review_rows(value)`: the options shown in the review, with the right ones marked.
    """

    input_template = "quizzes/questions/choice_single.html"
    needs_marking = False

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=80, help_text=_("Stable key, the same in every language."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=60, blank=True)
    text = models.TextField(_("question"))
    explanation = models.TextField(_("explanation"), blank=True)
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    # The lesson that teaches it: the lesson page's translation key (the same in every language),
    # so a trainee who misses the question can be sent back to it. A key, not a foreign key:
    # quizzes sit below courses (ARCHITECTURE.md).
    lesson_key = models.UUIDField(
        _("lesson"), null=True, blank=True, help_text=_("The lesson that teaches what this question asks.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="question_key_unique_in_quiz")]

    def __str__(self):
        # Whole words: a long question is never cut in the middle of one.
        return textwrap.shorten(self.text, 80, placeholder=" …")

    # The shared interface ------------------------------------------------------------

    @property
    def field_name(self) -> str:
        """The name of this question's input in a posted form."""
        return f"q-{self.pk}"

    @cached_property
    def choice_list(self) -> list:
        return list(self.choices.all())

    def clean_answer(self, posted: list[str]) -> AnswerValue:
        raise NotImplementedError

    def grade_answer(self, value: AnswerValue) -> tuple[Decimal | None, bool | None]:
        raise NotImplementedError

    def review_rows(self, value: AnswerValue) -> list[ReviewRow]:
        return [ReviewRow(c.text, c.pk in value.choice_ids, c.correct) for c in self.choice_list]

    def grade(self, answer: "Answer") -> tuple[Decimal | None, bool | None]:
        """Grade a trainee's `Answer` to this question."""
        return self.grade_answer(answer.value)

    # Helpers for the choice types ------------------------------------------------------

    def _choice_ids(self, values: list[str]) -> frozenset:
        known = {c.pk for c in self.choice_list}
        ids = set()
        for value in values:
            try:
                choice_id = int(value)
            except (TypeError, ValueError):
                raise ValidationError(_("This answer is not one of the question's choices."), code="invalid_choice")
            if choice_id not in known:
                raise ValidationError(_("This answer is not one of the question's choices."), code="invalid_choice")
            ids.add(choice_id)
        return frozenset(ids)

    def _full_points(self, correct: bool) -> Decimal:
        return Decimal(self.points if correct else 0).quantize(CENT)


def advanced_panel(*names) -> MultiFieldPanel:
    """The fields an editor rarely touches (the stable key, the order), folded away."""
    return MultiFieldPanel([FieldPanel(name) for name in names], heading=_("Advanced"), classname="collapsed")


_question_panels = [
    FieldPanel("quiz"),
    FieldPanel("text"),
    FieldRowPanel([FieldPanel("points"), FieldPanel("category")]),
    FieldPanel("explanation"),
    advanced_panel("key", "sort_order"),
]


class SingleChoiceQuestion(Question):
    """Exactly one choice is right."""

    input_template = "quizzes/questions/choice_single.html"
    panels = _question_panels + [InlinePanel("choices", label=_("choices"), min_num=2)]

    class Meta:
        verbose_name = _("single-choice question")
        verbose_name_plural = _("single-choice questions")

    def clean_answer(self, posted: list[str]) -> AnswerValue:
        posted = [v for v in posted if v != ""]
        if len(posted) > 1:
            raise ValidationError(_("Choose only one answer."), code="too_many")
        return AnswerValue(choice_ids=self._choice_ids(posted))

    def grade_answer(self, value: AnswerValue) -> tuple[Decimal | None, bool | None]:
        right = {c.pk for c in self.choice_list if c.correct}
        correct = bool(value.choice_ids) and value.choice_ids <= right
        return self._full_points(correct), correct


class MultipleChoiceQuestion(Question):
    """One or more choices are right; partial credit, never below zero."""

    input_template = "quizzes/questions/choice_multiple.html"
    panels = _question_panels + [InlinePanel("choices", label=_("choices"), min_num=2)]

    class Meta:
        verbose_name = _("multiple-choice question")
        verbose_name_plural = _("multiple-choice questions")

    def clean_answer(self, posted: list[str]) -> AnswerValue:
        return AnswerValue(choice_ids=self._choice_ids([v for v in posted if v != ""]))

    def grade_answer(self, value: AnswerValue) -> tuple[Decimal | None, bool | None]:
        """(right ones chosen - wrong ones chosen) / right ones x points, floored at 0."""
        right = {c.pk for c in self.choice_list if c.correct}
        if not right:
            return Decimal(0).quantize(CENT), False
        hits = len(value.choice_ids & right)
        misses = len(value.choice_ids - right)
        share = Decimal(max(hits - misses, 0)) / Decimal(len(right))
        points = (share * self.points).quantize(CENT, rounding=ROUND_HALF_UP)
        return points, value.choice_ids == right


class TrueFalseQuestion(Question):
    """A statement the trainee marks true or false."""

    correct_answer = models.BooleanField(_("the statement is true"), default=True)

    input_template = "quizzes/questions/true_false.html"
    panels = _question_panels + [FieldPanel("correct_answer")]

    class Meta:
        verbose_name = _("true/false question")
        verbose_name_plural = _("true/false questions")

    def clean_answer(self, posted: list[str]) -> AnswerValue:
        posted = [v for v in posted if v != ""]
        if not posted:
            return AnswerValue()
        if len(posted) > 1 or posted[0] not in ("true", "false"):
            raise ValidationError(_("Answer with true or false."), code="invalid_choice")
        return AnswerValue(truth=posted[0] == "true")

    def grade_answer(self, value: AnswerValue) -> tuple[Decimal | None, bool | None]:
        correct = value.truth is not None and value.truth == self.correct_answer
        return self._full_points(correct), correct

    def review_rows(self, value: AnswerValue) -> list[ReviewRow]:
        return [
            ReviewRow(str(_("True")), value.truth is True, self.correct_answer is True),
            ReviewRow(str(_("False")), value.truth is False, self.correct_answer is False),
        ]


class EssayQuestion(Question):
    """A written answer marked by staff; the explanation tells the marker what a good answer holds."""

    input_template = "quizzes/questions/essay.html"
    needs_marking = True
    panels = _question_panels

    class Meta:
        verbose_name = _("essay question")
        verbose_name_plural = _("essay questions")

    def clean_answer(self, posted: list[str]) -> AnswerValue:
        if len(posted) > 1:
            raise ValidationError(_("Send one text answer."), code="too_many")
        # PostgreSQL text cannot hold NUL; no keyboard types one, so it is dropped.
        text = (posted[0] if posted else "").replace("\x00", "").strip()
        if len(text) > ESSAY_MAX_LENGTH:
            raise ValidationError(
                _("Your answer is too long: at most %(limit)d characters."),
                code="too_long",
                params={"limit": ESSAY_MAX_LENGTH},
            )
        return AnswerValue(text=text)

    def grade_answer(self, value: AnswerValue) -> tuple[Decimal | None, bool | None]:
        if not value.text:
            return Decimal(0).quantize(CENT), False
        return None, None

    def review_rows(self, value: AnswerValue) -> list[ReviewRow]:
        return []


class OrderingQuestion(Question):
    """Steps to put in order: a crisis response, an ad review. The steps are the question's
    choices, and their order (`Choice.sort_order`) is the right one; `Choice.correct` is unused.

    The take page lists the steps in a fixed scrambled order (seeded by the question, never the
    right order), each with a select of places 1..n, so it works without a script. A posted
    value is "<choice id>:<place>"; the answer stores the choice ids in the trainee's order.
    Partial credit is the share of pairs of steps in the right relative order (Kendall's
    concordant pairs) x points, rounded half up to cents like multiple choice; the answer is
    correct only when the whole order is right."""

    input_template = "quizzes/questions/ordering.html"
    panels = _question_panels + [
        InlinePanel(
            "choices",
            label=_("steps"),
            min_num=2,
            panels=[FieldPanel("text"), advanced_panel("key")],
            help_text=_("Give the steps in the right order: trainees see them scrambled."),
        )
    ]

    class Meta:
        verbose_name = _("ordering question")
        verbose_name_plural = _("ordering questions")

    def clean_answer(self, posted: list[str]) -> AnswerValue:
        """Refuse a place that is not a number, a step not of this question, a step given twice,
        two steps in one place and any step left without a place (all blank is no answer)."""
        posted = [v for v in posted if v != ""]
        if not posted:
            return AnswerValue()
        known = {c.pk for c in self.choice_list}
        count = len(known)
        places: dict[int, int] = {}
        for value in posted:
            choice_id, _sep, place = value.partition(":")
            if not (choice_id.isascii() and choice_id.isdigit() and place.isascii() and place.isdigit()):
                raise ValidationError(_("Give each step a place from the list."), code="invalid")
            choice_id, place = int(choice_id), int(place)
            if choice_id not in known:
                raise ValidationError(_("This answer names a step that is not part of the question."), code="foreign")
            if choice_id in places:
                raise ValidationError(_("Each step can have only one place."), code="duplicate")
            if not 1 <= place <= count:
                raise ValidationError(_("The places go from 1 to %(count)d.") % {"count": count}, code="out_of_range")
            if place in places.values():
                raise ValidationError(
                    _("Two steps cannot share place %(place)d: give each step its own place.") % {"place": place},
                    code="duplicate",
                )
            places[choice_id] = place
        if len(places) < count:
            raise ValidationError(
                ngettext(
                    "Give every step a place: there is %(count)d step.",
                    "Give every step a place: there are %(count)d steps.",
                    count,
                )
                % {"count": count},
                code="missing",
            )
        return AnswerValue(order=tuple(sorted(places, key=places.get)))

    def grade_answer(self, value: AnswerValue) -> tuple[Decimal | None, bool | None]:
        right = [c.pk for c in self.choice_list]
        if not value.order:
            return Decimal(0).quantize(CENT), False
        correct = list(value.order) == right
        if len(right) < 2:
            return self._full_points(correct), correct
        # Steps missing from the order (one added after the answer was saved) make no pair.
        placed = {choice_id: n for n, choice_id in enumerate(value.order)}
        pairs = len(right) * (len(right) - 1) // 2
        concordant = sum(
            1
            for i, first in enumerate(right)
            for later in right[i + 1 :]
            if first in placed and later in placed and placed[first] < placed[later]
        )
        points = (Decimal(concordant) / Decimal(pairs) * self.points).quantize(CENT, rounding=ROUND_HALF_UP)
        return points, correct

    def review_rows(self, value: AnswerValue) -> list[ReviewRow]:
        """Each step in the trainee's order with its right place; unanswered, the right order."""
        right = {c.pk: n for n, c in enumerate(self.choice_list, start=1)}
        by_id = {c.pk: c for c in self.choice_list}
        placed = [choice_id for choice_id in value.order if choice_id in by_id]
        if not placed:
            return [
                ReviewRow(c.text, False, True, _("Step %(place)s") % {"place": localize_digits(n)})
                for c, n in ((c, right[c.pk]) for c in self.choice_list)
            ]
        rows = []
        for place, choice_id in enumerate(placed, start=1):
            at, belongs = localize_digits(place), localize_digits(right[choice_id])
            if place == right[choice_id]:
                note = _("Your place %(place)s: right") % {"place": at}
            else:
                note = _("Your place %(place)s; it belongs at %(right)s") % {"place": at, "right": belongs}
            rows.append(ReviewRow(by_id[choice_id].text, True, place == right[choice_id], note))
        return rows

    def input_items(self, value: AnswerValue) -> list[dict]:
        """The steps as the take page lists them, each with its place select: {"choice", "places":
        [(posted value, number, selected)]}."""
        count = len(self.choice_list)
        chosen = {choice_id: n for n, choice_id in enumerate(value.order, start=1)}
        return [
            {
                "choice": choice,
                "places": [(f"{choice.pk}:{n}", n, chosen.get(choice.pk) == n) for n in range(1, count + 1)],
            }
            for choice in self.scrambled_choices
        ]

    @cached_property
    def scrambled_choices(self) -> list:
        """The steps in the order the take page shows them: the same on every visit, never the right one."""
        right = list(self.choice_list)
        shown = random.Random(self.pk or 0).sample(right, len(right))
        if len(shown) > 1 and shown == right:
            shown = shown[1:] + shown[:1]
        return shown


class NumericQuestion(Question):
    """A figure to compute from the case (an engagement rate, a CPA, a ROAS): right when it lies
    within `tolerance` of `answer`, for full points; else nothing. What a trainee may type, in
    either language's digits, is in quizzes/numbers.py; the answer stores the number as
    normalised text ("3.5")."""

    answer = models.DecimalField(
        _("right answer"),
        max_digits=16,
        decimal_places=4,
        validators=[MinValueValidator(-NUMBER_LIMIT), MaxValueValidator(NUMBER_LIMIT)],
    )
    tolerance = models.DecimalField(
        _("tolerance (±)"),
        max_digits=16,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(NUMBER_LIMIT)],
        help_text=_("How far an answer may be from the right one and still count, for example 0.1."),
    )
    unit = models.CharField(
        _("unit"),
        max_length=20,
        blank=True,
        help_text=_("Shown after the answer box, for example SAR or a percent sign."),
    )

    input_template = "quizzes/questions/numeric.html"
    panels = _question_panels + [FieldRowPanel([FieldPanel("answer"), FieldPanel("tolerance"), FieldPanel("unit")])]

    class Meta:
        verbose_name = _("numeric question")
        verbose_name_plural = _("numeric questions")

    def clean_answer(self, posted: list[str]) -> AnswerValue:
        if len(posted) > 1:
            raise ValidationError(_("Send one number."), code="too_many")
        raw = posted[0] if posted else ""
        if not raw.strip():
            return AnswerValue()
        return AnswerValue(text=number_text(number_parse(raw)))

    def grade_answer(self, value: AnswerValue) -> tuple[Decimal | None, bool | None]:
        if not value.text:
            return Decimal(0).quantize(CENT), False
        correct = abs(Decimal(value.text) - self.answer) <= self.tolerance
        return self._full_points(correct), correct

    def review_rows(self, value: AnswerValue) -> list[ReviewRow]:
        right = self._with_unit(number_display(self.answer))
        if self.tolerance:
            note = _("Right answer: %(answer)s (± %(tolerance)s)") % {
                "answer": right,
                "tolerance": number_display(self.tolerance),
            }
        else:
            note = _("Right answer: %(answer)s") % {"answer": right}
        if not value.text:
            return [ReviewRow(str(_("Not answered")), False, False, note)]
        given = self._with_unit(number_display(value.text))
        correct = self.grade_answer(value)[1]
        return [ReviewRow(_("Your answer: %(answer)s") % {"answer": given}, True, correct, note)]

    def _with_unit(self, number: str) -> str:
        return f"{number}\u00a0{self.unit}" if self.unit else number


class Choice(models.Model):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(_("key"), max_length=20)
    text = models.CharField(_("text"), max_length=500)
    correct = models.BooleanField(_("correct"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="choice_key_unique_in_question")]

    panels = [FieldPanel("text"), FieldPanel("correct"), advanced_panel("key")]
    # The Wagtail editor's move up/down buttons set the order (the right one in an ordering question).
    sort_order_field = "sort_order"

    def __str__(self):
        return self.text


class Attempt(models.Model):
    """One go at a quiz. The questions and their order are fixed at start as `Answer` rows."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        AWAITING_MARKING = "awaiting_marking", _("Awaiting marking")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    quiz_key = models.UUIDField(_("quiz key"), help_text=_("The quiz's translation key: the same in every language."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, default=0)
    max_score = models.DecimalField(_("max score"), max_digits=7, decimal_places=2, default=0)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    marked_at = models.DateTimeField(
        _("last marked at"), null=True, blank=True, help_text=_("When a marker last marked one of its written answers.")
    )

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "quiz_key", "status"]),
            models.Index(fields=["user", "passed"]),
        ]

    def __str__(self):
        return f"{self.user} · {self.quiz} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return rules.percent(self.score, self.max_score)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    def is_past_deadline(self, now: datetime | None = None) -> bool:
        return self.deadline is not None and (now or timezone.now()) >= self.deadline

    @property
    def seconds_left(self) -> int | None:
        if self.deadline is None:
            return None
        return max(int((self.deadline - timezone.now()).total_seconds()), 0)

    @property
    def minutes_left(self) -> int | None:
        seconds = self.seconds_left
        return None if seconds is None else -(-seconds // 60)


class Answer(models.Model):
    """A trainee's answer to one question of an attempt. The rows are created when the attempt
    starts, one per question drawn, in order (`position`), and stay empty until answered."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveSmallIntegerField()
    selected_choices = models.ManyToManyField(Choice, blank=True, related_name="answers")
    answer_bool = models.BooleanField(null=True, blank=True)
    answer_text = models.TextField(blank=True)
    # An ordering question's answer: its choice ids in the trainee's order (a list is ordered,
    # the chosen-choices relation is not).
    answer_order = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    correct = models.BooleanField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    marker_comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question"),
            models.UniqueConstraint(fields=["attempt", "position"], name="one_question_per_position"),
        ]
        permissions = [("mark_answer", "Can mark essay answers")]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"

    @cached_property
    def value(self) -> AnswerValue:
        """The stored answer in the shape the question types grade."""
        return AnswerValue.stored(self, (c.pk for c in self.selected_choices.all()))

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def awaiting_marking(self) -> bool:
        return self.answered_at is not None and self.points is None


class QuestionCategory(TranslatableMixin, models.Model):
    """The name of a question category in one language (the result page's breakdown), from
    content/<lang>/quiz-categories.yaml, written by load_content."""

    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("name"), max_length=100)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [models.UniqueConstraint(fields=["key", "locale"], name="question_category_unique_in_locale")]

    def __str__(self):
        return self.label
