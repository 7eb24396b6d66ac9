"""Redis (the Celery broker) stops while trainees finish courses, on a live stack: this
test's own redis-server, gunicorn and Celery worker, on the test database.

While Redis is down the pages keep working and the new certificates wait as pending;
once Redis is back, the sweeper queues them again and a real worker renders every one.
The worker killed in the middle of a render is tested in
tests/certificates/test_certificate_worker.py
(test_killing_the_worker_mid_render_still_ends_ready_exactly_once)."""

import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Enrollment, LessonCompletion, LessonPage
from hr.models import Export
from tests.certificates.test_certificate_worker import Worker, wait_for
from tests.conftest import write_course_tree
from tests.factories import HRFactory, OrganizationFactory, UserFactory
from tests.faults.conftest import RedisServer, WebServer
from tests.security.world import ensure_page_root

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

REQUEST_TIMEOUT = 60
RENDER_TIMEOUT = 120
CSRF = "faulttestcsrftoken0123456789abcd"  # any 32 letters and digits make a valid CSRF secret


class Browser:
    """A signed-in visitor of the live server, through plain HTTP requests."""

    def __init__(self, web: WebServer, user):
        client = Client()
        client.force_login(user)  # the session row is committed: the server reads it
        self.web = web
        self.session = requests.Session()
        self.session.headers["Cookie"] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
            f"{settings.CSRF_COOKIE_NAME}={CSRF}"
        )

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.web.url + path, timeout=REQUEST_TIMEOUT, allow_redirects=False)

    def post(self, path: str, data=None) -> requests.Response:
        data = {**(data or {}), "csrfmiddlewaretoken": CSRF}
        return self.session.post(self.web.url + path, data=data, timeout=REQUEST_TIMEOUT, allow_redirects=False)


def finish_course(browser: Browser, course, lessons) -> list[int]:
    """Enroll and mark every lesson done, as the pages do; return the statuses."""
    statuses = [browser.post(f"/en/learn/courses/{course.pk}/enroll/").status_code]
    for lesson in lessons:
        statuses.append(browser.post(f"/en/learn/lessons/{lesson.pk}/done/").status_code)
    return statuses


def status_of(user) -> str:
    return Certificate.objects.values_list("status", flat=True).get(user=user)


def test_redis_stopped_while_trainees_finish_courses(processes, stack_env, tmp_path, load_course_pages):
    ensure_page_root()
    courses, _report = load_course_pages(write_course_tree(tmp_path / "content", modules=1, lessons=2))
    course = courses["en"]
    lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
    organization = OrganizationFactory(name="Fault Co")
    trainees = [
        UserFactory(organization=organization, name_latin=f"Trainee {i}", names_confirmed_at=timezone.now())
        for i in range(3)
    ]
    hr = HRFactory(organization=organization)

    redis = processes(RedisServer, tmp_path / "redis.log")
    env = {**stack_env, "CELERY_BROKER_URL": redis.url}
    web = processes(WebServer, env=env, log=tmp_path / "gunicorn.log")
    browsers = [Browser(web, trainee) for trainee in trainees]

    # Redis up: the first trainee finishes; the render is queued (no worker runs yet).
    assert finish_course(browsers[0], course, lessons) == [302] * (len(lessons) + 1), web.output()
    assert status_of(trainees[0]) == Certificate.Status.PENDING

    # Redis down: the others finish; every page still works and the certificates wait.
    redis.stop()
    for browser, trainee in zip(browsers[1:], trainees[1:], strict=True):
        assert finish_course(browser, course, lessons) == [302] * (len(lessons) + 1), web.output()
        certificate = Certificate.objects.get(user=trainee)
        assert certificate.status == Certificate.Status.PENDING
        for path in [course.url, "/en/learn/", "/en/certificates/", f"/en/certificates/{certificate.code}/"]:
            assert browser.get(path).status_code == 200, path
        assert browser.get(f"/en/certificates/{certificate.code}/status/").json()["status"] == "pending"
    hr_browser = Browser(web, hr)
    assert hr_browser.post("/en/hr/exports/").status_code == 302, web.output()
    assert hr_browser.get("/en/hr/").status_code == 200
    export = Export.objects.get(organization=organization)
    assert export.status == Export.Status.PENDING
    assert web.process.poll() is None  # the server never went down

    # Redis back (empty: it keeps nothing on disk), a worker, and the sweeper: all end ready.
    redis.start()
    processes(Worker, queue=settings.CELERY_TASK_DEFAULT_QUEUE, log=tmp_path / "worker.log", env=env)
    sweep = subprocess.run(
        [sys.executable, "manage.py", "certificates_sweep", "--minutes", "0"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sweep.returncode == 0, sweep.stderr
    assert "Re-queued 3 certificate(s)." in sweep.stdout
    exports_sweep = subprocess.run(
        [sys.executable, "manage.py", "exports_sweep", "--minutes", "0"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert exports_sweep.returncode == 0, exports_sweep.stderr
    assert "Queued 1 export(s) again." in exports_sweep.stdout
    wait_for(
        lambda: all(status_of(t) == Certificate.Status.READY for t in trainees),
        RENDER_TIMEOUT,
        "every certificate to be ready",
    )
    wait_for(lambda: Export.objects.get(pk=export.pk).status == Export.Status.READY, RENDER_TIMEOUT, "the export")

    # Nothing lost: every completion, one certificate each with both PDFs, downloadable.
    for browser, trainee in zip(browsers, trainees, strict=True):
        assert Enrollment.objects.get(user=trainee).completed_at is not None
        assert LessonCompletion.objects.filter(user=trainee).count() == len(lessons)
        certificate = Certificate.objects.get(user=trainee)
        assert certificate.pdf_ar and certificate.pdf_en
        for language in ("ar", "en"):
            response = browser.get(f"/en/certificates/{certificate.code}/{language}.pdf")
            assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Certificate.objects.count() == len(trainees)
