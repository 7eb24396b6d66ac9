"""Writes for HR: ZIP exports of an organization's certificates, their sweeper, and making them
out of date when a certificate in them is revoked (certificates.events.certificate_revoked);
assigning courses to trainees with a due date, the reminders before and after it and the weekly
digest to HR (sent by Celery beat, each claimed in the database before it is sent)."""

import io
import logging
import shutil
import uuid
import zipfile
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from certificates import pdf
from certificates.models import Certificate
from certificates.storage import atomic_write, files_delete, private_storage
from core import spreadsheet
from courses import selectors as course_selectors
from courses.models import CourseAssignment, CoursePage, Enrollment

from . import selectors
from .models import Digest, Export, Reminder

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
    # Every organization's ready exports, not only the holder's organization of today: a trainee
    # who moved to another organization since leaves their certificate in the old one's ZIPs.
    live = [Export.Status.READY, Export.Status.RUNNING]
    exports = Export.objects.select_for_update().filter(status__in=live).only("pk", "status", "certificate_ids")
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


# --- course assignments -------------------------------------------------------------------


def assignments_create(*, actor, course_key: uuid.UUID, due_on: date, user_ids: list[int] | None = None) -> int:
    """Assign the course `course_key` to the trainees of `actor`'s organization (all of them, or
    those of `user_ids`), due on `due_on`; assigning again changes the due date, and the reminders
    start over for the new date. Return how many trainees it was assigned to. PermissionDenied
    unless `actor` is HR; a ValidationError for a date in the past or a course that is not live."""
    if not actor.is_authenticated or not actor.is_hr:
        raise PermissionDenied
    if due_on < selectors.site_today():
        raise ValidationError(_("The due date is in the past: choose today or a later date."), code="past")
    if not CoursePage.objects.live().filter(translation_key=course_key).exists():
        raise ValidationError(_("Choose one of the courses in the list."), code="course")
    members = User.objects.filter(organization_id=actor.organization_id, role=User.Role.TRAINEE, is_active=True)
    if user_ids is not None:
        members = members.filter(pk__in=user_ids)
    ids = list(members.values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        moved = CourseAssignment.objects.filter(course_key=course_key, user_id__in=members.values("pk")).exclude(
            due_on=due_on
        )
        Reminder.objects.filter(assignment__in=moved.values("pk")).delete()
        CourseAssignment.objects.bulk_create(
            [
                CourseAssignment(user_id=pk, course_key=course_key, due_on=due_on, assigned_by=actor, assigned_at=now)
                for pk in ids
            ],
            update_conflicts=True,
            unique_fields=["user", "course_key"],
            update_fields=["due_on", "assigned_by", "assigned_at"],
            batch_size=500,
        )
    return len(ids)


def assignment_delete(*, actor, assignment: CourseAssignment) -> None:
    """Take an assignment back (HR of the trainee's organization only); its reminders go with it."""
    if not actor.is_hr or assignment.user.organization_id != actor.organization_id:
        raise PermissionDenied
    assignment.delete()


# --- reminders and the weekly digest ------------------------------------------------------

# A reminder goes out on the first beat run at or after its day, while the assignment is not
# completed: (kind, first day, last day), days counted from the due date. A beat down for a week
# sends only the latest reminder that still applies, not three at once.
REMINDER_DAYS = [
    (Reminder.Kind.BEFORE, -3, 0),
    (Reminder.Kind.AFTER_1, 1, 6),
    (Reminder.Kind.AFTER_7, 7, 13),
]
SEND_BATCH = 200  # messages per send_messages call, each batch marked sent right after it


def reminder_kind(*, due_on: date, today: date) -> str | None:
    late = (today - due_on).days
    return next((kind for kind, first, last in REMINDER_DAYS if first <= late <= last), None)


def _not_completed(assignments):
    completed = Enrollment.objects.filter(
        user_id=OuterRef("user_id"), course_key=OuterRef("course_key"), completed_at__isnull=False
    )
    return assignments.exclude(Exists(completed))


def _send_claimed(rows: list, build, model) -> int:
    """Send the message `build(row)` of each claimed row through one connection, one message at a
    time, and mark each batch of SEND_BATCH sent as soon as it is. When the mail server refuses a
    message, the rows already sent are marked sent and the rest are given back (deleted) so the
    next run tries them again: a message that went out is never sent again (an SMTP backend sends
    a list message by message, so a refusal halfway through a list must not release the whole list).
    A run that dies between a send and its mark leaves the rows claimed and unsent: never sent
    twice, at the price of one possibly lost (logged, in the admin)."""
    sent = 0
    connection = get_connection()
    try:
        connection.open()
        for start in range(0, len(rows), SEND_BATCH):
            batch = rows[start : start + SEND_BATCH]
            done = []
            try:
                for row in batch:
                    if connection.send_messages([build(row)]):
                        done.append(row.pk)
            except OSError:  # smtplib's errors are OSErrors: the message and the rest of the run are released
                logger.exception(
                    "reminders: the mail server refused a message after %s of this run; the rest are released",
                    sent + len(done),
                )
                model.objects.filter(pk__in=done).update(sent_at=timezone.now())
                sent += len(done)
                unsent = [row.pk for row in rows[start:] if row.pk not in set(done)]
                model.objects.filter(pk__in=unsent, sent_at__isnull=True).delete()
                return sent
            model.objects.filter(pk__in=done).update(sent_at=timezone.now())
            sent += len(done)
    finally:
        connection.close()
    return sent


def _course_titles(keys: set) -> dict[tuple[str, uuid.UUID], str]:
    """{(language, course key): title}: one query per language."""
    titles = {}
    for language, _name in settings.LANGUAGES:
        for key, page in course_selectors.courses_in_language(course_keys=keys, language=language).items():
            titles[(language, key)] = page.title
    return titles


def _absolute(language: str, name: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name)


def assignment_reminders_send(*, today: date | None = None) -> int:
    """Email each trainee whose assigned course is due in 3 days or less, or 1 or 7 days overdue,
    and not completed, in their language; return how many were sent. Each (assignment, kind) is
    claimed first (INSERT ... ON CONFLICT DO NOTHING on its unique constraint), then sent, so two
    runs at once, a double beat or a restart never send one twice. A fixed number of queries
    besides one per batch of SEND_BATCH messages."""
    today = today or selectors.site_today()
    run, now = uuid.uuid4(), timezone.now()
    candidates = _not_completed(
        CourseAssignment.objects.filter(
            due_on__gte=today - timedelta(days=REMINDER_DAYS[-1][2]),
            due_on__lte=today - timedelta(days=REMINDER_DAYS[0][1]),
            user__is_active=True,
        )
    ).values_list("pk", "due_on")
    claims = [
        Reminder(assignment_id=pk, kind=kind, run=run, claimed_at=now)
        for pk, due_on in candidates
        if (kind := reminder_kind(due_on=due_on, today=today))
    ]
    Reminder.objects.bulk_create(claims, ignore_conflicts=True, batch_size=500)
    rows = list(Reminder.objects.filter(run=run).select_related("assignment__user").order_by("pk"))
    if not rows:
        return 0
    titles = _course_titles({row.assignment.course_key for row in rows})

    def build(row) -> EmailMessage:
        assignment, user = row.assignment, row.assignment.user
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "user": user,
                "course": titles.get((language, assignment.course_key))
                or next((t for (_lang, key), t in titles.items() if key == assignment.course_key), "—"),
                "due_on": assignment.due_on,
                "overdue": assignment.due_on < today,
                "days": abs((assignment.due_on - today).days),
                "url": _absolute(language, "courses:my_learning"),
            }
            subject = " ".join(render_to_string("hr/email/reminder_subject.txt", context).split())
            body = render_to_string("hr/email/reminder.txt", context)
        return EmailMessage(subject, body, to=[user.email])

    return _send_claimed(rows, build, Reminder)


def assignment_digests_send(*, today: date | None = None, within: int = 7) -> int:
    """Email each HR member, once a week, the trainees of their organization whose assigned courses
    are overdue or due within `within` days, in the member's language; claimed like the reminders.
    Return how many were sent."""
    today = today or selectors.site_today()
    week = today - timedelta(days=today.weekday())
    run, now = uuid.uuid4(), timezone.now()
    due = _not_completed(
        CourseAssignment.objects.filter(
            due_on__lte=today + timedelta(days=within), user__is_active=True, user__organization__isnull=False
        )
    ).values_list(
        "user__organization_id", "user__name_latin", "user__name_arabic", "user__email", "course_key", "due_on"
    )
    by_org: dict[int, list] = {}
    for org_id, latin, arabic, email, course_key, due_on in due.order_by("due_on", "user__name_latin"):
        by_org.setdefault(org_id, []).append((latin, arabic, email, course_key, due_on))
    if not by_org:
        return 0
    members = User.objects.filter(role=User.Role.HR, organization_id__in=by_org, is_active=True).values_list(
        "pk", flat=True
    )
    Digest.objects.bulk_create(
        [Digest(user_id=pk, week=week, run=run, claimed_at=now) for pk in members],
        ignore_conflicts=True,
        batch_size=500,
    )
    rows = list(Digest.objects.filter(run=run).select_related("user__organization").order_by("pk"))
    if not rows:
        return 0
    titles = _course_titles({item[3] for items in by_org.values() for item in items})

    def build(row) -> EmailMessage:
        user = row.user
        language = user.preferred_language or settings.LANGUAGE_CODE
        items = by_org[user.organization_id]
        with translation.override(language):
            lines = [
                {
                    "name": (arabic if language == "ar" and arabic else latin) or email,
                    "email": email,
                    "course": titles.get((language, key), "—"),
                    "due_on": due_on,
                    "overdue": due_on < today,
                }
                for latin, arabic, email, key, due_on in items
            ]
            context = {
                "user": user,
                "organization": user.organization,
                "overdue": [line for line in lines if line["overdue"]],
                "soon": [line for line in lines if not line["overdue"]],
                "within": within,
                "url": _absolute(language, "hr:dashboard"),
            }
            subject = " ".join(render_to_string("hr/email/digest_subject.txt", context).split())
            body = render_to_string("hr/email/digest.txt", context)
        return EmailMessage(subject, body, to=[user.email])

    return _send_claimed(rows, build, Digest)
