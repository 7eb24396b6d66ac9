from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Locale

from . import selectors, services
from .models import CoursePage, LessonPage


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
    if module.quiz_id and (following is None or following.get_parent().pk != module.pk):
        return redirect(module.url)
    return redirect(following.url if following else context["course"].url)


@login_required
def my_learning(request):
    return render(request, "courses/my_learning.html", {"outlines": selectors.my_learning(user=request.user)})


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = selectors.lesson_search(query=query, locale=Locale.get_active()) if query else []
    return render(request, "courses/search.html", {"query": query, "results": results})
