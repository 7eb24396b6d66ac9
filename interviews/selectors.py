"""Reads for interview practice: what is due, what is new, a session's report.

Every function issues a fixed number of queries, whatever the size of the question bank
or of the trainee's deck."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from wagtail.models import Locale

from accounts.models import User
from courses.models import ModulePage

from .models import (
    Card,
    Category,
    InterviewCategory,
    InterviewQuestion,
    Level,
    PracticeAnswer,
    PracticeSession,
    Rating,
    ReviewLog,
    SchedulingParameters,
)
from .scheduling import OPTIMISER_MIN_ITEMS

LEVEL_ORDER = Case(
    *[When(level=value, then=Value(i)) for i, value in enumerate(Level.values)],
    default=Value(len(Level.values)),
    output_field=IntegerField(),
)


def new_per_day() -> int:
    return int(getattr(settings, "INTERVIEWS_NEW_PER_DAY", 5))


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Return the start of today and of tomorrow in the site's time zone."""
    today = timezone.localtime(now).date()
    start = timezone.make_aware(datetime.combine(today, time.min))
    return start, start + timedelta(days=1)


def _card_filters(*, categories: list[str] | None, level: str | None) -> dict:
    filters = {}
    if categories:
        filters["category__in"] = list(categories)
    if level:
        filters["level"] = level
    return filters


def next_due_queryset(
    *, user, until: datetime, categories: list[str] | None = None, level: str | None = None, exclude_keys=()
):
    """Return `user`'s cards due before `until`, soonest first (served by the (user, due) index)."""
    cards = Card.objects.filter(user=user, due__lte=until, **_card_filters(categories=categories, level=level))
    if exclude_keys:
        cards = cards.exclude(question_key__in=list(exclude_keys))
    return cards.order_by("due")


def next_due_card(
    *, user, until: datetime, categories: list[str] | None = None, level: str | None = None, exclude_keys=()
) -> Card | None:
    """Return `user`'s card due soonest, if it is due before `until`.

    One query, ordered by due with LIMIT 1 on the (user, due) index: as fast for a
    deck of 10,000 cards as for one of 100."""
    return next_due_queryset(
        user=user, until=until, categories=categories, level=level, exclude_keys=exclude_keys
    ).first()


def due_count(*, user, until: datetime, categories: list[str] | None = None, level: str | None = None) -> int:
    return Card.objects.filter(user=user, due__lte=until, **_card_filters(categories=categories, level=level)).count()


def new_left_today(*, user, now: datetime) -> int:
    """Return how many new questions `user` may still start today."""
    start, _end = day_bounds(now)
    introduced = Card.objects.filter(user=user, created_at__gte=start).count()
    return max(0, new_per_day() - introduced)


def questions_matching(*, locale: Locale, categories: list[str] | None, level: str | None):
    questions = InterviewQuestion.objects.filter(locale=locale)
    if categories:
        questions = questions.filter(category__in=list(categories))
    if level:
        questions = questions.filter(level=level)
    return questions


def new_questions(*, user, locale: Locale, categories: list[str] | None = None, level: str | None = None):
    """Return the questions in `locale` (with the filters) that `user` has no card for yet."""
    seen = Card.objects.filter(user=user).values("question_key")
    return questions_matching(locale=locale, categories=categories, level=level).exclude(translation_key__in=seen)


def next_new_question(
    *, user, locale: Locale, categories: list[str] | None = None, level: str | None = None
) -> InterviewQuestion | None:
    """Return a new question for `user`: easier levels first, categories mixed at random."""
    questions = new_questions(user=user, locale=locale, categories=categories, level=level)
    return questions.annotate(level_order=LEVEL_ORDER).order_by("level_order", "?").first()


def question_for(*, key: UUID, locale: Locale, fallback: InterviewQuestion | None = None) -> InterviewQuestion | None:
    """Return the question with translation key `key` in `locale`; else `fallback`, else any language."""
    question = InterviewQuestion.objects.filter(translation_key=key, locale=locale).first()
    if question is None and fallback is None:
        question = InterviewQuestion.objects.filter(translation_key=key).order_by("id").first()
    return question or fallback


@dataclass
class Overview:
    due_today: int
    new_left_today: int
    new_available: int
    question_count: int
    sessions: list


def practice_overview(
    *, user, locale: Locale, now: datetime, categories: list[str] | None = None, level: str | None = None
) -> Overview:
    """Return what the home page shows: due today, new questions available, past sessions."""
    _start, end = day_bounds(now)
    left = new_left_today(user=user, now=now)
    unseen = new_questions(user=user, locale=locale, categories=categories, level=level).count()
    return Overview(
        due_today=due_count(user=user, until=end, categories=categories, level=level),
        new_left_today=left,
        new_available=min(left, unseen),
        question_count=questions_matching(locale=locale, categories=categories, level=level).count(),
        sessions=list(
            PracticeSession.objects.filter(user=user)
            .annotate(answer_count=Count("answers"))
            .order_by("-started_at")[:15]
        ),
    )


def drills_due(*, now: datetime, within: timedelta = timedelta(days=7), per_user: int = 10) -> list[dict]:
    """Return, for each active trainee who wants the weekly email (`drill_reminders`), the
    interview drills due by `now` + `within`: [{"user", "count", "questions": the first
    `per_user` in the trainee's language (else any)}]. Three queries whatever the numbers."""
    until = now + within
    cards = list(
        Card.objects.filter(due__lte=until, user__is_active=True, user__drill_reminders=True, user__email__gt="")
        .select_related("user")
        .order_by("user_id", "due", "pk")
    )
    by_user: dict[int, dict] = {}
    for card in cards:
        entry = by_user.setdefault(card.user_id, {"user": card.user, "count": 0, "keys": []})
        entry["count"] += 1
        if len(entry["keys"]) < per_user:
            entry["keys"].append(card.question_key)
    keys = {key for entry in by_user.values() for key in entry["keys"]}
    questions: dict = {}
    for question in InterviewQuestion.objects.filter(translation_key__in=keys).select_related("locale").order_by("pk"):
        questions.setdefault(question.translation_key, {}).setdefault(question.locale.language_code, question)
    digest = []
    for entry in by_user.values():
        language = entry["user"].preferred_language
        shown = []
        for key in entry["keys"]:
            versions = questions.get(key, {})
            question = versions.get(language) or next(iter(versions.values()), None)
            if question is not None:
                shown.append(question)
        if shown:
            digest.append({"user": entry["user"], "count": entry["count"], "questions": shown})
    return digest


UNSUBSCRIBE_SALT = "interviews.drill-reminders.unsubscribe"


def unsubscribe_user(*, token: str) -> User | None:
    """Return the trainee an unsubscribe link was made for (services.unsubscribe_token), or
    None when the token was not signed here or its trainee is gone."""
    try:
        user_id = signing.loads(str(token or "")[:200], salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def sessions_of(user):
    return PracticeSession.objects.filter(user=user)


def answers_of(user):
    return PracticeAnswer.objects.filter(session__user=user).select_related("session")


def current_answer(*, session: PracticeSession) -> PracticeAnswer | None:
    """Return the answer waiting for the trainee: unanswered (mock) or unrated (practice)."""
    if session.mode == PracticeSession.Mode.MOCK:
        return session.answers.filter(answered_at__isnull=True, skipped=False).order_by("position").first()
    return session.answers.filter(rating__isnull=True).order_by("position").first()


@dataclass
class PointRow:
    key: str
    text: str
    hinted: bool
    covered: bool


@dataclass
class ReportRow:
    answer: PracticeAnswer
    question: InterviewQuestion | None
    points: list[PointRow]
    seconds_taken: int | None
    suggested_seconds: int | None  # with the trainee's extra time; None: no limit for them

    @property
    def over_time(self) -> bool:
        if self.seconds_taken is None or self.suggested_seconds is None:
            return False
        return self.seconds_taken > self.suggested_seconds

    @property
    def covered_count(self) -> int:
        judged = "covered" if self.answer.rating else "hinted"
        return sum(1 for point in self.points if getattr(point, judged))

    @property
    def weak(self) -> bool:
        if self.answer.skipped:
            return True
        if self.answer.rating in (Rating.AGAIN, Rating.HARD):
            return True
        return bool(self.points) and self.covered_count * 2 < len(self.points)


@dataclass
class CategoryToReview:
    category: str
    label: str
    modules: list = field(default_factory=list)


@dataclass
class Report:
    session: PracticeSession
    rows: list[ReportRow]
    categories_to_review: list[CategoryToReview]

    @property
    def total_seconds(self) -> int:
        return sum(row.seconds_taken or 0 for row in self.rows)

    @property
    def rated_count(self) -> int:
        return sum(1 for row in self.rows if row.answer.rating)

    @property
    def answered_count(self) -> int:
        return sum(1 for row in self.rows if row.answer.answered_at and not row.answer.skipped)

    @property
    def skipped_count(self) -> int:
        return sum(1 for row in self.rows if row.answer.skipped)

    @property
    def strong_count(self) -> int:
        return sum(1 for row in self.rows if not row.weak)

    @property
    def to_rate(self) -> list[ReportRow]:
        """The rows the trainee can still rate (a mock interview's, once it is over)."""
        if self.session.mode != PracticeSession.Mode.MOCK or not self.session.finished:
            return []
        return [row for row in self.rows if row.answer.rating is None and row.question is not None]

    @property
    def verdict(self) -> str:
        """The overall verdict the report opens with: "ready" (three answers in four or more
        strong), "close" (two in five or more) or "practice". Until every answer is rated it
        rests on the key-point hints (`provisional`)."""
        if not self.rows:
            return "practice"
        share = self.strong_count / len(self.rows)
        return "ready" if share >= 0.75 else "close" if share >= 0.4 else "practice"

    @property
    def provisional(self) -> bool:
        return self.rated_count < len(self.rows)


def session_report(*, session: PracticeSession, locale: Locale) -> Report:
    """Return the report of a session: time, key points and rating per question, and the
    categories to review with links to the course modules on them (in `locale`)."""
    answers = session.answers.order_by("position").select_related("question")
    if session.mode == PracticeSession.Mode.PRACTICE:
        # A practice question on screen but not answered yet is not part of the summary.
        answers = answers.filter(Q(answered_at__isnull=False) | Q(skipped=True))
    answers = list(answers)
    questions = _questions_shown(answers, locale)
    user = session.user  # their extra time lengthens the suggested time
    rows = [_report_row(answer, questions.get(answer.pk), user) for answer in answers]
    return Report(session=session, rows=rows, categories_to_review=_categories_to_review(rows, locale))


def _questions_shown(answers: list[PracticeAnswer], locale: Locale) -> dict:
    """{answer id: the question in `locale`, or the one answered when it has no translation}:
    two queries at most."""
    keys = [answer.question_key for answer in answers]
    shown = {
        q.translation_key: q
        for q in InterviewQuestion.objects.filter(locale=locale, translation_key__in=keys).prefetch_related(
            "key_points"
        )
    }
    missing = [a.question_id for a in answers if a.question_key not in shown and a.question_id]
    fallback = (
        {q.pk: q for q in InterviewQuestion.objects.filter(pk__in=missing).prefetch_related("key_points")}
        if missing
        else {}
    )
    return {a.pk: shown.get(a.question_key) or fallback.get(a.question_id) for a in answers}


def _report_row(answer: PracticeAnswer, question: InterviewQuestion | None, user) -> ReportRow:
    points = [
        PointRow(key=p.key, text=p.text, hinted=p.key in answer.hinted_keys, covered=p.key in answer.covered_keys)
        for p in (question.key_points.all() if question is not None else ())
    ]
    return ReportRow(
        answer=answer,
        question=question,
        points=points,
        seconds_taken=answer.seconds_taken,
        suggested_seconds=user.allowed_time(question.suggested_seconds) if question else 0,
    )


def _categories_to_review(rows: list[ReportRow], locale: Locale) -> list[CategoryToReview]:
    """The categories of the weak answers, in order, with the modules each sends a trainee back
    to (`modules:` of its content file), live in `locale`: two queries at most."""
    weak_categories = []
    for row in rows:
        if row.question is not None and row.weak and row.question.category not in weak_categories:
            weak_categories.append(row.question.category)
    links = (
        {c.key: [UUID(m) for m in c.modules] for c in InterviewCategory.objects.filter(key__in=weak_categories)}
        if weak_categories
        else {}
    )
    wanted = {key for keys in links.values() for key in keys}
    modules = (
        {p.translation_key: p for p in ModulePage.objects.live().filter(locale=locale, translation_key__in=wanted)}
        if wanted
        else {}
    )
    labels = dict(Category.choices)
    return [
        CategoryToReview(
            category=category,
            label=labels.get(category, category),
            modules=[modules[key] for key in links.get(category, []) if key in modules],
        )
        for category in weak_categories
    ]


# The trainee's own FSRS parameters --------------------------------------------------------


def scheduling_parameters(*, user) -> list[float] | None:
    """Return `user`'s fitted FSRS parameters, or None for FSRS's defaults (one query)."""
    return SchedulingParameters.objects.filter(user=user).values_list("parameters", flat=True).first()


def card_due(*, user, question_key: UUID) -> datetime | None:
    """Return when `user`'s card for `question_key` is due, None when it has no card (one query)."""
    return Card.objects.filter(user=user, question_key=question_key).values_list("due", flat=True).first()


def review_history(*, user_id: int) -> list[tuple[int, datetime, int]]:
    """Return (card id, reviewed at, rating) of every review of `user_id`, by card then time."""
    return list(
        ReviewLog.objects.filter(card__user_id=user_id)
        .order_by("card_id", "reviewed_at", "pk")
        .values_list("card_id", "reviewed_at", "rating")
    )


def fit_candidates(*, limit: int, refit_after: int) -> list[int]:
    """Return the ids of up to `limit` users whose parameters are worth fitting (one query):
    at least OPTIMISER_MIN_ITEMS reviews on a later day than the card's previous one (what the
    optimiser learns from), and, when fitted before, at least `refit_after` reviews more than
    that fit read. Those never fitted come first, then those fitted longest ago."""
    fit = SchedulingParameters.objects.filter(user_id=OuterRef("card__user_id"))
    rows = (
        ReviewLog.objects.values("card__user_id")
        .annotate(
            total=Count("pk"),
            items=Count("pk", filter=Q(elapsed_days__gt=0)),
            used=Subquery(fit.values("review_count")[:1]),
            fitted_at=Subquery(fit.values("fitted_at")[:1]),
        )
        .filter(items__gte=OPTIMISER_MIN_ITEMS)
        .filter(Q(used__isnull=True) | Q(total__gte=F("used") + refit_after))
        .order_by(F("fitted_at").asc(nulls_first=True), "card__user_id")
    )
    return [row["card__user_id"] for row in rows[:limit]]
