"""Quiz pages: thin wrappers around selectors (reads) and services (writes).

Refused requests (`QuizError`) become a translated page with the fitting 4xx status."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.converters import database_id_valid

from . import selectors, services
from .forms import MarkForm
from .models import Attempt, Quiz, user_is_editor
from .services import QuizError


def _refused(request, error: QuizError):
    return render(
        request, "quizzes/error.html", {"message": error.message, "attempt": error.attempt}, status=error.status
    )


MAX_POSITION = 32767  # Answer.position is a small integer


def _posted_answers(post) -> dict[int, list[str]]:
    """Return {question id: posted values} for the questions the form declares in `question`."""
    answers = {}
    for raw in post.getlist("question"):
        try:
            question_id = int(raw)
        except ValueError:
            question_id = 0
        # Ids the database cannot hold (SQLite raises OverflowError past 64 bits) are simply unknown;
        # the same bound as `<id:...>` in the URLs (core/converters.py), here a 400 on a posted form.
        if not database_id_valid(question_id):
            raise QuizError(_("This question is not part of this attempt."), status=400)
        answers[question_id] = post.getlist(f"q-{question_id}")
    return answers


def _position(raw, *, default=None) -> int | None:
    if raw in (None, ""):
        return default
    try:
        position = int(raw)
    except (TypeError, ValueError):
        raise Http404
    if not -MAX_POSITION < position < MAX_POSITION:
        raise Http404
    return position


@login_required
def quiz_detail(request, pk: int):
    quiz = selectors.quiz_get(user=request.user, pk=pk)
    translated = selectors.quiz_in_language(user=request.user, quiz=quiz)
    if translated.pk != quiz.pk:
        return redirect("quizzes:detail", translated.pk)
    overview = selectors.quiz_overview(user=request.user, quiz=quiz)
    return render(request, "quizzes/quiz_detail.html", {"quiz": quiz, "overview": overview})


@require_POST
@login_required
def quiz_start(request, pk: int):
    quiz = Quiz.objects.filter(pk=pk).first()
    if quiz is None:
        raise Http404
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        return _refused(request, error)
    return redirect("quizzes:take", attempt.pk)


def _background(request) -> bool:
    """Whether the post is the page's script saving an answer as it changes (quizzes/answers.js)."""
    return request.headers.get("X-Masar-Autosave") == "1"


@require_http_methods(["GET", "POST"])
@login_required
def attempt_take(request, pk: int):
    if request.method == "POST":
        try:
            attempt = services.own_answers_save(user=request.user, attempt_id=pk, answers=_posted_answers(request.POST))
        except Attempt.DoesNotExist:
            raise Http404 from None
        except QuizError as error:
            if _background(request):
                return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
            return _refused(request, error)
        if _background(request):
            return HttpResponse(status=204)
        go = request.POST.get("go", "")
        if go == "summary":
            return redirect("quizzes:summary", attempt.pk)
        position = _position(request.POST.get("position"), default=1)
        if go == "next":
            position += 1
        elif go == "prev":
            position -= 1
        elif go:
            position = _position(go)
        url = reverse("quizzes:take", args=[attempt.pk])
        return redirect(url if attempt.quiz.exam_paper else f"{url}?q={max(position, 1)}")
    attempt, answers = selectors.attempt_with_answers(user=request.user, pk=pk)
    if not attempt.is_open:
        return redirect("quizzes:result", attempt.pk)
    if services.attempt_expire_if_due(attempt=attempt):
        # The result page says it once: time ran out, the saved answers were graded.
        return redirect("quizzes:result", attempt.pk)
    page = selectors.take_page(attempt=attempt, answers=answers, position=_position(request.GET.get("q")))
    quiz = selectors.quiz_in_language(user=request.user, quiz=attempt.quiz)
    return render(request, "quizzes/take.html", {"attempt": attempt, "quiz": quiz, "page": page})


@login_required
def attempt_summary(request, pk: int):
    """Every question of an open attempt, answered or not, with links back; the one place to submit."""
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    if not attempt.is_open or services.attempt_expire_if_due(attempt=attempt):
        return redirect("quizzes:result", attempt.pk)
    page = selectors.take_summary(attempt=attempt)
    quiz = selectors.quiz_in_language(user=request.user, quiz=attempt.quiz)
    return render(request, "quizzes/summary.html", {"attempt": attempt, "quiz": quiz, "page": page})


@require_POST
@login_required
def attempt_submit(request, pk: int):
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    try:
        answers = _posted_answers(request.POST)  # the exam paper sends its answers with the submit
        if answers:
            services.answers_save(attempt=attempt, answers=answers)
        attempt = services.attempt_submit(attempt=attempt)
    except QuizError as error:
        return _refused(request, error)
    return redirect(selectors.landing_after_submit(attempt=attempt) or reverse("quizzes:result", args=[attempt.pk]))


@login_required
def attempt_result(request, pk: int):
    review = selectors.attempt_review(user=request.user, pk=pk)
    attempt = review.attempt
    if attempt.is_open:
        return redirect("quizzes:take", attempt.pk)
    quiz = selectors.quiz_in_language(user=request.user, quiz=attempt.quiz)
    return render(request, "quizzes/result.html", {"attempt": attempt, "quiz": quiz, "review": review})


@login_required
def my_results(request):
    page = Paginator(selectors.my_attempts(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "quizzes/my_results.html", {"page_obj": page})


def _may_mark(user) -> bool:
    return user.has_perm("quizzes.mark_answer")


@login_required
def marking_queue(request):
    if not _may_mark(request.user):
        return _refused(request, QuizError(_("You may not mark answers."), status=403))
    page = Paginator(selectors.marking_queue(), 25).get_page(request.GET.get("page"))
    return render(request, "quizzes/marking_queue.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@login_required
def answer_mark(request, pk: int):
    if not _may_mark(request.user):
        return _refused(request, QuizError(_("You may not mark answers."), status=403))
    answer = selectors.answer_for_marking(pk=pk)
    form = MarkForm(request.POST or None, question=answer.question, answer=answer)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_mark(
                    marker=request.user,
                    answer=answer,
                    points=form.cleaned_data["points"],
                    comment=form.cleaned_data["comment"],
                )
            except QuizError as error:
                return _refused(request, error)
            messages.success(request, _("The answer is marked."))
            return redirect("quizzes:marking_queue")
        status = 400
    context = {
        "answer": answer,
        "question": answer.question,
        "form": form,
        "editor": user_is_editor(request.user),
    }
    return render(request, "quizzes/mark.html", context, status=status)
