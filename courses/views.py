from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site
from wagtail.url_routing import RouteResult

from . import page_cache, selectors, services
from .models import CoursePage, LessonPage


def serve(request, path: str):
    """Wagtail's page view with the page cache in front (courses/page_cache.py).

    An anonymous visitor's catalog, course or module page comes whole from the cache. Every
    other page skips Wagtail's routing (the site, the locale and one lookup per URL level) once
    its route is cached: Wagtail's view takes the route we put on the request, and `pageurl`
    the sites' root paths."""
    response_name = page_cache.anonymous_response_key(request)
    route_name = f"route:{request.get_host()}:{translation.get_language()}:{path}"
    version, found = page_cache.get_many([route_name, response_name] if response_name else [route_name])
    if response_name in found:
        return page_cache.response_thaw(found[response_name])
    if route_name in found:
        site, root_paths, page, args, kwargs = found[route_name]
        request._wagtail_site = site
        request._wagtail_cached_site_root_paths = root_paths  # read by pageurl
        request._wagtail_route_for_request = RouteResult(page, args, kwargs)
    else:
        route = Page.route_for_request(request, path)
        if route is not None:
            entry = (Site.find_for_request(request), Site.get_site_root_paths(), *route)
            page_cache.set_many(version, {route_name: entry})
    response = wagtail_views.serve(request, path)
    route = getattr(request, "_wagtail_route_for_request", None)
    if response_name and route is not None and hasattr(response, "render"):
        response.render()
        if page_cache.response_storable(request, response, route.page):
            page_cache.set_many(version, {response_name: page_cache.response_freeze(response)})
    return response


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
    # PostgreSQL cannot search for a NUL character; no keyboard types one, so it is dropped.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = selectors.lesson_search(query=query, locale=Locale.get_active()) if query else []
    return render(request, "courses/search.html", {"query": query, "results": results})
