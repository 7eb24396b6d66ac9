"""Response headers and cookies with the production settings, and a content security policy
that Masar's pages and the Wagtail admin work under.

`manage.py check --deploy --fail-level WARNING` with production settings runs in
tests/lms/test_site.py (test_deploy_checks_pass_with_production_settings). The same policy
in a real browser (no violation reported by Chromium) is in test_csp_browser.py."""

import importlib
import re
import secrets
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from interviews.models import InterviewQuestion
from quizzes.models import Quiz, SingleChoiceQuestion
from tests.security.markup import blocked_by_policy
from tests.security.world import World

pytestmark = pytest.mark.django_db

# The settings production.py decides about security; everything else stays as in the tests.
SECURITY_SETTINGS = re.compile(
    r"^(DEBUG|ALLOWED_HOSTS|MIDDLEWARE|X_FRAME_OPTIONS|CONTENT_SECURITY_POLICY\w*"
    r"|SECURE_\w+|SESSION_COOKIE_\w+|CSRF_COOKIE_\w+|LANGUAGE_COOKIE_\w+)$"
)
OUR_APPS = ["accounts", "certificates", "courses", "interviews", "quizzes", "lms"]


@pytest.fixture
def production(settings, monkeypatch):
    """Apply the security settings of lms/settings/production.py, read with a production-like environment."""
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("ALLOWED_HOSTS", "masar.example.com,testserver")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("lms.settings.production", None)
    module = importlib.import_module("lms.settings.production")
    for name in dir(module):
        if SECURITY_SETTINGS.match(name):
            setattr(settings, name, getattr(module, name))
    yield module
    sys.modules.pop("lms.settings.production", None)


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict_policy(response, *, admin: bool = False):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == (["'self'", "'unsafe-inline'"] if admin else ["'self'"])
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert "upgrade-insecure-requests" in directives
    for name, sources in directives.items():
        assert "'unsafe-eval'" not in sources, name
        # Nothing from another host: pages work offline and trust no CDN.
        assert all(s.startswith("'") or s in ("data:", "blob:") for s in sources), (name, sources)


def assert_security_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


PUBLIC_PAGES = ["/en/", "/ar/", "/en/accounts/login/", "/ar/accounts/signup/", "/verify/", "/en/learn/search/?q=x"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_carry_the_security_headers(production, small_course, url):
    response = Client().get(url, secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_strict_policy(response)


def test_signed_in_pages_and_errors_carry_the_security_headers(production, request):
    world = World(request)
    client = world.client("owner")
    for url in [
        world.lesson.url,
        world.format("/en/quizzes/attempts/{attempt_open}/"),
        world.format("/en/interviews/answers/{practice_open_answer}/"),
        world.format("/en/certificates/{code}/"),
        "/en/no-such-page/",
    ]:
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), url
        assert_security_headers(response)
        assert_strict_policy(response)


def test_plain_http_is_redirected_to_https(production, small_course):
    response = Client().get("/en/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/"


def test_cookies_are_secure(production, small_course):
    from tests.factories import UserFactory

    UserFactory(username="omar")
    client = Client()
    page = client.get("/en/accounts/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    response = client.post(
        "/en/accounts/login/", {"username": "omar", "password": "correct-horse-battery"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session.value and session["secure"] is True and session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_the_admins_work_under_the_policy(production, small_loaded_course, request):
    """The Wagtail admin (dashboard, a page edit view, snippet edit views with inline panels)
    and the Django admin load, and only they may run inline scripts."""
    world = World(request)
    world.quiz  # noqa: B018
    world.practice_bank  # noqa: B018
    client = world.client("superuser")
    question = SingleChoiceQuestion.objects.first()
    urls = [
        "/admin/",
        reverse("wagtailadmin_pages:edit", args=[world.lesson.pk]),
        reverse("wagtailadmin_pages:edit", args=[world.course.pk]),
        reverse(Quiz.snippet_viewset.get_url_name("edit"), args=[world.quiz.pk]),
        reverse(SingleChoiceQuestion.snippet_viewset.get_url_name("edit"), args=[question.pk]),
        reverse(InterviewQuestion.snippet_viewset.get_url_name("edit"), args=[InterviewQuestion.objects.first().pk]),
        "/django-admin/",
    ]
    for url in urls:
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert_strict_policy(response, admin=True)


# Inline scripts ----------------------------------------------------------------------------


def test_our_templates_have_no_inline_scripts_or_handlers():
    base = Path(django_settings.BASE_DIR)
    found = []
    for app in OUR_APPS:
        for template in (base / app / "templates").rglob("*.html"):
            if "/pdf/" in str(template):  # read by WeasyPrint, never by a browser
                continue
            text = template.read_text(encoding="utf-8")
            for match in re.finditer(r"<script\b[^>]*>", text):
                if "src=" not in match[0]:
                    found.append(f"{template.relative_to(base)}: {match[0]}")
            for match in re.finditer(r"\son[a-z]+\s*=", text):
                found.append(f"{template.relative_to(base)}: {match[0].strip()}")
    assert not found, found


def test_rendered_pages_run_no_inline_script(small_loaded_course, request):
    world = World(request)
    pages = {
        "trainee": [
            world.course.url,
            world.lesson.url,
            world.format("/en/quizzes/{quiz}/"),
            world.format("/en/quizzes/attempts/{attempt_open}/"),
            world.format("/en/quizzes/attempts/{attempt_done}/result/"),
            "/en/interviews/",
            world.format("/en/interviews/answers/{practice_open_answer}/"),
            world.format("/en/interviews/answers/{practice_answered}/reveal/"),
            world.format("/en/interviews/sessions/{mock_session}/report/"),
            world.format("/ar/certificates/{code}/"),
            "/en/accounts/profile/",
            "/en/learn/",
        ],
        "hr_creator": ["/en/hr/", world.format("/en/hr/exports/{export}/")],
        "superuser": [world.format("/en/quizzes/marking/{essay_response}/")],
        "anonymous": ["/en/", "/verify/", world.format("/verify/{code}/"), "/en/accounts/password-reset/"],
    }
    for who, urls in pages.items():
        client = world.client(who if who in ("anonymous", "superuser") else "owner", owner=who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert not blocked_by_policy(response.text), (url, blocked_by_policy(response.text))
