"""Picking the next due card stays flat as a trainee's deck grows: same queries, and an index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from interviews import selectors
from interviews.models import Card, PracticeAnswer
from tests.factories import UserFactory
from tests.interviews.factories import card_deck, locale

pytestmark = pytest.mark.django_db


def _bank(count):
    from content.keys import content_uuid
    from interviews.models import InterviewQuestion, KeyPoint

    en = locale("en")
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(
            key=f"b-{i}",
            translation_key=content_uuid("interview", f"b-{i}"),
            locale=en,
            category="seo",
            level="manager",
            prompt=f"Q{i}?",
            model_answer="A.",
            suggested_seconds=60,
        )
        for i in range(count)
    )
    questions = list(InterviewQuestion.objects.order_by("id"))
    KeyPoint.objects.bulk_create(KeyPoint(question=q, key="k", text="t", phrases=["x"]) for q in questions)
    return questions


def _practice_queries(client, user):
    client.force_login(user)
    with translation.override("en"):
        with CaptureQueriesContext(connection) as start:
            response = client.post("/en/interviews/practice/start/")
        assert response.status_code == 302
        answer = PracticeAnswer.objects.filter(session__user=user).latest("id")
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/en/interviews/answers/{answer.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as home:
            assert client.get("/en/interviews/").status_code == 200
    return len(start.captured_queries), len(page.captured_queries), len(home.captured_queries)


def test_practice_page_query_count_is_equal_for_100_and_1000_cards(client):
    questions = _bank(1000)
    now = timezone.now()
    small, large = UserFactory(), UserFactory()
    card_deck(small, questions[:100], now=now, spread_minutes=1000)
    card_deck(large, questions, now=now, spread_minutes=1000)
    assert _practice_queries(client, small) == _practice_queries(client, large)


def test_next_due_query_uses_the_user_due_index():
    questions = _bank(200)
    user = UserFactory()
    now = timezone.now()
    card_deck(user, questions, now=now, spread_minutes=1000)
    queryset = selectors.next_due_queryset(user=user, until=now)[:1]
    if connection.vendor == "postgresql":
        # Small tables tempt the planner into a sequential scan; ask whether the index serves.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert "interviews_card_user_due" in plan, plan
    assert "TEMP B-TREE" not in plan.upper()  # no sort: the index gives the order
    with CaptureQueriesContext(connection) as queries:
        card = selectors.next_due_card(user=user, until=now)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "ORDER BY" in sql and "LIMIT 1" in sql
    assert card == Card.objects.filter(user=user, due__lte=now).order_by("due").first()
