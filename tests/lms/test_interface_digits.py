"""One digit style on an Arabic page (README.md, "Digits"), in what the code and Django write too:
form errors and rules (Django's "at most 150 characters"), messages, refusals of a quiz or an
interview practice, and the content in emails (course titles, interview questions). Plain-text
emails are not HTML-escaped ("Q&A", not "Q&amp;A")."""

import datetime
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from quizzes import selectors, services
from quizzes.models import Attempt, Quiz
from tests.factories import OrganizationFactory, UserFactory
from tests.quizzes.factories import question_add, right_values

WESTERN = re.compile(r"[0-9]")
ERRORS = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
MESSAGES = re.compile(r'<ul class="messages">(.*?)</ul>', re.S)
REFUSAL = re.compile(r'<(?:p|div) class="message error"[^>]*>(.*?)</(?:p|div)>', re.S)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def signup_data(**fields) -> dict:
    return {
        "username": "u" * 151,
        "email": "someone@example.com",
        "name_latin": "Someone Here",
        "name_arabic": "شخص ما",
        "preferred_language": "ar",
        "organization_code": "",
        "password1": "Long-enough-pass-42",
        "password2": "Long-enough-pass-42",
        **fields,
    }


@pytest.mark.django_db
def test_djangos_length_error_on_the_arabic_sign_up_page_uses_arabic_digits(client):
    page = client.post("/ar/accounts/signup/", signup_data()).content.decode()
    errors = " ".join(text_of(found) for found in ERRORS.findall(page))
    assert "١٥٠" in errors and "١٥١" in errors, errors
    assert not WESTERN.search(errors), errors
    # The English page keeps Western digits.
    english = client.post("/en/accounts/signup/", signup_data(preferred_language="en")).content.decode()
    assert "150" in " ".join(ERRORS.findall(english))


@pytest.mark.django_db
def test_the_rules_under_the_fields_of_an_arabic_page_use_arabic_digits(client):
    page = client.get("/ar/accounts/signup/").content.decode()
    rules = " ".join(text_of(found) for found in re.findall(r'<div class="helptext"[^>]*>(.*?)</div>', page, re.S))
    assert rules.strip() and not WESTERN.search(rules), rules


def cookie_with(client, text: str):
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, text)])


@pytest.mark.django_db
def test_a_message_with_a_number_reads_in_arabic_digits_on_an_arabic_page(client):
    cookie_with(client, "Line 12 of 150 <b>")
    page = client.get("/ar/accounts/login/").content.decode()
    shown = MESSAGES.search(page).group(1)
    assert "١٢" in shown and "١٥٠" in shown and not WESTERN.search(text_of(shown).replace("Line", "")), shown
    assert "&lt;b&gt;" in shown  # still escaped
    cookie_with(client, "Line 12 of 150")
    assert "Line 12 of 150" in client.get("/en/accounts/login/").content.decode()


@pytest.mark.django_db
def test_the_refusal_of_a_quiz_start_after_every_attempt_reads_in_arabic_digits(client, locales, trainee):
    quiz = Quiz.objects.create(locale=locales["ar"], title="اختبار", pass_mark=70, attempts_allowed=2)
    question_add(quiz, "single", 1)
    for _ in range(2):
        attempt = services.attempt_start(user=trainee, quiz=quiz)
        rows = selectors.attempt_rows(attempt=attempt)
        services.answers_save(attempt=attempt, answers={r.question_id: right_values(r.question) for r in rows})
        services.attempt_submit(attempt=attempt)
    client.force_login(trainee)
    with translation.override("ar"):
        start = reverse("quizzes:start", args=[quiz.pk])
    response = client.post(start)
    assert response.status_code == 409
    refusal = text_of(REFUSAL.search(response.content.decode()).group(1))
    assert "٢" in refusal and not WESTERN.search(refusal), refusal
    assert Attempt.objects.filter(user=trainee).count() == 2


@pytest.mark.django_db
def test_the_refusal_of_a_mock_interview_of_too_many_questions_reads_in_arabic_digits(client, trainee):
    client.force_login(trainee)
    with translation.override("ar"):
        start = reverse("interviews:mock_start")
    response = client.post(start, {"level": "specialist", "count": "11"})
    assert response.status_code == 400
    refusal = text_of(REFUSAL.search(response.content.decode()).group(1))
    assert "٣" in refusal and "١٠" in refusal and not WESTERN.search(refusal), refusal


# --- emails ---------------------------------------------------------------------------------


class Person:
    display_name = "O'Neil & Co"


def render_in(language: str, template: str, context: dict) -> str:
    with translation.override(language):
        return render_to_string(template, context)


def test_the_reminder_email_shows_the_course_title_in_the_emails_digits_and_unescaped():
    context = {
        "user": Person(),
        "course": "Q&A 101",
        "due_on": datetime.date(2026, 12, 5),
        "overdue": False,
        "days": 3,
        "url": "https://masar.example/ar/learn/",
    }
    body = render_in("ar", "hr/email/reminder.txt", context)
    subject = render_in("ar", "hr/email/reminder_subject.txt", context)
    for text in (body, subject):
        assert "«Q&A ١٠١»" in text or "“Q&A ١٠١”" in text, text
        assert "&amp;" not in text and "&#x27;" not in text
        assert not WESTERN.search(text.replace(context["url"], "")), text
    assert "O'Neil & Co" in body
    english = render_in("en", "hr/email/reminder.txt", context)
    assert "“Q&A 101”" in english and "&amp;" not in english


def test_the_hr_digest_shows_course_titles_in_the_emails_digits_and_unescaped():
    line = {
        "name": "سارة",
        "email": "sara@example.com",
        "course": "Q&A 101",
        "due_on": datetime.date(2026, 12, 1),
        "overdue": True,
    }
    context = {
        "user": Person(),
        "organization": type("Org", (), {"name": "Smith & Sons"})(),
        "overdue": [line],
        "soon": [],
        "within": 7,
        "url": "https://masar.example/ar/hr/",
    }
    body = render_in("ar", "hr/email/digest.txt", context)
    assert "Q&A ١٠١" in body and "Smith & Sons" in body and "&amp;" not in body, body
    assert "<sara@example.com>" in body
    assert not WESTERN.search(body.replace(context["url"], "")), body


@pytest.mark.django_db
def test_the_invitation_email_is_not_html_escaped():
    organization = OrganizationFactory(name="Smith & Sons")
    context = {"organization": organization, "url": "https://masar.example/ar/accounts/invitations/x/", "days": 14}
    body = render_in("ar", "accounts/email/invitation.txt", context)
    subject = render_in("ar", "accounts/email/invitation_subject.txt", context)
    assert "Smith & Sons" in body and "Smith & Sons" in subject and "&amp;" not in body + subject
    assert "١٤" in body


@pytest.mark.django_db
def test_the_drills_email_shows_the_questions_numbers_in_arabic_digits():
    user = UserFactory(preferred_language="ar")
    question = type("Question", (), {"prompt": "اذكر 3 أخطاء في حملة على GA4 & TikTok"})()
    context = {
        "user": user,
        "count": 1,
        "questions": [question],
        "practice_url": "https://masar.example/ar/interviews/",
        "unsubscribe_url": "https://masar.example/ar/interviews/unsubscribe/?token=a1",
        "language": "ar",
    }
    text = render_in("ar", "interviews/email/drills_due.txt", context)
    html = render_in("ar", "interviews/email/drills_due.html", context)
    assert "اذكر ٣ أخطاء في حملة على GA4 & TikTok" in text, text
    assert "اذكر ٣ أخطاء في حملة على GA4 &amp; TikTok" in html, html  # HTML: escaped, as it should be
    english = render_in("en", "interviews/email/drills_due.txt", {**context, "language": "en"})
    assert "اذكر 3 أخطاء" in english
