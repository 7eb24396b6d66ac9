"""Reads for certificates: who may see what, verification, the HR dashboard and its exports.

The dashboard issues a fixed number of queries per page, whatever the number of trainees,
courses, lessons or quiz attempts."""

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, IntegerField, Max, Q, When
from django.db.models.functions import TruncWeek
from django.utils import timezone
from wagtail.models import Locale

from .models import Certificate, Export, sees_every_organization

CODE_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")


def is_code(value: str) -> bool:
    """True if `value` looks like a certificate code; anything else is never sent to the database."""
    return bool(value) and CODE_RE.fullmatch(value) is not None


# --- access ----------------------------------------------------------------------------


def certificate_for_viewer(*, user, code: str) -> Certificate | None:
    """Return the certificate with `code` if `user` may open it (owner, HR of the owner's organization, staff)."""
    if not is_code(code):
        return None
    return Certificate.objects.visible_to(user).select_related("user").filter(code=code).first()


def certificate_can_revoke(*, user, certificate: Certificate) -> bool:
    """Support (`sees_every_organization`), or HR of the holder's organization (not the holder themself)."""
    if not user.is_authenticated:
        return False
    if sees_every_organization(user):
        return True
    return user.is_hr and user.pk != certificate.user_id and user.organization_id == certificate.user.organization_id


def certificate_can_download(*, certificate: Certificate) -> bool:
    return certificate.status == Certificate.Status.READY and bool(certificate.pdf_ar and certificate.pdf_en)


def export_for_viewer(*, user, export_id: int) -> Export | None:
    """Return the export if `user` is HR of its organization (or support, `sees_every_organization`)."""
    if not user.is_authenticated:
        return None
    exports = Export.objects.all()
    if not sees_every_organization(user):
        if not user.is_hr:
            return None
        exports = exports.filter(organization_id=user.organization_id)
    return exports.filter(pk=export_id).first()


def certificates_of(*, user) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).order_by("-issued_at"))


# --- verification ----------------------------------------------------------------------


def certificate_verification(*, code: str) -> dict:
    """Return what the public verification page shows for `code`: valid, revoked or unknown.

    Only what is printed on the certificate itself; never an email or an internal id."""
    certificate = None
    if is_code(code):
        certificate = (
            Certificate.objects.filter(code=code, status__in=[Certificate.Status.READY, Certificate.Status.REVOKED])
            .only(
                "code",
                "status",
                "holder_name_latin",
                "holder_name_arabic",
                "course_title_en",
                "course_title_ar",
                "organization_name",
                "completed_on",
                "hours",
                "revoked_at",
                "revoked_reason",
            )
            .first()
        )
    if certificate is None:
        return {"code": code if is_code(code) else "", "status": "unknown"}
    result = {
        "code": certificate.code,
        "status": "revoked" if certificate.status == Certificate.Status.REVOKED else "valid",
        "holder": {"en": certificate.holder_name_latin, "ar": certificate.holder_name_arabic},
        "course": {"en": certificate.course_title_en, "ar": certificate.course_title_ar},
        "completed_on": certificate.completed_on.isoformat(),
        "hours": certificate.hours,
        "organization": certificate.organization_name,
        "issuer": "Masar",
    }
    if certificate.status == Certificate.Status.REVOKED:
        result["revoked_on"] = (
            timezone.localdate(certificate.revoked_at).isoformat() if certificate.revoked_at else None
        )
        result["revoked_reason"] = certificate.revoked_reason
    return result


# --- HR dashboard ----------------------------------------------------------------------

STATUS_IN_PROGRESS = "in_progress"
STATUS_COMPLETED = "completed"
CERTIFICATE_STATUS_FILTERS = {
    "certificate_pending": [Certificate.Status.PENDING, Certificate.Status.RENDERING],
    "certificate_ready": [Certificate.Status.READY],
    "certificate_failed": [Certificate.Status.FAILED],
    "certificate_revoked": [Certificate.Status.REVOKED],
}


@dataclass
class DashboardFilters:
    """The dashboard's filters in plain values, so an export can store and replay them."""

    course_key: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("date_from", "date_to"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> "DashboardFilters":
        def parse(value):
            try:
                return date.fromisoformat(value) if value else None
            except (TypeError, ValueError):
                return None

        return cls(
            course_key=str(data.get("course_key") or ""),
            status=str(data.get("status") or ""),
            date_from=parse(data.get("date_from")),
            date_to=parse(data.get("date_to")),
            q=str(data.get("q") or "")[:100],
        )


def hr_enrollments(*, organization_id: int, filters: DashboardFilters):
    """Return the enrollments of the organization's trainees matching `filters`, newest completions first."""
    from accounts.models import User
    from courses.models import Enrollment

    enrollments = Enrollment.objects.filter(user__organization_id=organization_id, user__role=User.Role.TRAINEE)
    if filters.course_key:
        try:
            enrollments = enrollments.filter(course_key=uuid.UUID(filters.course_key))
        except ValueError:
            enrollments = enrollments.none()
    if filters.status == STATUS_IN_PROGRESS:
        enrollments = enrollments.filter(completed_at__isnull=True)
    elif filters.status == STATUS_COMPLETED:
        enrollments = enrollments.filter(completed_at__isnull=False)
    elif filters.status in CERTIFICATE_STATUS_FILTERS:
        enrollments = enrollments.filter(certificate__status__in=CERTIFICATE_STATUS_FILTERS[filters.status])
    if filters.date_from:
        enrollments = enrollments.filter(completed_at__date__gte=filters.date_from)
    if filters.date_to:
        enrollments = enrollments.filter(completed_at__date__lte=filters.date_to)
    if filters.q:
        words = filters.q.split()
        for word in words[:5]:
            enrollments = enrollments.filter(
                Q(user__name_latin__icontains=word)
                | Q(user__name_arabic__icontains=word)
                | Q(user__username__icontains=word)
                | Q(user__email__icontains=word)
            )
    return enrollments.order_by(F("completed_at").desc(nulls_last=True), "-enrolled_at", "-pk")


@dataclass
class DashboardRow:
    enrollment: object
    user: object
    certificate: Certificate | None
    course_title: str
    lessons_done: int = 0
    lessons_total: int = 0
    quizzes_total: int = 0
    quizzes_passed: int = 0
    quiz_best: int | None = None

    @property
    def percent(self) -> int:
        if self.enrollment.completed_at:
            return 100
        steps = self.lessons_total + self.quizzes_total
        return min(100, round((self.lessons_done + self.quizzes_passed) * 100 / steps)) if steps else 0


@dataclass
class CourseFacts:
    title: str = ""
    lessons: int = 0
    quiz_keys: set = field(default_factory=set)


def course_facts(*, course_keys: set, language: str) -> dict:
    """Return {course_key: CourseFacts} for `course_keys`: title in `language`, live lessons, quiz keys.

    Three queries, whatever the number of courses, modules and lessons."""
    from courses.models import CoursePage, LessonPage, ModulePage

    if not course_keys:
        return {}
    pages = list(
        CoursePage.objects.filter(translation_key__in=course_keys)
        .select_related("locale")
        .only("id", "path", "depth", "title", "translation_key", "locale__language_code", "live")
    )
    chosen = {}
    for page in pages:
        current = chosen.get(page.translation_key)
        preferred = page.locale.language_code == language
        if current is None or (preferred and current.locale.language_code != language):
            chosen[page.translation_key] = page
    facts = {key: CourseFacts(title=page.title) for key, page in chosen.items()}
    by_path = {page.path: page.translation_key for page in chosen.values()}
    if not by_path:
        return facts
    course_len = len(next(iter(by_path)))
    under_courses = Q()
    for path in by_path:
        under_courses |= Q(path__startswith=path)
    for path in LessonPage.objects.live().filter(under_courses).values_list("path", flat=True):
        key = by_path.get(path[:course_len])
        if key:
            facts[key].lessons += 1
    modules = (
        ModulePage.objects.live().filter(under_courses, quiz__isnull=False).values_list("path", "quiz__translation_key")
    )
    for path, quiz_key in modules:
        key = by_path.get(path[:course_len])
        if key:
            facts[key].quiz_keys.add(quiz_key)
    return facts


def dashboard_rows(*, enrollments: list, language: str) -> list[DashboardRow]:
    """Decorate a page of enrollments (with `user` and `certificate` selected) with progress and quiz scores."""
    from courses.models import LessonCompletion
    from quizzes.models import Attempt

    if not enrollments:
        return []
    facts = course_facts(course_keys={e.course_key for e in enrollments}, language=language)
    user_ids = {e.user_id for e in enrollments}
    done = {
        (row["user_id"], row["course_key"]): row["n"]
        for row in LessonCompletion.objects.filter(user_id__in=user_ids, course_key__in=facts.keys())
        .values("user_id", "course_key")
        .annotate(n=Count("id"))
    }
    quiz_keys = set().union(*(f.quiz_keys for f in facts.values())) if facts else set()
    best = {}
    if quiz_keys:
        percent = ExpressionWrapper(F("score") * 100 / F("max_score"), output_field=FloatField())
        attempts = (
            Attempt.objects.filter(
                user_id__in=user_ids, quiz_key__in=quiz_keys, max_score__gt=0, submitted_at__isnull=False
            )
            .values("user_id", "quiz_key")
            .annotate(
                best=Max(percent), passed=Max(Case(When(passed=True, then=1), default=0, output_field=IntegerField()))
            )
        )
        best = {(row["user_id"], row["quiz_key"]): (float(row["best"] or 0), bool(row["passed"])) for row in attempts}
    rows = []
    for enrollment in enrollments:
        course = facts.get(enrollment.course_key, CourseFacts(title="—"))
        scores = [best[(enrollment.user_id, key)] for key in course.quiz_keys if (enrollment.user_id, key) in best]
        rows.append(
            DashboardRow(
                enrollment=enrollment,
                user=enrollment.user,
                certificate=getattr(enrollment, "certificate", None),
                course_title=course.title,
                lessons_done=min(done.get((enrollment.user_id, enrollment.course_key), 0), course.lessons),
                lessons_total=course.lessons,
                quizzes_total=len(course.quiz_keys),
                quizzes_passed=sum(1 for _score, passed in scores if passed),
                quiz_best=round(sum(score for score, _ in scores) / len(scores)) if scores else None,
            )
        )
    return rows


def with_relations(enrollments):
    return enrollments.select_related("user", "certificate")


def dashboard_summary(*, enrollments) -> dict:
    return enrollments.aggregate(
        total=Count("id"),
        completed=Count("id", filter=Q(completed_at__isnull=False)),
        certified=Count("id", filter=Q(certificate__status=Certificate.Status.READY)),
    )


def completions_per_week(*, enrollments, weeks: int = 12, until: date | None = None) -> list[dict]:
    """Return the number of completions in each of the `weeks` weeks up to `until` (default: today)."""
    until = until or timezone.localdate()
    last_monday = until - timedelta(days=until.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    counts = {}
    rows = (
        enrollments.filter(
            completed_at__isnull=False, completed_at__date__gte=first_monday, completed_at__date__lte=until
        )
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        week = row["week"]
        if isinstance(week, datetime):
            week = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        counts[week] = counts.get(week, 0) + row["n"]
    top = max(counts.values(), default=0)
    result = []
    for i in range(weeks):
        monday = first_monday + timedelta(weeks=i)
        n = counts.get(monday, 0)
        result.append({"week": monday, "count": n, "percent": round(n * 100 / top) if top else 0})
    return result


def course_choices(*, language: str) -> list[tuple[str, str]]:
    """(course key, title) of the live courses in `language`, for the dashboard's course filter."""
    from courses.models import CoursePage

    locale = Locale.objects.filter(language_code=language).first()
    courses = CoursePage.objects.live().order_by("path")
    if locale:
        courses = courses.filter(locale=locale)
    return [(str(key), title) for key, title in courses.values_list("translation_key", "title")]


def export_certificates(*, export: Export):
    """The ready certificates of the export's organization that match its filters."""
    filters = DashboardFilters.from_json(export.filters or {})
    enrollment_ids = hr_enrollments(organization_id=export.organization_id, filters=filters).values("pk")
    return (
        Certificate.objects.filter(
            status=Certificate.Status.READY,
            enrollment_id__in=enrollment_ids,
            user__organization_id=export.organization_id,
        )
        .exclude(pdf_ar="")
        .order_by("holder_name_latin", "course_title_en", "pk")
    )


def hr_exports(*, user, limit: int = 5) -> list[Export]:
    if not user.is_hr:
        return []
    return list(Export.objects.filter(organization_id=user.organization_id).order_by("-created_at")[:limit])
