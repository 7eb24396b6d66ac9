"""Writes for certificates: issuing, confirming names, rendering, revoking, sweeping.

Rendering is safe to run twice, at once, or again after a crash in the middle:
- the row moves pending → rendering → ready with conditional updates (never backwards
  from ready or revoked);
- the PDFs are deterministic (the same row and key give the same bytes: PDF/A-3b with the
  signed credential inside, signed at the certificate's issue time) and each is written to a
  temporary name, then moved over a name derived from the code, so a reader never sees
  half a file and a re-run leaves one pair of complete files.
"""

import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.services import user_names_confirm
from accounts.validators import clean_public_text
from courses import selectors as course_selectors
from courses.models import CoursePage
from quizzes import selectors as quiz_selectors

from . import credentials, events, keys, pdf, selectors
from .models import Certificate
from .storage import atomic_write, private_storage

logger = logging.getLogger("masar.certificates")

# A row still pending or rendering this long after it was queued is re-queued by the sweeper.
# Well above the render task's hard time limit, so a render in progress is left alone.
SWEEP_AFTER = timedelta(minutes=10)
# After this many render attempts (retries and sweeps together) the sweeper gives up.
MAX_RENDER_ATTEMPTS = 12


# --- issuing ---------------------------------------------------------------------------


def _course_titles(course) -> dict[str, str]:
    """Return the course's title in each language, from its live or draft translations."""
    titles = {
        page.locale.language_code: page.title
        for page in CoursePage.objects.filter(translation_key=course.translation_key).select_related("locale")
    }
    titles.setdefault(course.locale.language_code, course.title)
    fallback = titles.get("en") or titles.get("ar") or course.title
    return {"en": titles.get("en", fallback), "ar": titles.get("ar", fallback)}


def _assessment(user, course) -> dict:
    """What the certificate says was assessed, as it stands at completion: the best passing
    result of each required module's quiz and of the final exam, with their titles in both
    languages (a snapshot: later edits and attempts change nothing)."""
    outline = course_selectors.course_outline(course=course, user=user, fresh=True)
    modules = [m.page.quiz.translation_key for m in outline.modules if m.page.required and m.page.quiz]
    exam = outline.exam.translation_key if outline.exam else None
    results = quiz_selectors.best_passes(user=user, quiz_keys=[*modules, *([exam] if exam else [])])

    def result(key) -> dict:
        found = results[key]
        return {"title": found.titles, "percent": found.percent, "pass_mark": found.pass_mark}

    return {
        "modules": [result(key) for key in modules if key in results],
        "exam": result(exam) if exam in results else None,
    }


def _queue_render(certificate: Certificate) -> None:
    from .tasks import certificate_render

    certificate_id = certificate.pk
    # robust: with the broker down the page still answers (the error is logged); the row keeps
    # its queued_at, and the sweeper queues it again once the broker is back.
    transaction.on_commit(lambda: certificate_render.delay(certificate_id), robust=True)


def _snapshot_names(certificate: Certificate, user) -> None:
    certificate.holder_name_latin = user.name_latin
    certificate.holder_name_arabic = user.name_arabic


def certificate_issue(*, user, course, enrollment) -> Certificate:
    """Create the certificate of a completed course (once per trainee and course) and queue its render.

    Called inside the transaction that completes the enrollment; the render is queued on commit.
    If the trainee has not confirmed their names yet, the row waits for them (see
    `certificate_names_confirm`)."""
    completed_at = enrollment.completed_at or timezone.now()
    with transaction.atomic():
        certificate, created = Certificate.objects.exclude(status=Certificate.Status.REVOKED).get_or_create(
            user=user,
            course_key=course.translation_key,
            defaults={
                "enrollment": enrollment,
                "organization_name": user.organization.name if user.organization_id else "",
                "completed_on": timezone.localdate(completed_at),
                "hours": course.estimated_hours,
                "assessment": _assessment(user, course),
                **{f"course_title_{lang}": title for lang, title in _course_titles(course).items()},
            },
        )
        if not created:
            if certificate.enrollment_id is None:
                certificate.enrollment = enrollment
                certificate.save(update_fields=["enrollment"])
            return certificate
        if user.names_locked:
            _snapshot_names(certificate, user)
            certificate.queued_at = timezone.now()
            certificate.save(update_fields=["holder_name_latin", "holder_name_arabic", "queued_at"])
            _queue_render(certificate)
    return certificate


@transaction.atomic
def certificate_names_confirm(*, user, name_latin: str, name_arabic: str) -> list[Certificate]:
    """Freeze the names printed on `user`'s certificates, then queue the certificates waiting for them."""
    # The user's row stays locked (user_names_confirm) until the certificates hold its names.
    user = user_names_confirm(user=user, name_latin=name_latin, name_arabic=name_arabic)
    waiting = list(Certificate.objects.select_for_update().awaiting_names().filter(user=user))
    now = timezone.now()
    for certificate in waiting:
        _snapshot_names(certificate, user)
        certificate.queued_at = now
        certificate.save(update_fields=["holder_name_latin", "holder_name_arabic", "queued_at"])
        _queue_render(certificate)
    return waiting


# --- rendering -------------------------------------------------------------------------


def _remove_leftovers(storage, name: str) -> None:
    """Delete temporary files a killed render of `name` left behind."""
    try:
        final = Path(storage.path(name))
    except NotImplementedError:
        return
    for leftover in final.parent.glob(final.name + ".*.part"):
        leftover.unlink(missing_ok=True)


def pdf_name(certificate: Certificate, language: str) -> str:
    return f"certificates/{certificate.code}-{language}.pdf"


def _render_delay() -> float:
    """Seconds to wait between writing the two PDFs: only tests that kill a worker mid-render set it."""
    value = getattr(settings, "CERTIFICATES_RENDER_DELAY_SECONDS", None)
    if value is None:
        value = os.environ.get("CERTIFICATES_RENDER_DELAY_SECONDS") or 0
    return float(value)


def _render_claim(certificate_id: int) -> Certificate | None:
    """Mark the row rendering and return it, or None when there is nothing to render."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.awaiting_names:
            return None
        if certificate.status not in (Certificate.Status.PENDING, Certificate.Status.RENDERING):
            return None
        if certificate.attempts >= MAX_RENDER_ATTEMPTS:
            # A render that keeps killing its worker is redelivered forever otherwise.
            certificate.status = Certificate.Status.FAILED
            certificate.last_error = f"Gave up after {certificate.attempts} render attempts."
            certificate.save(update_fields=["status", "last_error"])
            return None
        certificate.status = Certificate.Status.RENDERING
        certificate.rendering_started_at = timezone.now()
        certificate.attempts = F("attempts") + 1
        certificate.save(update_fields=["status", "rendering_started_at", "attempts"])
        certificate.refresh_from_db(fields=["attempts"])
        return certificate


def certificate_render(*, certificate_id: int) -> Certificate | None:
    """Render both PDFs of a certificate into private storage and mark it ready.

    Return the certificate, or None if there was nothing to do (already ready, revoked,
    failed, waiting for names, or gone)."""
    certificate = _render_claim(certificate_id)
    if certificate is None:
        return None
    try:
        # One credential for both PDFs (it allocates the certificate's status list bit once).
        credential = credentials.credential_jwt(certificate)
        signing_key = keys.current_key()
        pdfs = {
            language: pdf.certificate_pdf(certificate, language, credential=credential, signing_key=signing_key)
            for language in pdf.LANGUAGES
        }
        updated = _render_store(certificate, pdfs)
    except Exception as exc:
        # Kept for the admin; the task retries, and marks the row failed after the last retry.
        certificate_render_error_record(certificate_id=certificate.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    certificate.refresh_from_db()
    if updated:
        logger.info("certificate %s rendered (attempt %s)", certificate.code, certificate.attempts)
        _queue_ready_email(certificate)
    return certificate


def _render_store(certificate: Certificate, pdfs: dict[str, bytes]) -> bool:
    """Mark the certificate ready with these PDFs and write them, in one transaction. Return
    False, writing nothing, when another render of it finished first.

    The row stays locked from its update to the commit, so two renders of one certificate (a
    redelivered message beside the sweeper's) never write over each other's files: the files
    in storage are always the ones whose hashes the row records."""
    storage = private_storage()
    names = {language: pdf_name(certificate, language) for language in pdfs}
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.RENDERING).update(
            status=Certificate.Status.READY,
            pdf_ar=names["ar"],
            pdf_ar_sha256=pdf.sha256(pdfs["ar"]),
            pdf_en=names["en"],
            pdf_en_sha256=pdf.sha256(pdfs["en"]),
            rendered_at=timezone.now(),
            last_error="",
        )
        if not updated:
            return False
        for number, (language, data) in enumerate(pdfs.items()):
            if number and (delay := _render_delay()):
                time.sleep(delay)
            with atomic_write(storage, names[language]) as fh:
                fh.write(data)
            _remove_leftovers(storage, names[language])
    return True


def _queue_ready_email(certificate: Certificate) -> None:
    from .tasks import certificate_ready_email

    certificate_id = certificate.pk
    transaction.on_commit(lambda: certificate_ready_email.delay(certificate_id), robust=True)


def certificate_ready_email_send(*, certificate_id: int) -> bool:
    """Email the holder, in their preferred language, that their certificate is ready, with its
    link; once per certificate (a task run twice sends one email). Return True if sent."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))  # the holder's row is read, not locked
            .select_related("user")
            .filter(pk=certificate_id, status=Certificate.Status.READY, ready_emailed_at__isnull=True)
            .first()
        )
        if certificate is None or not certificate.user.email:
            return False
        user = certificate.user
        language = user.preferred_language if user.preferred_language in pdf.LANGUAGES else "ar"
        with translation.override(language):
            context = {
                "certificate": certificate,
                "name": user.name_arabic if language == "ar" and user.name_arabic else user.name_latin,
                "course_title": certificate.course_title_ar if language == "ar" else certificate.course_title_en,
                "url": settings.SITE_URL + reverse("certificates:detail", args=[certificate.code]),
            }
            subject = render_to_string("certificates/email/ready_subject.txt", context).strip()
            body = render_to_string("certificates/email/ready_body.txt", context)
        # Sent inside the transaction: a failed send leaves the row unmarked, and the task retries.
        send_mail(subject, body, None, [user.email])
        certificate.ready_emailed_at = timezone.now()
        certificate.save(update_fields=["ready_emailed_at"])
    return True


def certificate_render_error_record(*, certificate_id: int, error: str) -> None:
    """Keep the error of a failed render attempt that will be retried (shown in the admin)."""
    Certificate.objects.filter(pk=certificate_id).update(last_error=error[:10000])


def certificate_render_fail(*, certificate_id: int, error: str) -> None:
    """Mark a certificate failed after its last render attempt; staff can retry it from the admin."""
    Certificate.objects.filter(
        pk=certificate_id, status__in=[Certificate.Status.PENDING, Certificate.Status.RENDERING]
    ).update(status=Certificate.Status.FAILED, last_error=error[:10000])
    logger.error("certificate %s failed to render: %s", certificate_id, error[:500])


def certificate_retry(*, certificate: Certificate) -> bool:
    """Queue a failed (or stuck) certificate again with a fresh count of attempts. Return True if queued."""
    with transaction.atomic():
        updated = (
            Certificate.objects.filter(
                pk=certificate.pk,
                status__in=[Certificate.Status.FAILED, Certificate.Status.PENDING, Certificate.Status.RENDERING],
            )
            .exclude(holder_name_latin="")
            .update(status=Certificate.Status.PENDING, attempts=0, last_error="", queued_at=timezone.now())
        )
        if updated:
            _queue_render(certificate)
    return bool(updated)


def certificates_sweep(*, older_than: timedelta = SWEEP_AFTER) -> int:
    """Re-queue certificates left pending or rendering for longer than `older_than`
    (a lost message, a killed worker); give up on those that used up their attempts.
    Return the number of certificates re-queued. (HR's exports have their own sweeper.)"""
    cutoff = timezone.now() - older_than
    stuck = (
        Certificate.objects.filter(status__in=[Certificate.Status.PENDING, Certificate.Status.RENDERING])
        .exclude(holder_name_latin="")
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=cutoff))
        .filter(
            Q(status=Certificate.Status.PENDING)
            | Q(rendering_started_at__isnull=True)
            | Q(rendering_started_at__lte=cutoff)
        )
    )
    requeued = 0
    for certificate in stuck.only("pk", "attempts"):
        if certificate.attempts >= MAX_RENDER_ATTEMPTS:
            certificate_render_fail(
                certificate_id=certificate.pk,
                error=f"Gave up after {certificate.attempts} render attempts (the sweeper found it stuck).",
            )
            continue
        with transaction.atomic():
            if (
                Certificate.objects.filter(pk=certificate.pk)
                .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=cutoff))
                .update(queued_at=timezone.now())
            ):
                _queue_render(certificate)
                requeued += 1
    if requeued:
        logger.warning("certificates sweeper re-queued %s certificate(s)", requeued)
    return requeued


# --- revoking --------------------------------------------------------------------------


def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate with a reason (HR of the holder's organization, or support)."""
    if not selectors.certificate_can_revoke(user=by, certificate=certificate):
        raise PermissionDenied
    reason = clean_public_text(reason or "")  # shown publicly: no bidi or zero-width characters
    if not reason:
        raise ValidationError(_("Give the reason for revoking the certificate."))
    with transaction.atomic():
        return _revoke(Certificate.objects.select_for_update().get(pk=certificate.pk), by=by, reason=reason)


def certificate_withdraw(*, user, course_key) -> Certificate | None:
    """Revoke `user`'s certificate of the course whose completion was withdrawn (a passed result
    was marked again as a fail): a certificate never claims more than the results show. When the
    course is completed again, a new certificate is issued under a new code."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .exclude(status=Certificate.Status.REVOKED)
            .filter(user=user, course_key=course_key)
            .first()
        )
        if certificate is None:
            return None
        # The enrollment's next completion gets a certificate of its own.
        certificate.enrollment = None
        certificate.save(update_fields=["enrollment"])
        reason = " — ".join(_withdrawn_reason(language) for language in ("ar", "en"))  # shown to anyone
        return _revoke(certificate, by=None, reason=reason)


def _withdrawn_reason(language: str) -> str:
    with translation.override(language):
        return _("A result it was based on was marked again and is no longer a pass.")


def _revoke(locked: Certificate, *, by, reason: str) -> Certificate:
    """Revoke the locked certificate and announce it (hr makes the exports holding it out of date)
    in this same transaction: an export never outlives the revocation of a certificate in it."""
    if locked.status != Certificate.Status.REVOKED:
        locked.status = Certificate.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.revoked_by = by
        locked.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
        events.certificate_revoked.send(sender=Certificate, certificate=locked)
    return locked
