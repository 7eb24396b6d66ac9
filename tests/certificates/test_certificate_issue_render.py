import datetime
import hashlib
import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest
from celery.exceptions import Retry
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import pdf, services
from certificates.models import Certificate
from certificates.tasks import certificate_render
from tests.certificates.conftest import complete
from tests.certificates.factories import issued
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def nfkc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_text(name: str) -> str:
    with storages["private"].open(name, "rb") as fh:
        reader = pypdf.PdfReader(io.BytesIO(fh.read()))
    return nfkc("\n".join(page.extract_text() for page in reader.pages))


def private_files() -> list[str]:
    root = Path(storages["private"].location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- issuing ---------------------------------------------------------------------------


def queued_renders(callbacks) -> list:
    """The on-commit callbacks that queue a task (the others clear the trainee's cached progress)."""
    return [callback for callback in callbacks if callback.__module__ == "certificates.services"]


def test_completing_a_course_issues_one_certificate_with_snapshots(trainee, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        enrollment = complete(trainee, course)
    certificate = Certificate.objects.get(user=trainee)
    assert enrollment.completed_at is not None
    assert certificate.enrollment == enrollment
    assert certificate.course_key == course.translation_key
    assert (certificate.holder_name_latin, certificate.holder_name_arabic) == ("Layla Haddad", "ليلى حداد")
    assert (certificate.course_title_en, certificate.course_title_ar) == ("Demo course", "دورة تجريبية")
    assert certificate.organization_name == "Acme Media"
    assert certificate.hours == 2
    assert certificate.completed_on == timezone.localdate(enrollment.completed_at)
    assert certificate.status == Certificate.Status.PENDING
    # The render is queued when the completing transaction commits, not before.
    assert len(queued_renders(callbacks)) == 1


def test_the_certificate_is_rolled_back_with_the_completion(trainee, course):
    with pytest.raises(RuntimeError), transaction.atomic():
        complete(trainee, course)
        assert Certificate.objects.filter(user=trainee).exists()
        raise RuntimeError
    assert not Certificate.objects.filter(user=trainee).exists()


def test_codes_are_unguessable_and_url_safe(course):
    codes = {issued(UserFactory(names_confirmed_at=timezone.now()), course).code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        # 16 random bytes = 128 bits, base64url without padding.
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", code)


def test_issuing_twice_keeps_one_certificate_and_the_database_enforces_it(trainee, course):
    first = issued(trainee, course)
    enrollment = first.enrollment
    again = services.certificate_issue(user=trainee, course=course, enrollment=enrollment)
    assert again.pk == first.pk
    assert Certificate.objects.filter(user=trainee).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            user=trainee,
            course_key=course.translation_key,
            course_title_en="x",
            course_title_ar="x",
            completed_on=timezone.localdate(),
        )


def test_the_arabic_course_page_issues_the_same_certificate(trainee, demo_course):
    complete(trainee, demo_course["ar"])
    certificate = Certificate.objects.get(user=trainee)
    assert certificate.course_key == demo_course["en"].translation_key
    assert (certificate.course_title_en, certificate.course_title_ar) == ("Demo course", "دورة تجريبية")


def test_unconfirmed_names_wait_for_the_trainee(
    client, course, organization, eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory(organization=organization, name_latin="Omar Saleh", name_arabic="عمر")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        complete(user, course)
    certificate = Certificate.objects.get(user=user)
    assert certificate.awaiting_names and certificate.holder_name_latin == ""
    assert queued_renders(callbacks) == []  # nothing queued: there are no names to print yet
    client.force_login(user)
    page = client.get(f"/en/certificates/{certificate.code}/")
    assert "Confirm the names printed on your certificates" in page.text
    assert 'value="Omar Saleh"' in page.text

    bad = client.post(
        f"/en/certificates/{certificate.code}/names/", {"name_latin": "Omar Saleh", "name_arabic": "Omar"}
    )
    assert bad.status_code == 400 and "Arabic letters" in bad.text
    assert Certificate.objects.get(pk=certificate.pk).awaiting_names

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/certificates/{certificate.code}/names/",
            {"name_latin": "Omar  Saleh", "name_arabic": "عمر صالح", "confirm": "1"},
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    user.refresh_from_db()
    assert user.names_locked and user.name_arabic == "عمر صالح"
    assert (certificate.holder_name_latin, certificate.holder_name_arabic) == ("Omar Saleh", "عمر صالح")
    assert certificate.status == Certificate.Status.READY


def test_confirmed_names_are_frozen_on_the_certificate(trainee, course):
    certificate = issued(trainee, course, render=True)
    trainee.name_latin = "Someone Else"
    trainee.save()
    certificate.refresh_from_db()
    assert certificate.holder_name_latin == "Layla Haddad"


# --- rendering -------------------------------------------------------------------------


def test_render_writes_two_valid_pdfs_privately(trainee, course):
    certificate = issued(trainee, course, render=True)
    assert certificate.status == Certificate.Status.READY
    assert certificate.attempts == 1
    assert certificate.pdf_ar == f"certificates/{certificate.code}-ar.pdf"
    assert certificate.pdf_en == f"certificates/{certificate.code}-en.pdf"
    storage = storages["private"]
    for name, digest in (
        (certificate.pdf_ar, certificate.pdf_ar_sha256),
        (certificate.pdf_en, certificate.pdf_en_sha256),
    ):
        with storage.open(name, "rb") as fh:
            data = fh.read()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
        assert hashlib.sha256(data).hexdigest() == digest
        assert len(data) < 100_000  # fonts are subset
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
        # Private: never under MEDIA_ROOT.
        assert not Path(storage.path(name)).is_relative_to(Path(storage.location).parent / "media")

    arabic = pdf_text(certificate.pdf_ar)
    # Logical order: the extracted text reads as typed, after folding presentation forms.
    assert nfkc("ليلى حداد") in arabic
    assert nfkc("دورة تجريبية") in arabic
    assert certificate.code in arabic
    english = pdf_text(certificate.pdf_en)
    assert "Layla Haddad" in english and "Demo course" in english and certificate.code in english
    assert "ليلى" not in english


def test_the_arabic_pdf_is_right_to_left_with_an_arabic_date(trainee, course):
    certificate = issued(trainee, course, completed_at=timezone.make_aware(datetime.datetime(2026, 11, 26, 12)))
    html = pdf.certificate_html(certificate, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert "٢٦ نوفمبر ٢٠٢٦" in html
    assert "file://" in html and "Amiri" in html
    english = pdf.certificate_html(certificate, "en")
    assert '<html lang="en" dir="ltr">' in english and "26 November 2026" in english
    # The QR code is embedded, and points at the public verification URL.
    assert 'src="data:image/svg+xml' in html
    assert pdf.verification_url(certificate.code).endswith(f"/verify/{certificate.code}/")


def test_names_are_escaped_in_the_html(course):
    user = UserFactory(
        name_latin='<img src="file:///etc/passwd">', name_arabic="<b>x</b>", names_confirmed_at=timezone.now()
    )
    certificate = issued(user, course)
    html = pdf.certificate_html(certificate, "en")
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img" in html
    assert "<b>x</b>" not in pdf.certificate_html(certificate, "ar")


def test_the_url_fetcher_refuses_all_but_project_files():
    fetcher = pdf.ProjectFilesFetcher()
    font = fetcher.fetch((pdf.AMIRI_DIR / "Amiri-Regular.ttf").as_uri())
    assert font.read(4)
    font.close()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:8000/",
        "https://example.com/x.png",
        "ftp://example.com/x",
        (pdf.AMIRI_DIR / ".." / ".." / "__init__.py").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_refused_resource_is_left_out_of_the_pdf():
    html = '<html><body><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png"><p>ok</p></body></html>'
    data = pdf.html_to_pdf(html)
    assert data.startswith(b"%PDF") and b"root:" not in data


def test_rendering_twice_leaves_one_row_and_the_same_files(trainee, course):
    certificate = issued(trainee, course, render=True)
    first = (certificate.pdf_ar_sha256, certificate.pdf_en_sha256)
    # Rendering a ready certificate again does nothing.
    assert services.certificate_render(certificate_id=certificate.pk) is None
    # A redelivered message after a crash between the files and the final update renders again...
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.RENDERING)
    again = services.certificate_render(certificate_id=certificate.pk)
    assert again.status == Certificate.Status.READY and again.attempts == 2
    # ...into the same bytes under the same names.
    assert (again.pdf_ar_sha256, again.pdf_en_sha256) == first
    assert Certificate.objects.filter(user=trainee).count() == 1
    assert private_files() == [f"certificates/{certificate.code}-ar.pdf", f"certificates/{certificate.code}-en.pdf"]


def test_a_crash_in_the_middle_is_finished_by_the_next_run(trainee, course, monkeypatch):
    certificate = issued(trainee, course)
    real = pdf.html_to_pdfa
    calls = []

    def crash_on_the_english_pdf(html, **kwargs):
        calls.append(html)
        if 'lang="en"' in html:
            raise MemoryError("killed")
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdfa", crash_on_the_english_pdf)
    with pytest.raises(MemoryError):
        services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.RENDERING
    # Both PDFs are rendered before either is written: a failed render writes nothing.
    assert private_files() == []
    # A temporary file a killed process left behind is cleaned up by the next run.
    leftover = Path(storages["private"].path(f"certificates/{certificate.code}-en.pdf.abc123.part"))
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"%PDF-half")

    monkeypatch.setattr(pdf, "html_to_pdfa", real)
    certificate = services.certificate_render(certificate_id=certificate.pk)
    assert certificate.status == Certificate.Status.READY
    assert private_files() == [f"certificates/{certificate.code}-ar.pdf", f"certificates/{certificate.code}-en.pdf"]
    assert certificate.code in pdf_text(certificate.pdf_en)


def test_two_renders_at_once_write_the_files_of_the_one_that_finished_first(trainee, course, monkeypatch):
    # A redelivered message and the sweeper's can render one certificate side by side: the
    # second to finish writes nothing, and finds the certificate ready.
    certificate = issued(trainee, course)
    real = pdf.html_to_pdfa
    inner = {}

    def files_written():
        root = Path(storages["private"].location)
        return {name: (root / name).stat().st_ino for name in private_files()}

    def another_render_meanwhile(html, **kwargs):
        if "started" not in inner:
            inner["started"] = True
            inner["certificate"] = services.certificate_render(certificate_id=certificate.pk)
            inner["files"] = files_written()
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdfa", another_render_meanwhile)
    outer = services.certificate_render(certificate_id=certificate.pk)
    assert inner["certificate"].status == outer.status == Certificate.Status.READY
    assert outer.attempts == 2
    assert files_written() == inner["files"]  # the same files, not rewritten
    for name, sha in ((outer.pdf_ar, outer.pdf_ar_sha256), (outer.pdf_en, outer.pdf_en_sha256)):
        with storages["private"].open(name, "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == sha
    assert private_files() == [f"certificates/{certificate.code}-ar.pdf", f"certificates/{certificate.code}-en.pdf"]


def test_revoked_failed_and_waiting_rows_are_not_rendered(trainee, course, organization):
    certificate = issued(trainee, course)
    for status in (Certificate.Status.REVOKED, Certificate.Status.FAILED):
        Certificate.objects.filter(pk=certificate.pk).update(status=status)
        assert services.certificate_render(certificate_id=certificate.pk) is None
    waiting = issued(UserFactory(organization=organization), course)
    assert waiting.awaiting_names
    assert services.certificate_render(certificate_id=waiting.pk) is None
    assert services.certificate_render(certificate_id=999_999) is None
    assert private_files() == []


def test_after_the_last_retry_the_row_is_failed_and_staff_can_retry(
    trainee, course, client, eager_celery, monkeypatch, django_capture_on_commit_callbacks
):
    certificate = issued(trainee, course)

    def broken(html, **kwargs):
        raise OSError("Pango is missing")

    monkeypatch.setattr(pdf, "html_to_pdfa", broken)
    # A first failure asks for a retry (with backoff) and keeps the error for the admin.
    with pytest.raises(Retry) as retry:
        certificate_render.apply(args=[certificate.pk], throw=True)
    assert retry.value.when is not None
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.RENDERING and "Pango is missing" in certificate.last_error
    # The last retry fails for good: the row is failed with the error.
    result = certificate_render.apply(args=[certificate.pk], retries=certificate_render.max_retries, throw=False)
    assert result.failed() and isinstance(result.result, OSError)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.FAILED
    assert "Pango is missing" in certificate.last_error
    assert certificate.attempts == 2

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(f"/django-admin/certificates/certificate/{certificate.pk}/change/")
    assert page.status_code == 200 and "Pango is missing" in page.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/django-admin/certificates/certificate/",
            {"action": "retry_render", "_selected_action": [certificate.pk]},
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY
    assert certificate.last_error == "" and certificate.attempts == 1


# --- sweeper ---------------------------------------------------------------------------


def test_the_sweeper_requeues_only_rows_stuck_for_too_long(
    course, organization, eager_celery, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    users = [UserFactory(organization=organization, names_confirmed_at=timezone.now()) for _ in range(4)]
    stuck_pending, stuck_rendering, fresh_rendering, ready = (issued(u, course) for u in users)
    Certificate.objects.filter(pk=stuck_pending.pk).update(queued_at=long_ago)
    Certificate.objects.filter(pk=stuck_rendering.pk).update(
        status=Certificate.Status.RENDERING, queued_at=long_ago, rendering_started_at=long_ago
    )
    Certificate.objects.filter(pk=fresh_rendering.pk).update(
        status=Certificate.Status.RENDERING, queued_at=long_ago, rendering_started_at=timezone.now()
    )
    services.certificate_render(certificate_id=ready.pk)
    waiting = issued(UserFactory(organization=organization), course)
    Certificate.objects.filter(pk=waiting.pk).update(queued_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("certificates_sweep", stdout=io.StringIO())
    statuses = dict(Certificate.objects.values_list("pk", "status"))
    assert statuses[stuck_pending.pk] == statuses[stuck_rendering.pk] == Certificate.Status.READY
    assert statuses[fresh_rendering.pk] == Certificate.Status.RENDERING
    assert statuses[waiting.pk] == Certificate.Status.PENDING
    assert Certificate.objects.get(pk=ready.pk).attempts == 1

    # A second sweep right after finds nothing to do.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.certificates_sweep() == 0
    assert callbacks == []


def test_the_sweeper_gives_up_on_a_certificate_that_keeps_dying(trainee, course, django_capture_on_commit_callbacks):
    certificate = issued(trainee, course)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.RENDERING,
        attempts=services.MAX_RENDER_ATTEMPTS,
        queued_at=timezone.now() - datetime.timedelta(hours=1),
        rendering_started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_sweep(older_than=datetime.timedelta(minutes=1)) == 0
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.FAILED and "Gave up" in certificate.last_error


def test_the_sweep_is_scheduled_with_celery_beat(settings):
    from certificates import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["certificates-sweep"]
    assert entry["task"] == tasks.certificates_sweep.name == "certificates.tasks.certificates_sweep"
    assert tasks.certificate_render.acks_late and tasks.certificate_render.reject_on_worker_lost
    assert tasks.certificate_render.max_retries == 5 and tasks.certificate_render.retry_jitter
    assert tasks.certificate_render.soft_time_limit < tasks.certificate_render.time_limit
