"""Certificates rendered by a real Celery worker process (the filesystem broker by default,
Redis when CELERY_BROKER_URL says so), on the test database."""

import io
import os
import signal
import subprocess
import sys
import time
import unicodedata
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pypdf
import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection

from certificates import services
from certificates.models import Certificate
from lms.celery import app as celery_app
from tests.certificates.conftest import complete

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

START_TIMEOUT = 60
RENDER_TIMEOUT = 90


def database_url() -> str:
    """The URL of the test database as this process sees it, for the worker's environment."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = db["NAME"]
        assert ":memory:" not in str(name) and "mode=memory" not in str(name), (
            "the worker needs a file-based test database"
        )
        return f"sqlite:///{name}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


class Worker:
    """A `celery worker` subprocess on its own queue; always stopped by the fixture."""

    def __init__(self, *, queue: str, log: Path, env: dict):
        self.queue, self.log_path, self.env = queue, log, env
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: b"ready." in self.log_path.read_bytes() or self.process.poll() is not None,
            START_TIMEOUT,
            "the worker to start",
        )
        assert self.process.poll() is None, self.output()
        wait_for(lambda: children(self.process.pid), START_TIMEOUT, "the worker's pool process")

    def child(self) -> int:
        return children(self.process.pid)[0]

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Reap any pool process left behind in the worker's own process group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.log.close()
        self.process = None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@pytest.fixture
def start_worker(transactional_db, settings, tmp_path):
    """Return a function starting a worker on a fresh queue that this test's tasks go to."""
    queue = f"certificates-test-{uuid.uuid4().hex[:10]}"
    old_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    workers = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "MASAR_TEST_CACHE": settings.CACHES["shared"]["LOCATION"],  # the shared cache of this run
        "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "SITE_URL": settings.SITE_URL,
        "MASAR_VAR_DIR": str(settings.VAR_DIR),
        "PYTHONUNBUFFERED": "1",
    }

    def start(**extra_env) -> Worker:
        worker = Worker(queue=queue, log=tmp_path / f"worker-{len(workers)}.log", env={**env, **extra_env})
        workers.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        celery_app.conf.task_default_queue = old_queue


def status_of(certificate) -> str:
    return Certificate.objects.values_list("status", flat=True).get(pk=certificate.pk)


def private_pdfs() -> list[str]:
    root = Path(storages["private"].location) / "certificates"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def assert_two_valid_pdfs(certificate):
    import hashlib

    for name, digest in (
        (certificate.pdf_ar, certificate.pdf_ar_sha256),
        (certificate.pdf_en, certificate.pdf_en_sha256),
    ):
        with storages["private"].open(name, "rb") as fh:
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == digest
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert private_pdfs() == [f"{certificate.code}-ar.pdf", f"{certificate.code}-en.pdf"]


def arabic_text(certificate) -> str:
    with storages["private"].open(certificate.pdf_ar, "rb") as fh:
        text = pypdf.PdfReader(io.BytesIO(fh.read())).pages[0].extract_text()
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_a_real_worker_renders_a_completed_course_certificate(start_worker, trainee, course):
    worker = start_worker()
    complete(trainee, course)  # commits: the render is queued on commit
    certificate = Certificate.objects.get(user=trainee)
    wait_for(lambda: status_of(certificate) == Certificate.Status.READY, RENDER_TIMEOUT, "the certificate to be ready")
    certificate.refresh_from_db()
    assert certificate.attempts == 1, worker.output()
    assert_two_valid_pdfs(certificate)
    text = arabic_text(certificate)
    assert unicodedata.normalize("NFKC", "ليلى حداد") in text
    assert unicodedata.normalize("NFKC", "دورة تجريبية") in text


def test_killing_the_worker_mid_render_still_ends_ready_exactly_once(start_worker, trainee, course):
    # Slow renders down between the Arabic and the English PDF, in this worker only.
    worker = start_worker(CERTIFICATES_RENDER_DELAY_SECONDS="3")
    complete(trainee, course)
    certificate = Certificate.objects.get(user=trainee)
    ar_pdf = Path(storages["private"].location) / "certificates" / f"{certificate.code}-ar.pdf"
    wait_for(
        lambda: status_of(certificate) == Certificate.Status.RENDERING and ar_pdf.exists(),
        RENDER_TIMEOUT,
        "the render to be half done",
    )
    child = worker.child()
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: child not in children(worker.process.pid), 30, "the pool process to die")
    assert status_of(certificate) == Certificate.Status.RENDERING
    assert not (ar_pdf.parent / f"{certificate.code}-en.pdf").exists()

    # Redis redelivers the message (acks_late, reject on worker lost); the filesystem broker
    # does not, and the sweeper (run by beat) re-queues the row. Either way: ready once.
    services.certificates_sweep(older_than=timedelta(0))
    wait_for(lambda: status_of(certificate) == Certificate.Status.READY, RENDER_TIMEOUT, "the certificate to be ready")
    certificate.refresh_from_db()
    assert Certificate.objects.filter(user=trainee).count() == 1
    assert certificate.attempts >= 2, worker.output()
    assert_two_valid_pdfs(certificate)
    assert worker.process.poll() is None  # the worker itself survived and replaced its pool process
