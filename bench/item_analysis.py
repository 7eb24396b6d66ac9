"""Benchmark: the item analysis of a quiz with 10,000 graded attempts (quizzes/statistics.py).

Run: .venv/bin/python bench/item_analysis.py [--attempts 10000] [--repeat 5]

Uses a throwaway database (a temporary SQLite file, or a separate test database on the server
named by DATABASE_URL, its name carrying this process's id), builds one quiz of 10 questions
(single choice, multiple choice, true/false) in both languages, and attempts by trainees of
varied ability, half in each language, written with bulk_create. Prints the median time of the
analysis (all attempts and first attempts), of the admin page and of the CSV, with their query
counts, and the same counts for a quiz of 100 attempts. Exits non-zero if the counts differ."""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
_TMP = tempfile.TemporaryDirectory(prefix="masar-bench-item-analysis-")
if not os.environ.get("DATABASE_URL"):
    # SQLite: the test database file goes under a temporary folder, never var/.
    os.environ["MASAR_VAR_DIR"] = _TMP.name
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: STATIC_ROOT is not collected here

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

QUESTIONS = 10
KINDS = ["single", "multiple", "true_false"]


def build(attempts: int, *, seed: int):
    """Return the English quiz of a new bilingual quiz with `attempts` graded attempts."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from wagtail.models import Locale

    from quizzes.models import Answer, Attempt, Choice, Quiz
    from tests.quizzes.factories import question_add

    rng = random.Random(seed)
    key = uuid.uuid4()
    quizzes, questions = {}, {}
    for lang in ("en", "ar"):
        locale, _ = Locale.objects.get_or_create(language_code=lang)
        quizzes[lang] = Quiz.objects.create(title=f"Bench quiz {seed} ({lang})", locale=locale, translation_key=key)
        questions[lang] = [question_add(quizzes[lang], KINDS[i % len(KINDS)], i + 1) for i in range(QUESTIONS)]
    choices = {
        q.pk: {c.key: c.pk for c in Choice.objects.filter(question=q)} for lang in questions for q in questions[lang]
    }
    # Item difficulty from easy to hard; the last question is a poor one: luck, not knowledge.
    difficulty = [-2.5 + 5 * i / (QUESTIONS - 1) for i in range(QUESTIONS)]

    User = get_user_model()
    tag = f"{os.getpid()}-{seed}"
    users = User.objects.bulk_create(
        User(username=f"bench-ia-{tag}-{n}", email=f"bench-ia-{tag}-{n}@example.com", password="!")
        for n in range(attempts)
    )
    now = timezone.now()
    plans = []  # (user, lang, [(question, points, given)])
    for user in users:
        ability = rng.gauss(0, 1)
        lang = "ar" if rng.random() < 0.5 else "en"
        rows = []
        for i, question in enumerate(questions[lang]):
            p = 0.5 if i == QUESTIONS - 1 else 1 / (1 + 2.718281828 ** (difficulty[i] - ability))
            right = rng.random() < p
            keys = choices[question.pk]
            if keys:  # a choice question
                if KINDS[i % len(KINDS)] == "multiple":
                    given = ["a", "b"] if right else rng.choice([["a"], ["a", "c"], ["c"]])
                    points = 1 if right else (Decimal("0.5") if given == ["a"] else 0)
                else:
                    given = ["a"] if right else [rng.choice(["b", "c"])]  # "d" is never chosen
                    points = 1 if right else 0
            else:
                given, points = right, 1 if right else 0
            rows.append((question, Decimal(points), given))
        plans.append((user, lang, rows))

    made = Attempt.objects.bulk_create(
        Attempt(
            user=user,
            quiz=quizzes[lang],
            quiz_key=key,
            status=Attempt.Status.SUBMITTED,
            submitted_at=now,
            score=sum(points for _q, points, _g in rows),
            max_score=QUESTIONS,
            passed=sum(points for _q, points, _g in rows) >= 7,
        )
        for user, lang, rows in plans
    )
    answers = Answer.objects.bulk_create(
        Answer(
            attempt=attempt,
            question=question,
            position=position,
            points=points,
            correct=points == 1,
            answer_bool=given if isinstance(given, bool) else None,
            answered_at=now,
        )
        for attempt, (_user, _lang, rows) in zip(made, plans, strict=True)
        for position, (question, points, given) in enumerate(rows, start=1)
    )
    given_of = [given for _user, _lang, rows in plans for _q, _p, given in rows]
    Through = Answer.selected_choices.through
    Through.objects.bulk_create(
        Through(answer_id=answer.pk, choice_id=choices[answer.question_id][key])
        for answer, given in zip(answers, given_of, strict=True)
        if isinstance(given, list)
        for key in given
    )
    return quizzes["en"]


class QueryLog:
    """The SQL run inside the block, with each statement's seconds. (A request through the test
    client resets `connection.queries` when it starts, so CaptureQueriesContext would see none.)"""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - start, sql))

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def measure(function, *, repeat: int) -> tuple[float, int]:
    """Return the median seconds of `function()` and the queries of one call."""
    with QueryLog() as log:
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), len(log.queries)


def figures(quiz, *, repeat: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from quizzes.statistics import FIRST_ATTEMPTS, item_analysis
    from tests.factories import EditorFactory

    client = Client()
    client.force_login(EditorFactory())
    page = reverse("quizzes_item_analysis", args=[quiz.pk])
    csv = reverse("quizzes_item_analysis_csv", args=[quiz.pk])
    client.get(page)  # the session, the admin's first-request work

    def get(url):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, response.status_code

    return {
        "analysis (all attempts)": measure(lambda: item_analysis(quiz=quiz), repeat=repeat),
        "analysis (first attempts)": measure(lambda: item_analysis(quiz=quiz, scope=FIRST_ATTEMPTS), repeat=repeat),
        "admin page": measure(lambda: get(page), repeat=repeat),
        "CSV": measure(lambda: get(csv), repeat=repeat),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000, help="attempts of the large quiz (default 10000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measure (default 5)")
    args = parser.parse_args()

    vendor = connection.vendor
    if vendor != "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_masar_bench_ia_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        large = build(args.attempts, seed=1)
        built = time.perf_counter() - started
        small = build(100, seed=2)
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        big, little = figures(large, repeat=args.repeat), figures(small, repeat=args.repeat)

        print(
            f"Item analysis benchmark ({vendor}; {args.attempts} attempts x {QUESTIONS} questions built in {built:.1f}s)"
        )
        print()
        print(f"{'':<28}{args.attempts:>8} attempts (median){'':>4}{100:>6} attempts")
        for name, (seconds, queries) in big.items():
            small_seconds, small_queries = little[name]
            print(
                f"{name:<28}{seconds * 1000:>10.1f} ms {queries:>4} queries{small_seconds * 1000:>10.1f} ms {small_queries:>4} queries"
            )

        from quizzes.statistics import item_analysis

        with QueryLog() as log:
            item_analysis(quiz=large)
        print()
        print("the analysis's queries (all attempts), one run:")
        for seconds, sql in log.queries:
            print(f"  {seconds * 1000:8.1f} ms  {sql[:90]}")
        print()
        for stat in item_analysis(quiz=large).questions:
            print(
                f"{stat.question.key:<5} facility {stat.facility_percent:>3}%  discrimination "
                f"{stat.discrimination_percent:>4}%  flags: {', '.join(stat.flags) or '-'}"
            )
        differ = [name for name in big if big[name][1] != little[name][1]]
        if differ:
            print(f"FAIL: query counts differ between sizes: {', '.join(differ)}")
            return 1
        print()
        print("query counts equal at both sizes: yes")
        return 0
    finally:
        from core import notifications

        notifications.stop()  # its connection would keep PostgreSQL from dropping the database
        teardown_databases(old_config, verbosity=0)
        _TMP.cleanup()


if __name__ == "__main__":
    sys.exit(main())
