"""Interview practice pages. Every session and answer is looked up through the signed-in
trainee, so another trainee, HR or staff get a 404 for what is not theirs."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Locale

from core.i18n import localize_digits

from . import scheduling, selectors, services
from .models import Category, Level, PracticeAnswer, PracticeSession, Rating
from .services import PracticeError


def _refusal(request, error: PracticeError):
    return render(request, "interviews/error.html", {"message": error.message}, status=error.status)


def handles_practice_errors(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PracticeError as error:
            return _refusal(request, error)

    return wrapper


def _filters(data) -> tuple[list[str], str]:
    return services.filters_clean(categories=data.getlist("category"), level=data.get("level", ""))


def _go(request, session: PracticeSession, step: services.Next):
    """Redirect to the page the service chose (services.Next)."""
    if step.nothing_left:
        messages.info(
            request,
            _("Nothing is due and no new questions are left for today. Come back tomorrow, or try a mock interview."),
        )
    if step.page in ("question", "reveal"):
        return redirect(f"interviews:{step.page}", answer_id=step.answer.pk)
    if step.page == "home":
        return redirect("interviews:home")
    return redirect(f"interviews:{step.page}", session_id=session.pk)


def _answer(request, answer_id: int) -> PracticeAnswer:
    return get_object_or_404(selectors.answers_of(request.user), pk=answer_id)


def _session(request, session_id: int) -> PracticeSession:
    return get_object_or_404(selectors.sessions_of(request.user), pk=session_id)


def _form_context() -> dict:
    return {
        "category_choices": Category.choices,
        "level_choices": Level.choices,
        "mock_counts": range(services.MOCK_MIN, services.MOCK_MAX + 1),
    }


@require_GET
@login_required
def home(request):
    try:
        categories, level = _filters(request.GET)
        error = None
    except PracticeError as refused:
        categories, level, error = [], "", refused
    overview = selectors.practice_overview(
        user=request.user, locale=Locale.get_active(), now=timezone.now(), categories=categories, level=level
    )
    context = {"overview": overview, "categories": categories, "level": level, "error": error, **_form_context()}
    return render(request, "interviews/home.html", context, status=error.status if error else 200)


@require_POST
@login_required
@handles_practice_errors
def practice_start(request):
    categories, level = _filters(request.POST)
    session = services.practice_start(user=request.user, categories=categories, level=level)
    return _go(request, session, services.practice_continue(session=session, locale=Locale.get_active()))


@require_POST
@login_required
@handles_practice_errors
def practice_next(request, session_id: int):
    session = _session(request, session_id)
    if session.mode != PracticeSession.Mode.PRACTICE:
        raise PracticeError(_("This is not a practice session."))
    return _go(request, session, services.practice_continue(session=session, locale=Locale.get_active()))


@require_GET
@login_required
def session_detail(request, session_id: int):
    session = _session(request, session_id)
    return _go(request, session, services.session_resume(session=session))


@require_POST
@login_required
def session_finish(request, session_id: int):
    session = _session(request, session_id)
    services.session_finish(session=session)
    return redirect("interviews:report", session_id=session.pk)


@require_POST
@login_required
@handles_practice_errors
def mock_start(request):
    categories, level = _filters(request.POST)
    session = services.mock_start(
        user=request.user,
        level=level,
        count=request.POST.get("count", ""),
        categories=categories,
        locale=Locale.get_active(),
    )
    return redirect("interviews:session", session_id=session.pk)


def _question_page(request, answer: PracticeAnswer, *, text: str = "", error: str = "", status: int = 200):
    question = selectors.question_for(key=answer.question_key, locale=Locale.get_active(), fallback=answer.question)
    if question is None:
        return _refusal(request, PracticeError(_("This question no longer exists."), status=404))
    session = answer.session
    context = {
        "answer": answer,
        "session": session,
        "question": question,
        "text": text,
        "error": error,
        "limit": services.MAX_ANSWER_CHARS,
        "position": answer.position + 1,
        "total": len(session.question_keys) if session.mode == PracticeSession.Mode.MOCK else None,
        "elapsed": int((timezone.now() - answer.started_at).total_seconds()) if answer.started_at else 0,
    }
    return render(request, "interviews/question.html", context, status=status)


@require_GET
@login_required
def question(request, answer_id: int):
    answer = _answer(request, answer_id)
    session = answer.session
    if answer.answered_at is not None or answer.skipped or session.finished:
        if session.mode == PracticeSession.Mode.MOCK:
            return redirect("interviews:session", session_id=session.pk)
        return redirect("interviews:reveal", answer_id=answer.pk)
    if session.mode == PracticeSession.Mode.MOCK:
        current = selectors.current_answer(session=session)
        if current is not None and current.pk != answer.pk:
            return redirect("interviews:question", answer_id=current.pk)
    return _question_page(request, answer)


@require_POST
@login_required
def answer_submit(request, answer_id: int):
    answer = _answer(request, answer_id)
    text = request.POST.get("answer", "")
    question = selectors.question_for(key=answer.question_key, locale=Locale.get_active(), fallback=answer.question)
    try:
        answer = services.answer_submit(answer=answer, text=text, give_up="give_up" in request.POST, question=question)
    except PracticeError as error:
        if len(text) > services.MAX_ANSWER_CHARS and not answer.session.finished and answer.answered_at is None:
            # Keep what they typed: they shorten it and submit again.
            return _question_page(request, answer, text=text, error=error.message, status=error.status)
        return _refusal(request, error)
    return _go(request, answer.session, services.after_answer(answer=answer))


@require_GET
@login_required
def reveal(request, answer_id: int):
    answer = _answer(request, answer_id)
    session = answer.session
    if session.mode == PracticeSession.Mode.MOCK and not session.finished:
        # The model answers stay hidden until the mock interview is over.
        return redirect("interviews:session", session_id=session.pk)
    if answer.answered_at is None and not answer.skipped:
        return redirect("interviews:question", answer_id=answer.pk)
    question = selectors.question_for(key=answer.question_key, locale=Locale.get_active(), fallback=answer.question)
    if question is None:
        return _refusal(request, PracticeError(_("This question no longer exists."), status=404))
    points = list(question.key_points.all())
    context = {
        "answer": answer,
        "session": session,
        "question": question,
        "points": [
            {"point": p, "hinted": p.key in answer.hinted_keys, "covered": p.key in answer.covered_keys} for p in points
        ],
        "ratings": [(Rating(value).name.lower(), label) for value, label in Rating.choices],
        "due_today": selectors.due_count(user=request.user, until=selectors.day_bounds(timezone.now())[1]),
        "comes_back": _comes_back(request.user, answer) if answer.rating else "",
    }
    return render(request, "interviews/reveal.html", context)


def _comes_back(user, answer: PracticeAnswer) -> str:
    due = selectors.card_due(user=user, question_key=answer.question_key)
    return scheduling.comes_back_in(due, timezone.now()) if due else ""


@require_POST
@login_required
@handles_practice_errors
def answer_rate(request, answer_id: int):
    answer = _answer(request, answer_id)
    answer = services.answer_rate(
        answer=answer, rating=request.POST.get("rating", ""), covered_keys=request.POST.getlist("covered")
    )
    messages.success(
        request,
        _("This question comes back %(when)s.") % {"when": scheduling.comes_back_in(answer.next_due, answer.rated_at)},
    )
    return _go(request, answer.session, services.after_rating(answer=answer, locale=Locale.get_active()))


def _report_page(request, session: PracticeSession, *, error: str = "", status: int = 200):
    context = {
        "report": selectors.session_report(session=session, locale=Locale.get_active()),
        "ratings": [(Rating(value).name.lower(), label) for value, label in Rating.choices],
        "error": error,
    }
    return render(request, "interviews/report.html", context, status=status)


@require_GET
@login_required
def report(request, session_id: int):
    session = _session(request, session_id)
    if not session.finished and session.mode == PracticeSession.Mode.MOCK:
        return redirect("interviews:session", session_id=session.pk)
    return _report_page(request, session)


@require_POST
@login_required
def session_rate(request, session_id: int):
    """The report's one form: a rating (and the key points ticked) for each answer of a mock interview."""
    session = _session(request, session_id)
    ratings, covered = {}, {}
    for name, value in request.POST.items():
        prefix, _sep, number = name.partition("-")
        if prefix == "rating" and number.isdecimal() and len(number) <= 18 and value:
            ratings[int(number)] = value
    for answer_id in ratings:
        covered[answer_id] = request.POST.getlist(f"covered-{answer_id}")
    try:
        rated = services.session_rate_all(session=session, ratings=ratings, covered=covered)
    except PracticeError as error:
        if not session.finished and session.mode == PracticeSession.Mode.MOCK:
            return _refusal(request, error)
        return _report_page(request, session, error=error.message, status=error.status)
    if rated:
        messages.success(
            request,
            ngettext(
                "Your rating is saved: the question is scheduled for practice.",
                "Your %(count)s ratings are saved: the questions are scheduled for practice.",
                len(rated),
            )
            % {"count": localize_digits(len(rated))},
        )
    return redirect("interviews:report", session_id=session.pk)


@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    """The link in the weekly email: a GET asks to confirm, a POST stops the email. No login:
    the signed token says whose email it is; sending it twice changes nothing."""
    token = request.POST.get("token", "") if request.method == "POST" else request.GET.get("token", "")
    user = selectors.unsubscribe_user(token=token)
    if user is None:
        return render(
            request,
            "interviews/unsubscribe.html",
            {"invalid": True},
            status=400,
        )
    done = False
    if request.method == "POST":
        services.drill_reminders_stop(user=user)
        done = True
    return render(
        request,
        "interviews/unsubscribe.html",
        {"token": token, "done": done, "already": not user.drill_reminders and not done},
    )
