"""HR's ZIP exports: what they hold, who may download them, and what a revocation does to them
(a ZIP holding a certificate revoked after it was built is never served again: 410, its file
deleted; a new export leaves the certificate out)."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates import services as certificate_services
from certificates.storage import private_storage
from hr import services, tasks
from hr.models import Export
from tests.certificates.factories import issued
from tests.factories import HRFactory, OrganizationFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- ZIP export ------------------------------------------------------------------------


def test_the_zip_export_holds_the_filtered_certificates_of_the_organization_only(
    client, organization, course, trainee, eager_celery, django_capture_on_commit_callbacks
):
    mine = issued(trainee, course, render=True)
    colleague = UserFactory(
        organization=organization, name_latin="Nour Ali", name_arabic="نور علي", names_confirmed_at=timezone.now()
    )
    theirs_org = OrganizationFactory(name="Other Org")
    stranger = issued(UserFactory(organization=theirs_org, names_confirmed_at=timezone.now()), course, render=True)
    pending = issued(colleague, course)
    hr = HRFactory(organization=organization)
    client.force_login(hr)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/hr/exports/", {"status": "completed"})
    export = Export.objects.get()
    assert response.status_code == 302 and response.url == f"/en/hr/exports/{export.pk}/"
    assert export.status == Export.Status.READY and export.total == export.done == 1
    assert export.organization == organization and export.requested_by == hr
    page = client.get(response.url)
    assert "Download the ZIP file" in page.text and "data-poll-url" not in page.text
    assert client.get(f"/en/hr/exports/{export.pk}/status/").json()["done"] is True

    download = client.get(f"/en/hr/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert sorted(n for n in names if n.endswith(".pdf")) == [
        f"layla-haddad/demo-course-{mine.code}-ar.pdf",
        f"layla-haddad/demo-course-{mine.code}-en.pdf",
    ]
    assert archive.read(names[0]).startswith(b"%PDF-")
    manifest = archive.read("certificates.csv").decode("utf-8-sig")
    assert mine.code in manifest and "ليلى حداد" in manifest
    assert stranger.code not in manifest and pending.code not in manifest

    # A filter that matches nobody gives an empty (but valid) ZIP.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/hr/exports/", {"q": "nobody-matches-this"})
    empty = Export.objects.order_by("-pk").first()
    assert empty.status == Export.Status.READY and empty.total == 0


def test_an_unfinished_export_page_refreshes_itself(client, organization, django_capture_on_commit_callbacks):
    hr = HRFactory(organization=organization)
    client.force_login(hr)
    client.post("/en/hr/exports/", {})  # not committed in this test: the task is not run
    export = Export.objects.get()
    page = client.get(f"/en/hr/exports/{export.pk}/")
    assert f'data-poll-url="/en/hr/exports/{export.pk}/status/"' in page.text
    assert client.get(f"/en/hr/exports/{export.pk}/status/").json() == {
        "status": "pending",
        "done": False,
        "count": 0,
        "total": 0,
        "percent": 0,
    }
    assert client.get(f"/en/hr/exports/{export.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    "who,expected",
    [
        ("hr of the organization", 200),
        ("support", 200),
        ("staff without the support permission", 404),
        ("hr of another organization", 404),
        ("trainee of the organization", 404),
        ("hr without organization", 404),
    ],
)
def test_who_may_download_a_zip(
    client, organization, course, trainee, eager_celery, django_capture_on_commit_callbacks, who, expected
):
    issued(trainee, course, render=True)
    hr = HRFactory(organization=organization)
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/hr/exports/", {})
    export = Export.objects.get()
    user = {
        "hr of the organization": HRFactory(organization=organization),
        "support": SupportFactory(),
        "staff without the support permission": UserFactory(is_staff=True),
        "hr of another organization": HRFactory(organization=OrganizationFactory(name="Other")),
        "trainee of the organization": trainee,
        "hr without organization": UserFactory(role="hr"),
    }[who]
    client.force_login(user)
    for suffix in ("download/", "", "status/"):
        assert client.get(f"/en/hr/exports/{export.pk}/{suffix}").status_code == expected, suffix


# --- revocations ----------------------------------------------------------------------


def test_a_zip_built_before_a_revocation_is_never_served_again(
    client, organization, course, trainee, eager_celery, django_capture_on_commit_callbacks
):
    certificate = issued(trainee, course, render=True)
    hr = HRFactory(organization=organization)
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/hr/exports/", {})
    export = Export.objects.get()
    assert export.status == Export.Status.READY and export.certificate_ids == [certificate.pk]
    assert client.get(f"/en/hr/exports/{export.pk}/download/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_revoke(certificate=certificate, by=hr, reason="Issued by mistake")
    export.refresh_from_db()
    assert export.status == Export.Status.OUTDATED
    download = client.get(f"/en/hr/exports/{export.pk}/download/")
    assert download.status_code == 410 and "was revoked after it was built" in download.text
    assert not private_storage().exists(export.file)
    arabic = client.get(f"/ar/hr/exports/{export.pk}/download/")
    assert arabic.status_code == 410 and "أُلغيت إحدى الشهادات" in arabic.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/hr/exports/", {})
    fresh = Export.objects.order_by("-pk").first()
    assert fresh.status == Export.Status.READY and fresh.total == 0 and fresh.certificate_ids == []


def test_a_revocation_while_a_zip_is_built_makes_it_out_of_date(
    organization, course, trainee, eager_celery, monkeypatch
):
    certificate = issued(trainee, course, render=True)
    hr = HRFactory(organization=organization)
    export = Export.objects.create(organization=organization, requested_by=hr, filters={})
    real_archive_name = services._archive_name

    def revoke_during_the_build(cert, language):
        if language == "ar":  # the first file is in the ZIP: now HR revokes the certificate
            certificate_services.certificate_revoke(certificate=certificate, by=hr, reason="Revoked mid-build")
        return real_archive_name(cert, language)

    monkeypatch.setattr(services, "_archive_name", revoke_during_the_build)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.OUTDATED
    assert not private_storage().exists(export.file)


def test_a_revocation_leaves_exports_without_the_certificate_alone(organization, course, trainee, eager_celery):
    hr = HRFactory(organization=organization)
    export = Export.objects.create(organization=organization, requested_by=hr, filters={})
    services.export_build(export_id=export.pk)  # built before the trainee finished: empty
    certificate = issued(trainee, course, render=True)
    certificate_services.certificate_revoke(certificate=certificate, by=hr, reason="Issued by mistake")
    export.refresh_from_db()
    assert export.status == Export.Status.READY


# --- sweeper ---------------------------------------------------------------------------


def test_the_sweeper_starts_again_an_export_whose_message_was_lost(
    organization, django_capture_on_commit_callbacks, monkeypatch
):
    hr = HRFactory(organization=organization)
    export = services.export_create(user=hr, filters={})  # its message never reaches a worker
    queued = []
    monkeypatch.setattr(tasks.export_build, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exports_sweep() == 0  # younger than SWEEP_AFTER: maybe still on its way
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - services.SWEEP_AFTER * 2)
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("exports_sweep", stdout=out)
    assert queued == [export.pk] and "Queued 1 export(s) again." in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exports_sweep() == 0  # just started again: left alone


def test_the_exports_sweep_is_scheduled_with_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["hr-exports-sweep"]
    assert entry["task"] == tasks.exports_sweep.name == "hr.tasks.exports_sweep"


def test_an_export_whose_last_retry_fails_is_failed_with_the_error(organization, eager_celery, monkeypatch):
    hr = HRFactory(organization=organization)
    export = Export.objects.create(organization=organization, requested_by=hr, filters={})

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "_zip_write", broken)
    result = tasks.export_build.apply(args=[export.pk], retries=tasks.export_build.max_retries, throw=False)
    assert result.failed()
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and "disk full" in export.error
