"""Writes for interview practice: sessions, answers, self-ratings and the FSRS schedule."""

import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Locale

from . import scheduling, selectors
from .matching import covered_key_points
from .models import (
    Card,
    Category,
    InterviewQuestion,
    Level,
    PracticeAnswer,
    PracticeSession,
    Rating,
    ReviewLog,
    SchedulingParameters,
    WeeklyEmail,
)

MAX_ANSWER_CHARS = 10_000
MOCK_MIN, MOCK_MAX = 3, 10
RATING_NAMES = {"again": Rating.AGAIN, "hard": Rating.HARD, "good": Rating.GOOD, "easy": Rating.EASY}
MAX_DURATION_MS = 2**31 - 1  # a page left open for weeks still fits the column

logger = logging.getLogger(__name__)


class PracticeError(Exception):
    """A request the interview practice engine refuses; `message` is translated and shown to the trainee."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class AlreadyRated(PracticeError):
    """The answer has its rating already: a rating, once given, stays."""


def filters_clean(*, categories, level) -> tuple[list[str], str]:
    """Return the known categories (in their order) and level; refuse an unknown one."""
    categories = [c for c in (categories or []) if c]
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        raise PracticeError(_("Unknown category: %(category)s.") % {"category": unknown[0][:60]})
    level = level or ""
    if level and level not in Level.values:
        raise PracticeError(_("Unknown level: %(level)s.") % {"level": level[:60]})
    return sorted(set(categories), key=Category.values.index), level


def rating_parse(value) -> Rating:
    """Return the Rating for 'again', 'hard', 'good', 'easy' (or 1-4); refuse anything else."""
    if isinstance(value, Rating):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in RATING_NAMES:
        return RATING_NAMES[text]
    # isdecimal, not isdigit: int() refuses digits like "²"; and no int() of a 5,000-digit string.
    if text.isdecimal() and len(text) <= 2 and int(text) in Rating.values:
        return Rating(int(text))
    raise PracticeError(_("Choose one of the four ratings: missed it, shaky, solid or effortless."))


# Practice ---------------------------------------------------------------------------


def practice_start(*, user, categories=None, level=None, now: datetime | None = None) -> PracticeSession:
    """Open a practice session with the given filters."""
    categories, level = filters_clean(categories=categories, level=level)
    return PracticeSession.objects.create(
        user=user,
        mode=PracticeSession.Mode.PRACTICE,
        categories=categories,
        level=level,
        started_at=now or timezone.now(),
    )


@transaction.atomic
def practice_next(*, session: PracticeSession, locale: Locale, now: datetime | None = None) -> PracticeAnswer | None:
    """Return the question to ask next in a practice session, as a new PracticeAnswer.

    Due cards first (the one due soonest), then new questions (a few per day), then
    cards due later today. Return the open answer if one waits; None when nothing is left."""
    now = now or timezone.now()
    if session.finished:
        raise PracticeError(_("This session is finished. Start a new one from the interview practice page."))
    waiting = selectors.current_answer(session=session)
    if waiting is not None:
        return waiting
    user, categories, level = session.user, session.categories or None, session.level or None
    _start, end_of_day = selectors.day_bounds(now)

    question = None
    skip = []
    for _attempt in range(3):  # a card whose question was deleted is passed over
        card = selectors.next_due_card(
            user=user, until=end_of_day, categories=categories, level=level, exclude_keys=skip
        )
        if card is not None and card.due <= now:
            question = selectors.question_for(key=card.question_key, locale=locale)
        elif selectors.new_left_today(user=user, now=now) > 0:
            question = selectors.next_new_question(user=user, locale=locale, categories=categories, level=level)
            if question is None and card is not None:
                question = selectors.question_for(key=card.question_key, locale=locale)
        elif card is not None:
            question = selectors.question_for(key=card.question_key, locale=locale)
        if question is not None or card is None:
            break
        skip.append(card.question_key)
    if question is None:
        return None

    position = len(session.question_keys)
    session.question_keys = [*session.question_keys, str(question.translation_key)]
    session.save(update_fields=["question_keys"])
    return PracticeAnswer.objects.create(
        session=session, position=position, question_key=question.translation_key, question=question, started_at=now
    )


def session_finish(*, session: PracticeSession, now: datetime | None = None) -> PracticeSession:
    """Close a session; unanswered mock questions count as skipped. Finishing twice changes nothing."""
    if session.finished:
        return session
    now = now or timezone.now()
    with transaction.atomic():
        session.finished_at = now
        session.save(update_fields=["finished_at"])
        if session.mode == PracticeSession.Mode.MOCK:
            session.answers.filter(answered_at__isnull=True).update(skipped=True)
        else:
            # A practice question shown but never answered leaves no trace.
            session.answers.filter(answered_at__isnull=True).delete()
    return session


# Answers ----------------------------------------------------------------------------


@transaction.atomic
def answer_submit(
    *,
    answer: PracticeAnswer,
    text: str,
    give_up: bool = False,
    question: InterviewQuestion | None = None,
    now: datetime | None = None,
) -> PracticeAnswer:
    """Record the trainee's answer (empty or `give_up` is a skip) and the key points it seems to cover.

    `question` is the language version on screen, when the trainee switched language."""
    now = now or timezone.now()
    # PostgreSQL text cannot hold NUL; no keyboard types one, so it is dropped.
    text = (text or "").replace("\r\n", "\n").replace("\x00", "")
    if len(text) > MAX_ANSWER_CHARS:
        raise PracticeError(
            ngettext(
                "Your answer is %(count)s character long; the limit is %(limit)s. Shorten it and submit again.",
                "Your answer is %(count)s characters long; the limit is %(limit)s. Shorten it and submit again.",
                len(text),
            )
            % {"count": f"{len(text):,}", "limit": f"{MAX_ANSWER_CHARS:,}"}
        )
    answer = PracticeAnswer.objects.select_for_update(of=("self",)).select_related("session").get(pk=answer.pk)
    session = answer.session
    if session.finished:
        raise PracticeError(_("This session is finished. Start a new one from the interview practice page."))
    if answer.answered_at is not None or answer.skipped:
        raise PracticeError(_("You have already answered this question."))
    if session.mode == PracticeSession.Mode.MOCK:
        current = selectors.current_answer(session=session)
        if current is None or current.pk != answer.pk:
            raise PracticeError(_("Answer the questions of a mock interview in order."))

    if question is not None and question.translation_key == answer.question_key:
        answer.question = question
    shown = answer.question
    answer.answer_text = text
    answer.skipped = give_up or not text.strip()
    answer.hinted_keys = covered_key_points(text, shown.key_points.all()) if shown and text.strip() else []
    answer.answered_at = now
    started = answer.started_at or now
    answer.started_at = started
    answer.seconds_taken = max(0, int((now - started).total_seconds()))
    answer.save()

    if session.mode == PracticeSession.Mode.MOCK:
        following = session.answers.filter(position__gt=answer.position).order_by("position").first()
        if following is None:
            session_finish(session=session, now=now)
        else:
            following.started_at = now
            following.save(update_fields=["started_at"])
    return answer


def _fsrs_card(card: Card) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk or 1,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.astimezone(UTC),
        last_review=card.last_review.astimezone(UTC) if card.last_review else None,
    )


@transaction.atomic
def card_review(
    *, user, question: InterviewQuestion, rating, now: datetime | None = None, duration_ms: int | None = None
) -> Card:
    """Apply one FSRS review to `user`'s card for `question`'s translation key (any language),
    with the trainee's fitted parameters when they have some, and log it (ReviewLog)."""
    rating = rating_parse(rating)
    now = (now or timezone.now()).astimezone(UTC)
    card, _created = Card.objects.get_or_create(
        user=user,
        question_key=question.translation_key,
        defaults={"due": now, "category": question.category, "level": question.level, "created_at": now},
    )
    card = Card.objects.select_for_update().get(pk=card.pk)
    log = ReviewLog(
        card=card,
        rating=rating,
        reviewed_at=now,
        duration_ms=None if duration_ms is None else min(max(0, int(duration_ms)), MAX_DURATION_MS),
        state=ReviewLog.State.NEW if card.reviews == 0 else card.state,
        stability=card.stability,
        difficulty=card.difficulty,
        elapsed_days=scheduling.days_between(card.last_review, now) if card.last_review else 0,
    )
    scheduler = scheduling.scheduler_for(selectors.scheduling_parameters(user=user))
    reviewed, _log = scheduler.review_card(_fsrs_card(card), fsrs.Rating(int(rating)), now)
    card.state = int(reviewed.state)
    card.step = reviewed.step
    card.stability = reviewed.stability
    card.difficulty = reviewed.difficulty
    card.due = reviewed.due
    card.last_review = reviewed.last_review
    card.reviews += 1
    card.category, card.level = question.category, question.level
    card.save()
    log.save()
    return card


@transaction.atomic
def answer_rate(*, answer: PracticeAnswer, rating, covered_keys=(), now: datetime | None = None) -> PracticeAnswer:
    """Record the trainee's ticks and self-rating, and schedule the question's card with FSRS.

    The answer comes back with `next_due`, when the question is due again."""
    now = now or timezone.now()
    rating = rating_parse(rating)
    answer = (
        PracticeAnswer.objects.select_for_update(of=("self",)).select_related("session", "question").get(pk=answer.pk)
    )
    session = answer.session
    if session.mode == PracticeSession.Mode.PRACTICE and session.finished:
        raise PracticeError(_("This session is finished. Start a new one from the interview practice page."))
    if session.mode == PracticeSession.Mode.MOCK and not session.finished:
        raise PracticeError(_("Rate your answers when the mock interview is over."))
    if answer.answered_at is None and not answer.skipped:
        raise PracticeError(_("Answer the question, or give up, before you rate yourself."))
    if answer.rating is not None:
        raise AlreadyRated(_("You have already rated this answer."))
    question = answer.question or selectors.question_for(key=answer.question_key, locale=Locale.get_active())
    if question is None:
        raise PracticeError(_("This question no longer exists."), status=404)
    valid = [point.key for point in question.key_points.all()]
    ticked = {str(key) for key in covered_keys or []}
    answer.covered_keys = [key for key in valid if key in ticked]
    answer.rating = rating
    answer.rated_at = now
    answer.save(update_fields=["covered_keys", "rating", "rated_at"])
    # The reveal: the model answer and key points appear once the answer is in, or, in a mock
    # interview, once the interview is over.
    if session.mode == PracticeSession.Mode.MOCK:
        revealed = session.finished_at
    else:
        revealed = answer.answered_at or now
    duration_ms = int((now - revealed).total_seconds() * 1000)
    card = card_review(user=session.user, question=question, rating=rating, now=now, duration_ms=duration_ms)
    answer.next_due = card.due
    return answer


def session_rate_all(*, session: PracticeSession, ratings: dict, covered: dict | None = None, now=None) -> list:
    """Rate several answers of a finished mock interview at once (the report's form): `ratings`
    maps answer ids to a rating, `covered` answer ids to the key points ticked. Each goes
    through `answer_rate` (its rules, one review log each); an answer rated already (a form
    sent twice) is left as it was. Nothing is saved if one rating is not a rating. Return the
    answers rated now."""
    if not ratings:
        raise PracticeError(_("Choose a rating for at least one answer."))
    parsed = {}
    for answer_id, value in ratings.items():
        parsed[answer_id] = rating_parse(value)
    answers = {answer.pk: answer for answer in session.answers.filter(pk__in=list(parsed))}
    if len(answers) != len(parsed):
        raise PracticeError(_("One of these answers is not part of this mock interview."))
    if session.mode != PracticeSession.Mode.MOCK:
        raise PracticeError(_("This is not a mock interview."))
    rated = []
    with transaction.atomic():
        for answer_id in sorted(parsed, key=lambda pk: answers[pk].position):
            answer = answers[answer_id]
            if answer.rating is not None:
                continue
            try:
                rated.append(
                    answer_rate(
                        answer=answer,
                        rating=parsed[answer_id],
                        covered_keys=(covered or {}).get(answer_id, ()),
                        now=now,
                    )
                )
            except AlreadyRated:
                continue
    return rated


# The weekly email of drills due ---------------------------------------------------------


def unsubscribe_token(*, user) -> str:
    """The signed token of `user`'s unsubscribe link: it needs no login and does not expire."""
    return signing.dumps(user.pk, salt=selectors.UNSUBSCRIBE_SALT)


def drill_reminders_stop(*, user) -> bool:
    """Stop `user`'s weekly email of drills due; True if it was on (stopping twice changes nothing)."""
    return bool(type(user).objects.filter(pk=user.pk, drill_reminders=True).update(drill_reminders=False))


def drills_due_emails(*, now: datetime | None = None) -> int:
    """Email every trainee who wants it the interview drills due this week, in their language,
    with a link to practise and one to unsubscribe; return how many were sent.

    Each email is claimed first (a WeeklyEmail row, unique per trainee and week), so a second run
    in the same week, a restarted worker or two beats at once send nobody a second email; a claim
    whose sending fails is released, so the next run sends it."""
    now = now or timezone.now()
    week = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    sent = 0
    with get_connection() as connection:  # one connection for every email of the run
        for entry in selectors.drills_due(now=now):
            try:
                with transaction.atomic():
                    claim = WeeklyEmail.objects.create(user=entry["user"], week=week, sent_at=now)
            except IntegrityError:
                continue  # sent already this week
            message = _drills_due_email(entry)
            message.connection = connection
            try:
                sent += message.send()
            except Exception:
                claim.delete()
                raise
    return sent


def _drills_due_email(entry) -> EmailMultiAlternatives:
    user = entry["user"]
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        unsubscribe = settings.SITE_URL + reverse("interviews:unsubscribe") + "?token=" + unsubscribe_token(user=user)
        context = {
            "user": user,
            "count": entry["count"],
            "questions": entry["questions"],
            "practice_url": settings.SITE_URL + reverse("interviews:home"),
            "unsubscribe_url": unsubscribe,
            "language": language,
        }
        subject = " ".join(render_to_string("interviews/email/drills_due_subject.txt", context).split())
        body = render_to_string("interviews/email/drills_due.txt", context)
        html = render_to_string("interviews/email/drills_due.html", context)
    message = EmailMultiAlternatives(subject, body, to=[user.email], headers={"List-Unsubscribe": f"<{unsubscribe}>"})
    message.attach_alternative(html, "text/html")
    return message


# Fitting a trainee's own parameters ---------------------------------------------------


def parameters_fit(*, user_id: int, now: datetime | None = None) -> SchedulingParameters | None:
    """Fit `user_id`'s FSRS parameters to their whole review log and keep them; None (and
    nothing changed) while the optimiser has too little to learn from."""
    history = selectors.review_history(user_id=user_id)
    fitted = scheduling.parameters_fit(history)
    if fitted is None:
        return None
    row, _created = SchedulingParameters.objects.update_or_create(
        user_id=user_id,
        defaults={"parameters": list(fitted), "fitted_at": now or timezone.now(), "review_count": len(history)},
    )
    return row


def parameters_refit(*, limit: int | None = None, now: datetime | None = None) -> int:
    """Fit the parameters of up to `limit` trainees who have enough reviews and, when fitted
    before, enough new ones since (settings INTERVIEWS_FSRS_FITS_PER_RUN and
    INTERVIEWS_FSRS_REFIT_AFTER); return how many were fitted. Running it again with no new
    reviews fits nobody."""
    limit = limit if limit is not None else int(getattr(settings, "INTERVIEWS_FSRS_FITS_PER_RUN", 20))
    refit_after = max(1, int(getattr(settings, "INTERVIEWS_FSRS_REFIT_AFTER", 20)))
    fitted = 0
    for user_id in selectors.fit_candidates(limit=limit, refit_after=refit_after):
        try:
            fitted += parameters_fit(user_id=user_id, now=now) is not None
        except Exception:  # the optimiser refused this trainee's log: the others still get fitted
            logger.exception("FSRS parameters could not be fitted for user %s", user_id)
    return fitted


# What comes next ----------------------------------------------------------------------


@dataclass(frozen=True)
class Next:
    """Where a trainee goes after a step of a session: the "question" or "reveal" page of
    `answer`, or the "session" (a mock interview's current question), "report" or "home" page.
    `nothing_left`: the practice ran out of questions for today."""

    page: str
    answer: PracticeAnswer | None = None
    nothing_left: bool = False


def practice_continue(*, session: PracticeSession, locale: Locale, now: datetime | None = None) -> Next:
    """The next practice question, or, when none is left today, the finished session's report
    (home when nothing was answered)."""
    answer = practice_next(session=session, locale=locale, now=now)
    if answer is None:
        session_finish(session=session, now=now)
        return Next("report" if session.answers.exists() else "home", nothing_left=True)
    return Next("reveal" if answer.answered_at is not None else "question", answer)


def session_resume(*, session: PracticeSession) -> Next:
    """Where a trainee coming back to `session` continues."""
    answer = None if session.finished else selectors.current_answer(session=session)
    if answer is None:
        return Next("report")
    return Next("reveal" if answer.answered_at is not None or answer.skipped else "question", answer)


def after_answer(*, answer: PracticeAnswer) -> Next:
    """After an answer is submitted: its model answer in practice; in a mock interview the next
    question, or the report after the last one."""
    session = answer.session
    if session.mode == PracticeSession.Mode.MOCK:
        session.refresh_from_db(fields=["finished_at"])
        return Next("report" if session.finished else "session")
    return Next("reveal", answer)


def after_rating(*, answer: PracticeAnswer, locale: Locale) -> Next:
    """After a self-rating: the report of a mock interview, the next question of a practice."""
    if answer.session.mode == PracticeSession.Mode.MOCK:
        return Next("report")
    return practice_continue(session=answer.session, locale=locale)


# Mock interviews --------------------------------------------------------------------


@transaction.atomic
def mock_start(*, user, level, count, locale: Locale, categories=None, now: datetime | None = None) -> PracticeSession:
    """Start a mock interview of `count` (3 to 10) questions of `level`, drawn at random."""
    now = now or timezone.now()
    categories, level = filters_clean(categories=categories, level=level)
    if not level:
        raise PracticeError(_("Choose a level for the mock interview."))
    try:
        count = int(str(count).strip())
    except (TypeError, ValueError):
        raise PracticeError(_("The number of questions must be a whole number from 3 to 10."))
    if not MOCK_MIN <= count <= MOCK_MAX:
        raise PracticeError(_("The number of questions must be a whole number from 3 to 10."))
    pool = list(
        selectors.questions_matching(locale=locale, categories=categories, level=level).only(
            "id", "translation_key", "category"
        )
    )
    if not pool:
        raise PracticeError(_("No questions match this level and these categories yet."))
    chosen = random.sample(pool, min(count, len(pool)))
    session = PracticeSession.objects.create(
        user=user,
        mode=PracticeSession.Mode.MOCK,
        level=level,
        categories=categories,
        question_keys=[str(q.translation_key) for q in chosen],
        started_at=now,
    )
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(
            session=session,
            position=i,
            question_key=q.translation_key,
            question_id=q.pk,
            started_at=now if i == 0 else None,
        )
        for i, q in enumerate(chosen)
    )
    return session
