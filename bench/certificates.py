"""Certificates benchmark: prints side-by-side measurements taken in one run.

    .venv/bin/python bench/certificates.py [--certificates 20] [--throughput 200] [--no-worker]

- before vs after, per certificate (both languages), on the same rows in turn: the HTML and
  plain WeasyPrint PDF the render made before vs the final one (PDF/A-3b, the signed credential attached, PAdES-signed);
  target: after <= 1.5 x before;
- the whole render service (claim, credential, HTML, QR, both PDFs, atomic writes, SHA-256,
  final update) vs the final PDFs alone; target: service <= 1.3 x;
- PDF sizes before and after (target: < 100 KB each, fonts subset), and pdf_inspect's time;
- HR dashboard query count with 20 and 2,000 trainees (target: flat; a page is 25 trainees);
- throughput of N certificates through a real Celery worker with 2 processes.

Runs on a throwaway SQLite database and private folder under a temporary directory
(CELERY_BROKER_URL from the environment is used if set, else the filesystem broker there).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    os.environ["MASAR_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["PRIVATE_MEDIA_ROOT"] = str(workdir / "private")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    # A signing key of the run's own (the worker reads the same folder).
    os.environ.update(CREDENTIAL_KEY_PEM="", CREDENTIAL_KEY_FILE="", CREDENTIAL_KEYS_DIR=str(workdir / "keys"))
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    (workdir / "var" / "static").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    logging.getLogger("masar").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from certificates import keys

    keys.key_generate()


def make_trainees(organization, count: int, prefix: str):
    from django.utils import timezone

    from accounts.models import User

    return User.objects.bulk_create(
        User(
            username=f"{prefix}{i}",
            email=f"{prefix}{i}@example.com",
            name_latin=f"Trainee {prefix} {i}",
            name_arabic=f"متدرب رقم {i}",
            organization=organization,
            names_confirmed_at=timezone.now(),
        )
        for i in range(count)
    )


def issue_all(users, course):
    from django.utils import timezone

    from certificates import services
    from courses.models import Enrollment

    certificates = []
    for user in users:
        enrollment = Enrollment.objects.create(
            user=user, course_key=course.translation_key, completed_at=timezone.now()
        )
        certificates.append(services.certificate_issue(user=user, course=course, enrollment=enrollment))
    return certificates


def bench_render(course, organization, count: int) -> bool:
    """Before (the plain PDF) and after (PDF/A-3b, credential attached, PAdES-signed), in turn on
    the same certificates, then the whole render service. Return True when every target is met."""
    from django.core.files.storage import storages

    from certificates import credentials, keys, pdf, services

    certificates = issue_all(make_trainees(organization, count + 2, "render"), course)
    # Warm up fonts, templates, pyHanko and the database connection.
    for certificate in certificates[:2]:
        services.certificate_render(certificate_id=certificate.pk)
    signing_key = keys.current_key()
    plain, final, whole = [], [], []
    sizes: dict[str, dict[str, list[int]]] = {"plain": {"ar": [], "en": []}, "final": {"ar": [], "en": []}}
    for certificate in certificates[2:]:
        services.certificate_render(certificate_id=certificate.pk)  # ready: its credential exists
        certificate.refresh_from_db()
        credential = credentials.credential_jwt(certificate)
        start = time.perf_counter()
        for language in pdf.LANGUAGES:  # what the render did before: the HTML, then a plain PDF
            sizes["plain"][language].append(len(pdf.html_to_pdf(pdf.certificate_html(certificate, language))))
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        for language in pdf.LANGUAGES:
            data = pdf.certificate_pdf(certificate, language, credential=credential, signing_key=signing_key)
            sizes["final"][language].append(len(data))
        final.append(time.perf_counter() - start)
    # The whole service on fresh rows: claim, credential, HTML, QR, both PDFs, writes, final update.
    for certificate in issue_all(make_trainees(organization, count, "whole"), course):
        start = time.perf_counter()
        services.certificate_render(certificate_id=certificate.pk)
        whole.append(time.perf_counter() - start)
    p, f, w = statistics.median(plain), statistics.median(final), statistics.median(whole)
    ok = True

    def verdict(met: bool) -> str:
        nonlocal ok
        ok = ok and met
        return "OK" if met else "OVER"

    print(f"render, per certificate (2 PDFs), median of {len(plain)}, before and after in turn:")
    print(f"  before: HTML + plain PDF (WeasyPrint)           : {p * 1000:7.1f} ms")
    print(f"  after:  HTML + PDF/A-3b + credential + signature: {f * 1000:7.1f} ms")
    print(
        f"  ratio after / before                            : {f / p:7.2f}   (target <= 1.50) {verdict(f / p <= 1.5)}"
    )
    print(f"  whole render service (after)                    : {w * 1000:7.1f} ms")
    print(
        f"  ratio service / after                           : {w / f:7.2f}   (target <= 1.30) {verdict(w / f <= 1.3)}"
    )
    print("PDF sizes, largest of the run (target < 100 KB):")
    for language in pdf.LANGUAGES:
        before, after = max(sizes["plain"][language]), max(sizes["final"][language])
        print(
            f"  {language}: before {before / 1024:6.1f} KB   after {after / 1024:6.1f} KB   "
            f"(+{(after - before) / 1024:4.1f} KB) {verdict(after < 100_000)}"
        )
    certificate = certificates[-1]
    storage = storages["private"]
    inspection = pdf.pdf_inspect(storage.open(certificate.pdf_name("en")).read())
    start = time.perf_counter()
    for _ in range(10):
        pdf.pdf_inspect(storage.open(certificate.pdf_name("ar")).read())
    inspect_ms = (time.perf_counter() - start) * 100
    print(f"  stored PDF read back: signature {inspection.signature}, pdf_inspect {inspect_ms:5.1f} ms")
    return ok and inspection.signature == "valid"


def bench_dashboard(course) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Organization, User
    from courses.models import Enrollment, LessonCompletion, LessonPage

    lesson = LessonPage.objects.descendant_of(course).first()

    def organization_with(count: int):
        organization = Organization.objects.create(name=f"Bench org {count} {uuid.uuid4().hex[:6]}")
        users = make_trainees(organization, count, f"hr{count}-")
        Enrollment.objects.bulk_create(
            Enrollment(user=u, course_key=course.translation_key, completed_at=timezone.now() if i % 2 else None)
            for i, u in enumerate(users)
        )
        LessonCompletion.objects.bulk_create(
            LessonCompletion(user=u, course_key=course.translation_key, lesson_key=lesson.translation_key)
            for u in users
        )
        return User.objects.create(
            username=f"hr-{organization.pk}",
            email=f"hr-{organization.pk}@example.com",
            role="hr",
            organization=organization,
        )

    print("HR dashboard (/en/hr/), queries per page:")
    for count in (20, 2000):
        client = Client()
        client.force_login(organization_with(count))
        client.get("/en/hr/")  # warm
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get("/en/hr/")
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        print(f"  {count:5,d} trainees: {len(ctx.captured_queries):3d} queries, {elapsed * 1000:6.1f} ms")


def bench_worker(course, organization, count: int, workdir: Path) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from certificates.models import Certificate
    from lms.celery import app as celery_app

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue
    log = open(workdir / "worker.log", "wb")  # noqa: SIM115
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(1)
        deadline = time.monotonic() + 60
        # Ready when it has its two pool processes.
        while time.monotonic() < deadline:
            kids = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
            if kids.exists() and len(kids.read_text().split()) >= 2:
                break
            time.sleep(0.2)
        time.sleep(1)
        users = make_trainees(organization, count, "worker")
        start = time.perf_counter()
        with transaction.atomic():
            certificates = issue_all(users, course)
        ids = [c.pk for c in certificates]
        deadline = time.monotonic() + max(120, count * 2)
        while time.monotonic() < deadline:
            done = Certificate.objects.filter(pk__in=ids, status=Certificate.Status.READY).count()
            if done == count:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        done = Certificate.objects.filter(pk__in=ids, status=Certificate.Status.READY).count()
        print(f"worker throughput (prefork, 2 processes, {settings.CELERY_BROKER_URL.split(':')[0]} broker, SQLite):")
        print(f"  {done}/{count} certificates ready in {elapsed:6.1f} s = {done / elapsed:6.1f} certificates/s")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
            worker.wait(timeout=10)
        try:
            os.killpg(worker.pid, 9)
        except ProcessLookupError:
            pass
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=20, help="certificates rendered in process (default 20)")
    parser.add_argument("--throughput", type=int, default=200, help="certificates through the worker (default 200)")
    parser.add_argument("--no-worker", action="store_true", help="skip the worker throughput measurement")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="masar-bench-certificates-"))
    try:
        setup_django(workdir)
        from weasyprint import __version__ as weasyprint_version

        from accounts.models import Organization
        from tests.courses.factories import build_course

        subset = "harfbuzz" if _has_hb_subset() else "fontTools (install libharfbuzz-subset0 for speed)"
        print(f"WeasyPrint {weasyprint_version}, font subsetting with {subset}")
        course = build_course(
            titles={"en": "Social media management: the essentials", "ar": "إدارة وسائل التواصل الاجتماعي: الأساسيات"}
        )["en"]
        organization = Organization.objects.create(name="Bench Media")
        ok = bench_render(course, organization, args.certificates)
        bench_dashboard(course)
        if not args.no_worker:
            bench_worker(course, organization, args.throughput, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if not ok:
        sys.exit(1)


def _has_hb_subset() -> bool:
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


if __name__ == "__main__":
    main()
