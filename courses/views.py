from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page

from . import caches, selectors, services
from .models import CoursePage, LessonPage


def serve(request, path: str):
    """Wagtail's page view, with the cache layers of courses/caches.py in front.

    An anonymous visitor's catalog, course or module page comes whole from the cache; every other
    page reads its cached route (the page by its id) instead of walking Wagtail's tree."""
    anonymous = caches.anonymous_response_name(request)
    if anonymous:
        version, response = caches.anonymous_response_get(anonymous)
        if response is not None:
            return response
    route = caches.route_find(request, path)
    if route is None:
        raise Http404
    page, args, kwargs = route
    response = _serve_page(request, page, args, kwargs)
    if anonymous and hasattr(response, "render"):
        response.render()
        caches.anonymous_response_keep(anonymous, version, request, response, page)
    return response


def _serve_page(request, page, args, kwargs):
    """Serve `page` as wagtail.views.serve does once it has found it: the on_serve_page and
    before_serve_page hooks (view restrictions among them), then page.serve."""
    chain = wagtail_views.serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


@require_POST
@login_required
def enroll(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    services.enrollment_create(user=request.user, course=course)
    messages.success(request, _("You are enrolled. Start with the first lesson."))
    outline = selectors.course_outline(course=course, user=request.user)
    target = outline.next_lesson or course
    return redirect(target.url)


@require_POST
@login_required
def lesson_done(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    services.lesson_complete(user=request.user, lesson=lesson)
    context = selectors.lesson_context(lesson=lesson, user=request.user)
    following = context["next_lesson_page"]
    module = context["module"]
    # The quiz comes after the module's last lesson.
    if module.quiz_id and (following is None or following.path[: -Page.steplen] != module.path):
        return redirect(module.url)
    return redirect(following.url if following else context["course"].url)


@require_POST
@login_required
def lesson_undone(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    services.lesson_uncomplete(user=request.user, lesson=lesson)
    messages.success(request, _("The lesson is marked as not done."))
    return redirect(lesson.url)


def lesson_by_key(request, key):
    """Send a link that names a lesson by its key (a quiz question's "the lesson that teaches
    it") to that lesson in the page's language, or in another if it has no translation."""
    lesson = selectors.lesson_by_key(key=key, locale=Locale.get_active())
    address = lesson.get_url(request) if lesson else None
    if address is None:  # no such live lesson, or not under a site
        raise Http404
    return redirect(address)


@login_required
def module_after_quiz(request, quiz_key):
    """Send a quiz result's "Next module" to the module after the quiz's module, or to the course
    page after the last one (quizzes know a module only by its quiz's key); a quiz that is in no
    course leads to the trainee's learning page, never to a dead end."""
    page = selectors.module_after_quiz(quiz_key=quiz_key, locale=Locale.get_active())
    address = page.get_url(request) if page else None
    return redirect(address or "courses:my_learning")


@login_required
def my_learning(request):
    return render(request, "courses/my_learning.html", {"outlines": selectors.my_learning(user=request.user)})


def search(request):
    # PostgreSQL cannot search for a NUL character; no keyboard types one, so it is dropped.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = selectors.lesson_search(query=query, locale=Locale.get_active()) if query else []
    return render(request, "courses/search.html", {"query": query, "results": results})
