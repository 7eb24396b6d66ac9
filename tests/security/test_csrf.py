"""CSRF: every form that posts is refused without the token (403), and accepted with it.

Login throttling (django-axes) and a password reset that does not reveal whether an email
exists are tested in tests/accounts/test_accounts.py
(test_failed_logins_lock_out_with_a_translated_page, test_lockout_is_per_username_not_global,
test_password_reset_does_not_reveal_whether_an_email_exists)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from quizzes.models import SingleChoiceQuestion
from tests.security.world import World

pytestmark = pytest.mark.django_db


@dataclass
class Form:
    url_name: str  # the URL name the form posts to
    url: str  # with {object} placeholders filled by the World
    who: str = "trainee"  # "anonymous" or a World user
    data: dict = field(default_factory=dict)


SIGNUP = {
    "username": "layla",
    "email": "layla@example.com",
    "name_latin": "Layla Hassan",
    "name_arabic": "ليلى حسن",
    "preferred_language": "en",
    "password1": "a-long-Secret-77",
    "password2": "a-long-Secret-77",
}

FORMS = [
    Form("accounts:signup", "/en/accounts/signup/", "anonymous", SIGNUP),
    Form("accounts:login", "/en/accounts/login/", "anonymous", {"username": "x", "password": "y"}),
    Form("accounts:password_reset", "/en/accounts/password-reset/", "anonymous", {"email": "a@example.com"}),
    Form(
        "accounts:password_reset_confirm",
        "{reset_url}",
        "anonymous",
        {"new_password1": "another-Secret-88", "new_password2": "another-Secret-88"},
    ),
    Form("accounts:logout", "/en/accounts/logout/"),
    Form("verify:form", "/verify/", "anonymous", {"credential": "not.a.credential"}),
    Form("accounts:profile", "/en/accounts/profile/", data={"name_latin": "A B", "name_arabic": "أ ب"}),
    Form("courses:enroll", "/en/learn/courses/{course}/enroll/"),
    Form("courses:lesson_done", "/en/learn/lessons/{lesson}/done/"),
    Form("courses:lesson_undone", "/en/learn/lessons/{lesson}/undone/"),
    Form("quizzes:start", "/en/quizzes/{quiz}/start/"),
    Form(
        "quizzes:take",
        "/en/quizzes/attempts/{attempt_open}/",
        data={"question": "{single_question}", "q-{single_question}": "{single_right}"},
    ),
    Form("quizzes:submit", "/en/quizzes/attempts/{attempt_open}/submit/"),
    Form("quizzes:mark", "/en/quizzes/marking/{essay_response}/", "marker", {"points": "1"}),
    Form("interviews:practice_start", "/en/interviews/practice/start/"),
    Form("interviews:mock_start", "/en/interviews/mock/start/", data={"level": "specialist", "count": "3"}),
    Form("interviews:practice_next", "/en/interviews/sessions/{practice_open_session}/next/"),
    Form("interviews:finish", "/en/interviews/sessions/{practice_open_session}/finish/"),
    Form("interviews:submit", "/en/interviews/answers/{practice_open_answer}/submit/", data={"answer": "Buffer"}),
    Form("interviews:rate", "/en/interviews/answers/{practice_answered}/rate/", data={"rating": "good"}),
    Form("interviews:rate_all", "/en/interviews/sessions/{mock_session}/rate/"),
    Form("interviews:unsubscribe", "/en/interviews/unsubscribe/?token=1:forged", "anonymous"),
    Form(
        "certificates:confirm_names",
        "/en/certificates/{names_code}/names/",
        "newcomer",
        {"name_latin": "New Comer", "name_arabic": "متدرب جديد"},
    ),
    Form("hr:revoke", "/en/certificates/{code}/revoke/", "hr_same_org", {"reason": "A mistake."}),
    Form("hr:export_create", "/en/hr/exports/", "hr_same_org"),
    # The admins: Django's CSRF middleware guards them too.
    Form("wagtailadmin_login", "/admin/login/", "anonymous", {"username": "x", "password": "y"}),
    Form(
        "wagtailadmin_pages:edit",
        "{lesson_edit_url}",
        "superuser",
        {"title": "Changed", "body-count": "0", "sources-count": "0"},
    ),
    Form("wagtailsnippets_quizzes_singlechoicequestion:edit", "{question_edit_url}", "superuser", {"text": "Changed"}),
    Form("admin:login", "/django-admin/login/", "anonymous", {"username": "x", "password": "y"}),
]


class CsrfWorld(World):
    @property
    def reset_url(self) -> str:
        """The set-password page of a password reset link (the link itself redirects to it)."""
        uid = urlsafe_base64_encode(force_bytes(self.trainee.pk))
        return f"/en/accounts/reset/{uid}/{default_token_generator.make_token(self.trainee)}/"

    @property
    def lesson_edit_url(self) -> str:
        return reverse("wagtailadmin_pages:edit", args=[self.lesson.pk])

    @property
    def question_edit_url(self) -> str:
        return reverse(SingleChoiceQuestion.snippet_viewset.get_url_name("edit"), args=[self.single_question.pk])


def prepare(world: CsrfWorld, form: Form) -> tuple[Client, str, dict]:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if form.who != "anonymous":
        client.force_login(getattr(world, form.who))
    url = world.format(form.url)
    if form.url_name == "accounts:password_reset_confirm":
        url = client.get(url)["Location"]  # the token moves into the session
    data = {world.format(key): world.format(value) for key, value in form.data.items()}
    return client, url, data


@pytest.mark.parametrize("form", FORMS, ids=[f.url_name for f in FORMS])
def test_a_post_without_the_token_is_refused(form, request):
    client, url, data = prepare(CsrfWorld(request), form)
    response = client.post(url, data)
    assert response.status_code == 403
    assert "CSRF verification failed" in response.text


@pytest.mark.parametrize("form", FORMS, ids=[f.url_name for f in FORMS])
def test_a_post_with_the_token_gets_through(form, request):
    client, url, data = prepare(CsrfWorld(request), form)
    client.get("/en/accounts/password-reset/")  # a page with a form sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code != 403
    assert response.status_code < 500


def test_every_form_of_ours_is_in_the_list():
    """Forms posting to a named URL (action= or formaction=), and forms posting to their own page."""
    base = Path(settings.BASE_DIR)
    named = set()
    for app in ["accounts", "certificates", "courses", "interviews", "quizzes", "lms"]:
        for template in (base / app / "templates").rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for tag in re.findall(r"<form\b[^>]*>", text):
                if 'method="post"' in tag:
                    named |= set(re.findall(r"""action="\{% url '([\w:]+)'""", tag))
            named |= set(re.findall(r"""formaction="\{% url '([\w:]+)'""", text))
    self_posting = {"accounts:login", "accounts:signup", "accounts:password_reset", "accounts:profile"}
    self_posting |= {"accounts:password_reset_confirm", "quizzes:mark"}
    missing = (named | self_posting) - {form.url_name for form in FORMS}
    assert not missing


# The verifier's upload sets its own upload handler (memory only, size-capped) before the body is
# read: Django's documented pattern is csrf_exempt on the view and csrf_protect on the part that
# reads the body (its POST is in FORMS above, so a post without the token is still refused).
CHECKED_LATER = {Path("certificates/views.py"): 1}


def test_no_view_of_ours_is_exempt_from_csrf():
    base = Path(settings.BASE_DIR)
    for app in ["accounts", "certificates", "courses", "interviews", "quizzes", "lms"]:
        for module in (base / app).rglob("*.py"):
            text = module.read_text(encoding="utf-8")
            allowed = CHECKED_LATER.get(module.relative_to(base), 0)
            assert text.count("@csrf_exempt") <= allowed and text.count("@csrf_protect") >= allowed, module
            assert "csrf_exempt" not in text.replace("@csrf_exempt", "").replace("csrf_exempt, ", ""), module
