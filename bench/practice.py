"""Benchmark: picking the next due interview card for a trainee with 100 cards and one with 10,000.

Run: .venv/bin/python bench/practice.py [--repeat 400]

Uses a throwaway database (a temporary SQLite file, or a separate test database on the
server named by DATABASE_URL), prints the median time of the next-due selection for both
trainees, their ratio (target <= 1.5), and the query count of the practice pages for both.
Exits non-zero if the ratio exceeds the target or the query counts differ."""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
_TMP = tempfile.TemporaryDirectory(prefix="masar-bench-practice-")
if not os.environ.get("DATABASE_URL"):
    # SQLite: the test database file goes under a temporary folder, never var/.
    os.environ["MASAR_VAR_DIR"] = _TMP.name
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: STATIC_ROOT is not collected here

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

TARGET_RATIO = 1.5
SMALL, LARGE = 100, 10_000


def build(now):
    """Create a question bank of LARGE questions and two trainees with SMALL and LARGE cards."""
    from wagtail.models import Locale

    from content.keys import content_uuid
    from interviews.models import Category, InterviewQuestion, KeyPoint, Level
    from tests.factories import UserFactory
    from tests.interviews.factories import card_deck

    locale, _ = Locale.objects.get_or_create(language_code="en")
    categories, levels = Category.values, Level.values
    questions = InterviewQuestion.objects.bulk_create(
        InterviewQuestion(
            key=f"bench-{i}",
            translation_key=content_uuid("interview", f"bench-{i}"),
            locale=locale,
            category=categories[i % len(categories)],
            level=levels[i % len(levels)],
            prompt=f"Bench question {i}?",
            model_answer="A model answer with Buffer, Hootsuite and KPIs.",
            suggested_seconds=120,
        )
        for i in range(LARGE)
    )
    questions = list(InterviewQuestion.objects.filter(locale=locale).order_by("id"))
    KeyPoint.objects.bulk_create(
        KeyPoint(question=q, key="tools", text="Names tools", phrases=["Buffer", "Hootsuite"], sort_order=0)
        for q in questions
    )
    small, large = UserFactory(username="bench-small"), UserFactory(username="bench-large")
    # Due dates spread from 60 days ago to 60 days ahead, in a scrambled order.
    card_deck(small, questions[:SMALL], now=now, spread_minutes=86_400)
    card_deck(large, questions[:LARGE], now=now, spread_minutes=86_400)
    return small, large


def time_next_due(users, *, until, repeat: int) -> dict:
    """Return the median seconds of one next-due selection per user, measured interleaved."""
    from interviews.selectors import next_due_card

    samples = {user.pk: [] for user in users}
    for _ in range(repeat):
        for user in users:
            start = time.perf_counter()
            card = next_due_card(user=user, until=until)
            samples[user.pk].append(time.perf_counter() - start)
            assert card is not None
    return {pk: statistics.median(values) for pk, values in samples.items()}


def practice_query_counts(user) -> tuple[int, int]:
    """Return the queries of starting practice (picking the next question) and of the question page."""
    from django.test import Client
    from django.utils import translation

    from interviews.models import PracticeAnswer

    client = Client()
    client.force_login(user)
    with translation.override("en"):
        with CaptureQueriesContext(connection) as start:
            response = client.post("/en/interviews/practice/start/")
        assert response.status_code == 302, response.status_code
        answer = PracticeAnswer.objects.filter(session__user=user).latest("id")
        with CaptureQueriesContext(connection) as page:
            response = client.get(f"/en/interviews/answers/{answer.pk}/")
        assert response.status_code == 200, response.status_code
    return len(start.captured_queries), len(page.captured_queries)


def explain(user, until) -> str:
    from interviews.selectors import next_due_queryset

    return next_due_queryset(user=user, until=until)[:1].explain()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=400, help="selections timed per trainee (default 400)")
    args = parser.parse_args()

    from django.utils import timezone

    vendor = connection.vendor
    if vendor != "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_masar_bench_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        now = timezone.now()
        started = time.perf_counter()
        small, large = build(now)
        built = time.perf_counter() - started
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE interviews_card")
        until = now + timedelta(hours=12)
        time_next_due([small, large], until=until, repeat=20)  # warm up caches
        medians = time_next_due([small, large], until=until, repeat=args.repeat)
        t_small, t_large = medians[small.pk], medians[large.pk]
        ratio = t_large / t_small if t_small else float("inf")
        q_small = practice_query_counts(small)
        q_large = practice_query_counts(large)
        plan = explain(large, until)

        print(f"Interview practice benchmark ({vendor}; data built in {built:.1f}s; {args.repeat} selections each)")
        print()
        print(f"{'trainee':<16}{'cards':>8}{'next due (median)':>20}{'start practice':>17}{'question page':>16}")
        print(f"{'small':<16}{SMALL:>8}{t_small * 1e6:>17.1f} µs{q_small[0]:>9} queries{q_small[1]:>8} queries")
        print(f"{'large':<16}{LARGE:>8}{t_large * 1e6:>17.1f} µs{q_large[0]:>9} queries{q_large[1]:>8} queries")
        print()
        print(f"ratio large/small: {ratio:.2f} (target <= {TARGET_RATIO})")
        print(f"query counts equal: {'yes' if q_small == q_large else 'NO'}")
        print("next-due plan:", " | ".join(line.strip() for line in plan.splitlines()))

        failed = False
        if ratio > TARGET_RATIO:
            print(f"FAIL: the next-due selection is {ratio:.2f}x slower with {LARGE} cards")
            failed = True
        if q_small != q_large:
            print(f"FAIL: practice page query counts differ: {q_small} vs {q_large}")
            failed = True
        return 1 if failed else 0
    finally:
        from core import notifications

        notifications.stop()  # its connection would keep PostgreSQL from dropping the database
        teardown_databases(old_config, verbosity=0)
        _TMP.cleanup()


if __name__ == "__main__":
    sys.exit(main())
