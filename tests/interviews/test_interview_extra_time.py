"""A trainee's extra time in mock interviews: the suggested time of each question is extended (the
question page and its timer, the report), and over-time is judged against it; with no time limit,
no answer is over time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from interviews.models import PracticeAnswer, PracticeSession
from tests.interviews.factories import make_bank

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"interviews:{name}", kwargs=kwargs or None)


@pytest.fixture
def bank(locales):
    return make_bank(3, category="seo", level="manager", prefix="seo")  # 120 s suggested each


def mock_with_extra_time(client, trainee, value):
    User.objects.filter(pk=trainee.pk).update(extra_time=value)
    client.force_login(trainee)
    client.post(url("mock_start"), {"level": "manager", "count": "3"})
    session = PracticeSession.objects.get(user=trainee)
    return session, list(session.answers.order_by("position"))


def answer_in(client, answer, seconds):
    PracticeAnswer.objects.filter(pk=answer.pk).update(started_at=timezone.now() - timedelta(seconds=seconds))
    client.post(url("submit", answer_id=answer.pk), {"answer": "Keywords, search intent and rank tracking."})


@pytest.mark.parametrize(
    ("value", "suggested", "text"),
    [
        ("", "120", "Suggested time: 2:00<"),
        ("1.5", "180", "Suggested time: 3:00 (extended from 2:00)"),
        ("unlimited", "0", "No suggested time for you (usually 2:00)"),
    ],
)
def test_the_question_page_shows_the_extended_suggested_time(client, trainee, bank, value, suggested, text):
    session, answers = mock_with_extra_time(client, trainee, value)
    body = client.get(url("question", answer_id=answers[0].pk)).content.decode()
    assert f'data-suggested="{suggested}"' in body  # the timer's "past the suggested time" mark
    assert text in body


def test_the_question_page_in_arabic(client, trainee, bank):
    session, answers = mock_with_extra_time(client, trainee, "2")
    body = client.get(url("question", lang="ar", answer_id=answers[0].pk)).content.decode()
    assert "الوقت المقترح: ٤:٠٠ (مُدِّد من ٢:٠٠)" in body


@pytest.mark.parametrize(("value", "over"), [("", True), ("1.5", False), ("2", False), ("unlimited", False)])
def test_the_report_judges_over_time_against_the_extended_time(client, trainee, bank, value, over):
    session, answers = mock_with_extra_time(client, trainee, value)
    for answer in answers:
        answer_in(client, answer, 170)  # over 2:00, under 3:00
    response = client.get(url("report", session_id=session.pk))
    rows = response.context["report"].rows
    assert [row.over_time for row in rows] == [over] * 3
    expected = {"": 120, "1.5": 180, "2": 240, "unlimited": None}[value]
    assert [row.suggested_seconds for row in rows] == [expected] * 3


def test_with_double_time_an_answer_past_it_is_still_over(client, trainee, bank):
    session, answers = mock_with_extra_time(client, trainee, "2")
    for answer in answers:
        answer_in(client, answer, 250)  # over 4:00
    rows = client.get(url("report", session_id=session.pk)).context["report"].rows
    assert all(row.over_time for row in rows)
