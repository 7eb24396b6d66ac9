"""The content security policy in a real browser: Chromium (Debian's package, driven by
Playwright) opens Masar's pages and the Wagtail admin served by a live server, and reports
no violation of the policy and no script error."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from interviews.models import InterviewQuestion
from quizzes.models import Quiz, SingleChoiceQuestion
from tests.conftest import CHROMIUM_MISSING, chromium
from tests.security.world import World

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def problems_on(live_server, visits: list[tuple[object, list[str]]]) -> dict[str, list[str]]:
    """Open each URL signed in as its user; return what the console said about the policy or errors.

    The database work (sessions, URLs) is done before the browser starts: Playwright's
    sync API runs an event loop, and Django refuses database calls inside one."""
    from playwright.sync_api import sync_playwright

    visits = [(session_cookie(user), urls) for user, urls in visits]
    executable = chromium()
    assert executable, CHROMIUM_MISSING  # on CI only: elsewhere this test skips (tests/conftest.py)
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            for cookie, urls in visits:
                context = browser.new_context()
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
                for url in urls:
                    messages = _visit(context, live_server.url + url)
                    if messages:
                        found[url] = messages
                context.close()
        finally:
            browser.close()
    return found


def _visit(context, url: str) -> list[str]:
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: messages.append(f"script error: {error}"))
    # A blocked script or style also shows as a failed request; browsers ask for /favicon.ico on their own.
    page.on("requestfailed", lambda r: messages.append(f"failed: {r.url}"))
    page.on(
        "response",
        lambda r: messages.append(f"{r.status}: {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    response = page.goto(url, wait_until="networkidle")
    if response.status != 200:
        messages.append(f"status {response.status}")
    page.wait_for_timeout(300)
    page.close()
    return messages


def test_the_wagtail_admin_runs_under_the_policy(live_server, small_loaded_course, request):
    world = World(request)
    world.quiz  # noqa: B018
    world.practice_bank  # noqa: B018
    urls = [
        "/admin/",
        reverse("wagtailadmin_pages:edit", args=[world.lesson.pk]),
        reverse("wagtailadmin_pages:edit", args=[world.course.pk]),
        reverse(Quiz.snippet_viewset.get_url_name("edit"), args=[world.quiz.pk]),
        reverse(
            SingleChoiceQuestion.snippet_viewset.get_url_name("edit"), args=[SingleChoiceQuestion.objects.first().pk]
        ),
        reverse(InterviewQuestion.snippet_viewset.get_url_name("edit"), args=[InterviewQuestion.objects.first().pk]),
    ]
    assert problems_on(live_server, [(world.superuser, urls)]) == {}


def test_masar_pages_run_under_the_policy(live_server, small_loaded_course, request):
    world = World(request)
    urls = [
        world.course.url,
        world.lesson.url,
        world.format("/ar/quizzes/attempts/{attempt_open}/"),
        world.format("/en/interviews/answers/{practice_open_answer}/"),
        world.format("/en/interviews/answers/{practice_answered}/reveal/"),
        world.format("/ar/certificates/{code}/"),
    ]
    hr_urls = ["/en/hr/", world.format("/en/hr/exports/{export}/")]
    assert problems_on(live_server, [(world.trainee, urls), (world.hr_creator, hr_urls)]) == {}
