"""Queries benchmark: the query count of every main page at two content sizes; they must match.

    .venv/bin/python bench/queries.py [--sql PAGE]

Runs in-process (Django's test client) on a throwaway database: a temporary SQLite file, or a
separate test database on the server named by DATABASE_URL. It builds a small world, counts the
queries of each page, then builds a large one beside it and counts again:

| content | small | large |
| --- | --- | --- |
| courses in the catalog | 1 | 5 |
| modules x lessons of the course | 2 x 2 | 8 x 12 |
| questions in the module quiz (and in its attempts) | 10 | 50 |
| courses the trainee is enrolled in | 1 | 5 |
| interview questions / the trainee's cards | 10 / 5 | 200 / 150 |
| trainees of the HR user's organization (a third never started) | 3 | 2,000 |
| courses assigned to each of them (due dates past, near and far) | 1 | 5 |

Each page is requested once to warm the per-process caches, then counted. The anonymous catalog
is counted twice: right after a content change (rendered) and from the page cache. The quiz's
forms are counted too: starting an attempt, and submitting one with every answer saved (each
request gets an attempt readied for it, outside the count). Exits
non-zero if a page's counts differ between the sizes or a page does not answer 200.
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SIZES = {
    "small": {"extra_courses": 0, "modules": 2, "lessons": 2, "questions": 10, "bank": 10, "cards": 5, "trainees": 3},
    "large": {
        "extra_courses": 4,
        "modules": 8,
        "lessons": 12,
        "questions": 50,
        "bank": 200,
        "cards": 150,
        "trainees": 2000,
    },
}


def build(size: str, spec: dict) -> dict:
    """Create one world of `spec`'s size; return {page name: (client, url)}, or for a form
    (client, prepare) where prepare() readies one submission and returns its URL."""
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Organization, User
    from tests.certificates.factories import issued
    from tests.factories import UserFactory

    now = timezone.now()
    course, module, lessons, extras = _courses(size, spec)
    organization = Organization.objects.create(name=f"{size} organization")
    trainee = UserFactory(username=f"{size}-trainee", organization=organization, names_confirmed_at=now)
    hr = UserFactory(username=f"{size}-hr", role=User.Role.HR, organization=organization)
    _progress(trainee, [course, *extras], lessons)
    quiz_pages = _quiz(size, spec, module, trainee)
    practice = _practice(size, spec, trainee)
    _colleagues(size, spec, organization, course, lessons, [course, *extras])
    certificate = issued(trainee, course)

    client = Client()
    client.force_login(trainee)
    hr_client = Client()
    hr_client.force_login(hr)
    anonymous = Client()
    started = practice.post("/en/interviews/practice/start/")
    assert started.status_code == 302, started.status_code
    return {
        "catalog (anonymous, rendered)": (anonymous, "/en/"),
        "catalog (anonymous, cached)": (anonymous, "/en/"),
        "catalog (trainee)": (client, "/en/"),
        "course": (client, course.url),
        "module": (client, module.url),
        "lesson": (client, lessons[-1].url),
        "my learning": (client, "/en/learn/"),
        **{name: (client, *rest) if len(rest) == 1 else rest for name, *rest in quiz_pages},
        "interview practice home": (client, "/en/interviews/"),
        "practice question": (practice, started.url),
        "certificate": (client, f"/en/certificates/{certificate.code}/"),
        "HR dashboard": (hr_client, "/en/hr/"),
        "HR dashboard (sorted by last activity, Arabic)": (hr_client, "/ar/hr/?sort=-activity"),
        "HR dashboard (not started)": (hr_client, "/en/hr/?status=not_started"),
        "HR assignments": (hr_client, "/en/hr/assignments/"),
        "HR invitations": (hr_client, "/en/hr/invitations/"),
        "verify": (anonymous, f"/verify/{certificate.code}/"),
    }


def _courses(size: str, spec: dict):
    """The course (served at /en/), its first module, its lessons, and the other courses."""
    from wagtail.models import Site

    from courses.models import LessonPage, ModulePage
    from tests.courses.factories import build_course

    course = build_course(slug=f"{size}-course", modules=spec["modules"], lessons=spec["lessons"])["en"]
    site = Site.objects.get(is_default_site=True)
    if site.root_page_id != course.get_parent().pk:  # serve the catalog at /en/, as load_content does
        site.root_page = course.get_parent()
        site.save()
        course.refresh_from_db()
    extras = [build_course(slug=f"{size}-extra-{i}")["en"] for i in range(spec["extra_courses"])]
    module = ModulePage.objects.child_of(course).order_by("path").first()
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    return course, module, lessons, extras


def _progress(trainee, courses, lessons) -> None:
    from courses import services as course_services

    for course in courses:
        course_services.enrollment_create(user=trainee, course=course)
    for lesson in lessons[: len(lessons) // 2]:
        course_services.lesson_complete(user=trainee, lesson=lesson)


def _quiz(size: str, spec: dict, module, trainee) -> list[tuple]:
    """The module's quiz of spec["questions"] questions; return its pages as (name, url) or, for
    the forms, (name, client, prepare)."""
    from django.test import Client
    from wagtail.models import Locale

    from quizzes import services as quiz_services
    from quizzes.models import Attempt, Quiz
    from tests.factories import UserFactory
    from tests.quizzes.factories import question_add, right_values

    quiz = Quiz.objects.create(title=f"{size} quiz", locale=Locale.objects.get(language_code="en"), pass_mark=50)
    kinds = ["single", "multiple", "true_false"]
    questions = [question_add(quiz, kinds[i % 3], i + 1) for i in range(spec["questions"])]
    module.quiz = quiz
    module.save_revision().publish()
    right = {q.pk: right_values(q) for q in questions}

    attempt = quiz_services.attempt_start(user=trainee, quiz=quiz)
    quiz_services.answers_save(attempt=attempt, answers=right)
    quiz_services.attempt_submit(attempt=attempt)
    open_attempt = quiz_services.attempt_start(user=trainee, quiz=quiz)

    # Starting and submitting change the attempt, so each request gets an attempt ready for it.
    taker = UserFactory(username=f"{size}-quiz-taker")
    taker_client = Client()
    taker_client.force_login(taker)

    def ready_to_start() -> str:
        for current in Attempt.objects.filter(user=taker, status=Attempt.Status.IN_PROGRESS):
            quiz_services.attempt_submit(attempt=current)
        return f"/en/quizzes/{quiz.pk}/start/"

    def ready_to_submit() -> str:
        current = quiz_services.attempt_start(user=taker, quiz=quiz)
        quiz_services.answers_save(attempt=current, answers=right)
        return f"/en/quizzes/attempts/{current.pk}/submit/"

    return [
        ("quiz detail", f"/en/quizzes/{quiz.pk}/"),
        ("quiz take (question 1)", f"/en/quizzes/attempts/{open_attempt.pk}/?q=1"),
        ("quiz take (last question)", f"/en/quizzes/attempts/{open_attempt.pk}/?q={len(questions)}"),
        ("quiz result", f"/en/quizzes/attempts/{attempt.pk}/result/"),
        ("quiz start (POST)", taker_client, ready_to_start),
        ("quiz submit (POST)", taker_client, ready_to_submit),
    ]


def _practice(size: str, spec: dict, trainee):
    """The interview bank and the trainee's cards, due one hour apart; return a practice client."""
    from django.test import Client
    from django.utils import timezone
    from wagtail.models import Locale

    from interviews.models import Card, InterviewQuestion
    from tests.interviews.factories import make_bank

    now = timezone.now()
    make_bank(spec["bank"], prefix=f"{size}-q")
    en = Locale.objects.get(language_code="en")
    bank = list(InterviewQuestion.objects.filter(locale=en, key__startswith=f"{size}-q").order_by("id"))
    Card.objects.bulk_create(
        Card(
            user=trainee,
            question_key=q.translation_key,
            category=q.category,
            level=q.level,
            due=now - timedelta(hours=i + 1),
            state=2,
            stability=5.0,
            difficulty=5.0,
            last_review=now - timedelta(days=10),
            reviews=3,
            created_at=now - timedelta(days=30),
        )
        for i, q in enumerate(bank[: spec["cards"]])
    )
    practice = Client()
    practice.force_login(trainee)
    return practice


def _colleagues(size: str, spec: dict, organization, course, lessons, courses) -> None:
    """The HR user's trainees: two thirds enrolled in the course (a third of those with a lesson
    done), a third never started; every one assigned every course, due dates spread around today."""
    from django.utils import timezone

    from accounts.models import User
    from courses.models import CourseAssignment, Enrollment, LessonCompletion

    colleagues = User.objects.bulk_create(
        User(
            username=f"{size}-colleague-{i}",
            email=f"{size}-colleague-{i}@example.com",
            name_latin=f"Colleague {i}",
            name_arabic="زميل",
            organization=organization,
        )
        for i in range(spec["trainees"] - 1)
    )
    started = [c for i, c in enumerate(colleagues) if i % 3 != 1]  # the second, fifth... never started
    Enrollment.objects.bulk_create(Enrollment(user=c, course_key=course.translation_key) for c in started)
    LessonCompletion.objects.bulk_create(
        LessonCompletion(user=c, course_key=course.translation_key, lesson_key=lessons[0].translation_key)
        for c in started[::3]
    )
    today = timezone.localdate()
    CourseAssignment.objects.bulk_create(
        (
            CourseAssignment(user=c, course_key=page.translation_key, due_on=today + timedelta(days=i % 21 - 7))
            for i, c in enumerate(colleagues)
            for page in courses
        ),
        batch_size=1000,
    )


def count(pages: dict) -> dict:
    """Return {page name: (queries, ms, SQL)} for each page of one world."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses import caches

    counts = {}
    for name, (client, url) in pages.items():
        # A form (`url` a function that readies one submission and returns where to post it) is a
        # POST answered with a redirect; a page, a GET answered with 200.
        form = callable(url)
        send = client.post if form else client.get
        status = 302 if form else 200
        response = send(url() if form else url)  # warm per-process caches (content types, site root paths, ...)
        assert response.status_code == status, (name, url, response.status_code)
        if name.endswith("rendered)"):
            caches.content_changed()
        target = url() if form else url  # readied before the count starts
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = send(target)
            elapsed = time.perf_counter() - start
        assert response.status_code == status, (name, target, response.status_code)
        counts[name] = (len(queries), elapsed * 1000, [q["sql"] for q in queries.captured_queries])
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sql", action="append", default=[], help="print the queries of this page (repeatable)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    tmp = tempfile.TemporaryDirectory(prefix="masar-bench-queries-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["MASAR_VAR_DIR"] = tmp.name  # the SQLite test database goes under a temporary folder
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(Path(tmp.name) / "private"))
    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: STATIC_ROOT is not collected
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    vendor = connection.vendor
    if vendor != "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_masar_bench_queries_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        results = {}
        for size, spec in SIZES.items():
            started = time.perf_counter()
            pages = build(size, spec)
            built = time.perf_counter() - started
            results[size] = count(pages)
            print(f"{size} world built in {built:.1f}s")
    finally:
        from core import notifications

        notifications.stop()  # its connection would keep PostgreSQL from dropping the database
        teardown_databases(old_config, verbosity=0)
        tmp.cleanup()

    print()
    print(f"Queries per page ({vendor}), small vs large content")
    print()
    print(f"{'page':<32}{'small':>7}{'large':>7}  {'same':<5}{'small ms':>10}{'large ms':>10}")
    failed = False
    for name in results["small"]:
        small, large = results["small"][name], results["large"][name]
        same = small[0] == large[0]
        failed |= not same
        print(f"{name:<32}{small[0]:>7}{large[0]:>7}  {'yes' if same else 'NO':<5}{small[1]:>10.1f}{large[1]:>10.1f}")
        if name in args.sql:
            for size in ("small", "large"):
                print(f"  -- {size}:")
                for sql in results[size][name][2]:
                    print("    ", sql[:200])
    if failed:
        print("FAIL: some pages issue more queries with more content")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
