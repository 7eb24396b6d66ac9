"""Writes for HR: ZIP exports of an organization's certificates, their sweeper, and making them
out of date when a certificate in them is revoked (certificates.events.certificate_revoked)."""

import io
import logging
import shutil
import zipfile
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from certificates import pdf
from certificates.models import Certificate
from certificates.storage import atomic_write, files_delete, private_storage
from core import spreadsheet

from . import selectors
from .models import Export

logger = logging.getLogger("masar.hr")

# An export still waiting or building this long after it was asked for is started again by the
# sweeper; well above the build task's hard time limit (16 minutes), so a build in progress is left alone.
SWEEP_AFTER = timedelta(minutes=20)


def export_create(*, user, filters: dict) -> Export:
    """Ask for a ZIP of the organization's certificates matching `filters` (HR only); built in the background."""
    from .tasks import export_build

    if not user.is_hr:
        raise PermissionDenied
    export = Export.objects.create(organization_id=user.organization_id, requested_by=user, filters=filters)
    export_id = export.pk
    transaction.on_commit(lambda: export_build.delay(export_id), robust=True)  # swept if the broker is down
    return export


def _archive_name(certificate: Certificate, language: str) -> str:
    person = slugify(certificate.holder_name_latin) or f"trainee-{certificate.user_id}"
    course = slugify(certificate.course_title_en)[:60] or "course"
    return f"{person}/{course}-{certificate.code}-{language}.pdf"


MANIFEST_COLUMNS = [
    "code",
    "holder_name_latin",
    "holder_name_arabic",
    "course_title_en",
    "course_title_ar",
    "completed_on",
    "hours",
    "verify_url",
]


def export_build(*, export_id: int) -> Export | None:
    """Write the export's ZIP file by file into private storage, keeping its progress up to date."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status == Export.Status.READY:
            return export
        certificates = list(selectors.export_certificates(export=export))
        export.status = Export.Status.RUNNING
        export.started_at = timezone.now()
        export.total = len(certificates)
        export.done = 0
        export.error = ""
        export.save(update_fields=["status", "started_at", "total", "done", "error"])

    name = f"exports/{export.organization_id}/certificates-{export.pk}.zip"
    size = _zip_write(export, certificates, name)
    ids = [certificate.pk for certificate in certificates]
    with transaction.atomic():
        Export.objects.select_for_update().filter(pk=export.pk).first()  # see certificates revoked meanwhile
        revoked = Certificate.objects.filter(pk__in=ids, status=Certificate.Status.REVOKED).exists()
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.OUTDATED if revoked else Export.Status.READY,
            file=name,
            size=size,
            certificate_ids=ids,
            finished_at=timezone.now(),
            done=len(certificates),
        )
    if revoked:
        files_delete([name])
    export.refresh_from_db()
    return export


def _zip_write(export: Export, certificates: list[Certificate], name: str) -> int:
    """Write the ZIP (both PDFs of each certificate and a CSV manifest) to private storage at
    `name`, atomically; return its size."""
    storage = private_storage()
    manifest = io.StringIO()
    writer = spreadsheet.writer(manifest)  # every cell through csv_safe
    writer.writerow(MANIFEST_COLUMNS)
    with atomic_write(storage, name) as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for index, certificate in enumerate(certificates, start=1):
                for language in pdf.LANGUAGES:
                    source = certificate.pdf_name(language)
                    if not source:
                        continue
                    with (
                        storage.open(source, "rb") as src,
                        archive.open(_archive_name(certificate, language), "w") as dst,
                    ):
                        shutil.copyfileobj(src, dst, 64 * 1024)
                writer.writerow(
                    [
                        certificate.code,
                        certificate.holder_name_latin,
                        certificate.holder_name_arabic,
                        certificate.course_title_en,
                        certificate.course_title_ar,
                        certificate.completed_on.isoformat(),
                        certificate.hours,
                        pdf.verification_url(certificate.code),
                    ]
                )
                Export.objects.filter(pk=export.pk).update(done=index)
            archive.writestr("certificates.csv", "\ufeff" + manifest.getvalue())
        return fh.tell()


def export_fail(*, export_id: int, error: str) -> None:
    Export.objects.filter(pk=export_id).exclude(status=Export.Status.READY).update(
        status=Export.Status.FAILED, error=error[:10000], finished_at=timezone.now()
    )


def exports_outdate(*, certificate: Certificate) -> None:
    """Make the exports built with `certificate` (just revoked) out of date: never served again, their
    file deleted on commit. One being built finds out when it ends (export_build). Runs in the
    revocation's transaction and locks the exports, so a build that ends now is seen as ready."""
    live = [Export.Status.READY, Export.Status.RUNNING]
    exports = Export.objects.select_for_update().filter(
        organization_id=certificate.user.organization_id, status__in=live
    )
    outdated = [e.pk for e in exports if e.status == Export.Status.READY and certificate.pk in e.certificate_ids]
    if outdated:
        Export.objects.filter(pk__in=outdated).update(status=Export.Status.OUTDATED)
        names = list(Export.objects.filter(pk__in=outdated).exclude(file="").values_list("file", flat=True))
        transaction.on_commit(lambda: files_delete(names), robust=True)


def exports_sweep(*, older_than: timedelta = SWEEP_AFTER) -> int:
    """Start again the exports left waiting or building for longer than `older_than` (a lost
    message, a killed worker, the broker down when HR asked). Return how many were queued."""
    from .tasks import export_build

    cutoff = timezone.now() - older_than
    stuck = Export.objects.filter(status__in=[Export.Status.PENDING, Export.Status.RUNNING], created_at__lte=cutoff)
    stuck = stuck.filter(Q(started_at__isnull=True) | Q(started_at__lte=cutoff))
    queued = 0
    for export_id in stuck.values_list("pk", flat=True):
        with transaction.atomic():
            if (
                Export.objects.filter(pk=export_id)
                .filter(Q(started_at__isnull=True) | Q(started_at__lte=cutoff))
                .update(status=Export.Status.PENDING, started_at=timezone.now())
            ):
                transaction.on_commit(lambda export_id=export_id: export_build.delay(export_id), robust=True)
                queued += 1
    if queued:
        logger.warning("exports sweeper queued %s export(s) again", queued)
    return queued
