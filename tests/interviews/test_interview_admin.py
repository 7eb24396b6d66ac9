"""Editors manage interview questions, with their key points inline, in the Wagtail admin."""

import pytest

from interviews.models import InterviewQuestion
from tests.factories import UserFactory
from tests.interviews.factories import make_question

pytestmark = pytest.mark.django_db


def test_editor_lists_adds_and_edits_questions(client, locales):
    versions = make_question()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    base = "/admin/snippets/interviews/interviewquestion/"
    listing = client.get(base + "?locale=en")
    assert listing.status_code == 200
    assert versions["en"].prompt[:40] in listing.content.decode()
    assert client.get(base + "add/?locale=ar").status_code == 200
    edit = client.get(f"{base}edit/{versions['ar'].pk}/")
    assert edit.status_code == 200
    body = edit.content.decode()
    assert "key_points-TOTAL_FORMS" in body and versions["ar"].model_answer[:20] in body

    data = {
        "key": "new-question",
        "category": "seo",
        "level": "manager",
        "suggested_seconds": "90",
        "prompt": "Why does SEO matter to a social media manager?",
        "model_answer": "Because search and social feed each other.",
        "key_points-TOTAL_FORMS": "1",
        "key_points-INITIAL_FORMS": "0",
        "key_points-MIN_NUM_FORMS": "1",
        "key_points-MAX_NUM_FORMS": "8",
        "key_points-0-key": "traffic",
        "key_points-0-text": "Links social to website traffic",
        "key_points-0-phrases": "traffic\nwebsite",
        "key_points-0-ORDER": "1",
        "key_points-0-id": "",
        "key_points-0-DELETE": "",
    }
    response = client.post(base + "add/?locale=en", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = InterviewQuestion.objects.get(key="new-question")
    assert created.locale.language_code == "en"
    assert list(created.key_points.values_list("phrases", flat=True)) == [["traffic", "website"]]

    data["key"] = "bad-phrases"
    data["key_points-0-phrases"] = "  \n \n"  # no phrase at all
    response = client.post(base + "add/?locale=en", data)
    assert response.status_code == 200  # the form again, with the error
    assert not InterviewQuestion.objects.filter(key="bad-phrases").exists()
