"""Quiz benchmark: submitting an attempt of 50 questions, beside one of 5: time and queries.

    .venv/bin/python bench/quiz.py [--attempts 20]

Runs in-process (Django's test client) on a throwaway database: a temporary SQLite file, or a
separate test database on the server named by DATABASE_URL. For each quiz size, a trainee
starts attempts and submits each with every answer in one POST (the exam-paper form: save the
answers, grade them in bulk, close the attempt); a second series submits attempts whose
answers were saved before (grading only). Prints the median time and the query count.

Targets: the same number of queries for 5 and 50 questions, and a 50-question submission at
most 4 times as long as a 5-question one (the per-question work is grading in memory and two
bulk writes). Exits non-zero if a target is missed.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
_TMP = tempfile.TemporaryDirectory(prefix="masar-bench-quiz-")
if not os.environ.get("DATABASE_URL"):
    os.environ["MASAR_VAR_DIR"] = _TMP.name
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

SIZES = (5, 50)
MAX_TIME_RATIO = 4.0


def make_quiz(count: int):
    from wagtail.models import Locale

    from quizzes.models import Quiz
    from tests.quizzes.factories import question_add

    locale, _ = Locale.objects.get_or_create(language_code="en")
    quiz = Quiz.objects.create(title=f"Quiz of {count}", locale=locale, pass_mark=50, exam_paper=True)
    kinds = ["single", "multiple", "true_false"]
    questions = [question_add(quiz, kinds[i % 3], i + 1) for i in range(count)]
    return quiz, questions


def form(questions) -> dict:
    from tests.quizzes.factories import right_values

    data = {"question": [str(q.pk) for q in questions]}
    for question in questions:
        data[f"q-{question.pk}"] = right_values(question)
    return data


def submit_series(client, user, quiz, questions, *, attempts: int, answers_first: bool):
    """Return ([seconds], [queries]) of submitting `attempts` attempts."""
    from quizzes import services
    from quizzes.models import Answer, Attempt

    times, counts = [], []
    data = form(questions)
    for _ in range(attempts + 1):  # the first one warms up
        attempt = services.attempt_start(user=user, quiz=quiz)
        posted = {}
        if answers_first:
            client.post(f"/en/quizzes/attempts/{attempt.pk}/", data)
        else:
            posted = data
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post(f"/en/quizzes/attempts/{attempt.pk}/submit/", posted)
            elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        attempt.refresh_from_db()
        assert attempt.status == Attempt.Status.SUBMITTED and attempt.passed, attempt.status
        assert Answer.objects.filter(attempt=attempt, answered_at__isnull=False).count() == len(questions)
        times.append(elapsed)
        counts.append(len(queries))
    return times[1:], counts[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attempts", type=int, default=20, help="attempts submitted per size and series (default 20)")
    args = parser.parse_args()

    from tests.factories import UserFactory

    vendor = connection.vendor
    if vendor != "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_masar_bench_quiz_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        if vendor == "postgresql":  # as in production, requests know the content version from the listener
            from core import notifications

            deadline = time.monotonic() + 10
            while not notifications.listening() and time.monotonic() < deadline:
                time.sleep(0.05)
        rows = {}
        for size in SIZES:
            quiz, questions = make_quiz(size)
            user = UserFactory(username=f"bench-quiz-{size}")
            client = Client()
            client.force_login(user)
            rows[("answers + grading", size)] = submit_series(
                client, user, quiz, questions, attempts=args.attempts, answers_first=False
            )
            rows[("grading only", size)] = submit_series(
                client, user, quiz, questions, attempts=args.attempts, answers_first=True
            )
    finally:
        from core import notifications

        notifications.stop()  # its connection would keep PostgreSQL from dropping the database
        teardown_databases(old_config, verbosity=0)
        _TMP.cleanup()

    print(f"Quiz submission benchmark ({vendor}; median of {args.attempts} attempts each)")
    print()
    print(f"{'submit request':<20}{'questions':>10}{'median ms':>11}{'queries':>9}")
    failed = False
    for series in ("answers + grading", "grading only"):
        medians = {}
        queries = {}
        for size in SIZES:
            times, counts = rows[(series, size)]
            medians[size] = statistics.median(times)
            queries[size] = max(counts)
            print(f"{series:<20}{size:>10}{medians[size] * 1000:>11.1f}{queries[size]:>9}")
        ratio = medians[SIZES[1]] / medians[SIZES[0]]
        same = queries[SIZES[0]] == queries[SIZES[1]]
        print(
            f"  {SIZES[1]} vs {SIZES[0]} questions: time x{ratio:.2f} (target <= {MAX_TIME_RATIO:g}), "
            f"queries {'equal' if same else 'DIFFER'}"
        )
        failed |= ratio > MAX_TIME_RATIO or not same
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
