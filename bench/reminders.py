"""Benchmark: one beat run of the assigned-course reminders for 2,000 trainees (hr.services).

Run: .venv/bin/python bench/reminders.py [--trainees 2000]

Uses a throwaway database (a temporary SQLite file, or a separate test database on the server
named by DATABASE_URL) and Django's locmem email backend (the test settings), builds one
organization of `--trainees` trainees, half in each language, each assigned a course due in two
days, then times `assignment_reminders_send` (what the beat task runs): claiming every reminder,
rendering and "sending" each email in its trainee's language, marking them sent. Then times a
second run, which must send nothing, and the weekly HR digest. Prints the seconds and the query
counts; exits non-zero if the run takes a minute or more, misses an email, or a second run sends any."""

import argparse
import os
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
_TMP = tempfile.TemporaryDirectory(prefix="masar-bench-reminders-")
if not os.environ.get("DATABASE_URL"):
    os.environ["MASAR_VAR_DIR"] = _TMP.name
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

LIMIT_SECONDS = 60


def build(trainees: int):
    from django.utils import timezone

    from accounts.models import Organization, User
    from courses.models import CourseAssignment
    from tests.courses.factories import build_course

    course = build_course(slug="bench-reminders", titles={"en": "Bench course", "ar": "دورة القياس"})["en"]
    organization = Organization.objects.create(name="Bench reminders")
    User.objects.create_user(username="bench-hr", email="hr@example.com", role=User.Role.HR, organization=organization)
    users = User.objects.bulk_create(
        (
            User(
                username=f"bench-{i}",
                email=f"bench-{i}@example.com",
                name_latin=f"Trainee {i}",
                name_arabic="متدرب",
                preferred_language="ar" if i % 2 else "en",
                organization=organization,
            )
            for i in range(trainees)
        ),
        batch_size=1000,
    )
    due = timezone.localdate() + timedelta(days=2)
    CourseAssignment.objects.bulk_create(
        (CourseAssignment(user=u, course_key=course.translation_key, due_on=due) for u in users), batch_size=1000
    )


def timed(function):
    mail.outbox = []
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
    return result, seconds, len(ctx.captured_queries)


def main() -> int:
    from hr import services

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=2000)
    args = parser.parse_args()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        mail.outbox = []
        build(args.trainees)
        sent, seconds, queries = timed(services.assignment_reminders_send)
        outbox = len(mail.outbox)
        again, again_seconds, again_queries = timed(services.assignment_reminders_send)
        digests, digest_seconds, digest_queries = timed(services.assignment_digests_send)
        print(f"database: {connection.vendor}; email backend: locmem; trainees: {args.trainees}")
        print(f"reminders run:        {sent} sent in {seconds:.2f} s, {queries} queries ({outbox} in the outbox)")
        print(f"second run:           {again} sent in {again_seconds:.2f} s, {again_queries} queries")
        print(f"weekly HR digest:     {digests} sent in {digest_seconds:.2f} s, {digest_queries} queries")
        ok = sent == outbox == args.trainees and again == 0 and seconds < LIMIT_SECONDS
        if not ok:
            print(f"FAILED: expected {args.trainees} sent once, within {LIMIT_SECONDS} s", file=sys.stderr)
        return 0 if ok else 1
    finally:
        from core import notifications

        notifications.stop()  # its connection would keep PostgreSQL from dropping the database
        teardown_databases(old_config, verbosity=0)
        _TMP.cleanup()


if __name__ == "__main__":
    sys.exit(main())
