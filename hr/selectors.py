"""Reads for HR: the dashboard of an organization's trainees, its filters and its exports.

The dashboard issues a fixed number of queries per page, whatever the number of trainees,
courses, lessons or quiz attempts. Its percent complete is the courses app's rule
(courses.selectors.StepsDone), so HR sees what the trainee sees on their own pages."""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Exists, ExpressionWrapper, F, FilteredRelation, FloatField, Max, OuterRef, Q
from django.db.models.functions import Lower, TruncWeek
from django.utils import timezone
from wagtail.models import Locale

from accounts.models import ExtraTimeChange, Invitation, User
from certificates.models import Certificate, sees_every_organization
from courses import selectors as course_selectors
from courses.models import CourseAssignment, CoursePage, Enrollment
from quizzes.models import Attempt

from .models import Export

STATUS_IN_PROGRESS = "in_progress"
STATUS_COMPLETED = "completed"
STATUS_NOT_STARTED = "not_started"
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


# The dashboard's sortable columns: `?sort=<name>` or `?sort=-<name>`; anything else is the default.
# Each maps to the fields it orders by (the member's row, `e` the enrollment shown on it).
SORTS = {
    "name": ("name_latin",),
    "name_ar": ("name_arabic",),
    "email": ("email",),
    "enrolled": ("e__enrolled_at",),
    "activity": ("e__last_activity_at",),
    "completed": ("e__completed_at",),
}
DEFAULT_SORT = "-completed"


def sort_parse(value: str | None) -> tuple[str, bool]:
    """(column, descending) for a `?sort=` value; the default for anything not in SORTS."""
    value = (value or "").strip()
    name = value.removeprefix("-")
    if name not in SORTS:
        value = DEFAULT_SORT
        name = value.removeprefix("-")
    return name, value.startswith("-")


def _enrollment_condition(filters: DashboardFilters, organization_id: int) -> tuple[Q, bool]:
    """The condition on the enrollment a member's row shows, and whether the filters ask for one
    (a member without a matching enrollment is then left out)."""
    condition = Q()
    needs = False
    if filters.course_key:
        try:
            condition &= Q(enrollments__course_key=uuid.UUID(filters.course_key))
        except ValueError:
            condition &= Q(pk__in=[])
    if filters.status == STATUS_IN_PROGRESS:
        condition &= Q(enrollments__completed_at__isnull=True)
        needs = True
    elif filters.status == STATUS_COMPLETED:
        condition &= Q(enrollments__completed_at__isnull=False)
        needs = True
    elif filters.status in CERTIFICATE_STATUS_FILTERS:
        # A FilteredRelation takes no subquery: the organization's enrollments with such a
        # certificate are read first (one query; at most one per trainee and course).
        certified = Certificate.objects.filter(
            status__in=CERTIFICATE_STATUS_FILTERS[filters.status],
            user__organization_id=organization_id,
            enrollment_id__isnull=False,
        )
        condition &= Q(enrollments__in=list(certified.values_list("enrollment_id", flat=True)))
        needs = True
    if filters.date_from:
        condition &= Q(enrollments__completed_at__date__gte=filters.date_from)
        needs = True
    if filters.date_to:
        condition &= Q(enrollments__completed_at__date__lte=filters.date_to)
        needs = True
    if filters.course_key and filters.status != STATUS_NOT_STARTED:
        needs = True
    return condition, needs


def hr_members(*, organization_id: int, filters: DashboardFilters, sort: str | None = None):
    """Return the organization's trainees as dashboard rows: one per enrollment matching `filters`,
    and one (with `enrollment_id` None) for a trainee with none, so those who never started are
    listed too. Each row is a User with `enrollment_id` annotated; sorted by `sort` (SORTS)."""
    condition, needs_enrollment = _enrollment_condition(filters, organization_id)
    members = User.objects.filter(organization_id=organization_id, role=User.Role.TRAINEE)
    if filters.q:
        for word in filters.q.split()[:5]:
            members = members.filter(
                Q(name_latin__icontains=word)
                | Q(name_arabic__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
            )
    members = members.annotate(
        e=FilteredRelation("enrollments", condition=condition) if condition else FilteredRelation("enrollments")
    ).annotate(enrollment_id=F("e__id"))
    if filters.status == STATUS_NOT_STARTED:
        members = members.filter(e__isnull=True)
    elif needs_enrollment:
        members = members.filter(e__isnull=False)
    name, descending = sort_parse(sort)
    order = [F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True) for field in SORTS[name]]
    return members.order_by(*order, "name_latin", "pk", F("e__id").asc(nulls_last=True))


def member_rows(*, members: list, language: str) -> list["DashboardRow"]:
    """Decorate a page of `hr_members` with their enrollments, progress, scores and assigned courses:
    at most eleven queries however many members, courses, lessons, attempts and assignments."""
    ids = [m.enrollment_id for m in members if m.enrollment_id]
    enrollments = Enrollment.objects.filter(pk__in=ids).select_related("user", "certificate") if ids else []
    enrollments = list(enrollments)
    due = assignments_of(user_ids={m.pk for m in members})
    idle = {m.pk for m in members if not m.enrollment_id}
    keys = {e.course_key for e in enrollments} | {key for user_id, key in due if user_id in idle}
    # One read of the course titles for the enrolled and the assigned courses of the page.
    titles = course_selectors.courses_in_language(course_keys=keys, language=language) if keys else {}
    decorated = {
        row.enrollment.pk: row for row in dashboard_rows(enrollments=enrollments, language=language, courses=titles)
    }
    rows = []
    for member in members:
        row = decorated.get(member.enrollment_id)
        if row is None:
            row = DashboardRow(
                enrollment=None, user=member, certificate=None, course_title="", progress=course_selectors.StepsDone()
            )
            row.assigned = sorted(
                (
                    (titles[key].title, due_on)
                    for (user_id, key), due_on in due.items()
                    if user_id == member.pk and key in titles
                ),
                key=lambda item: item[1],
            )
        else:
            row.user = member
            row.due_on = due.get((member.pk, row.enrollment.course_key))
        rows.append(row)
    return rows


@dataclass
class DashboardRow:
    enrollment: Enrollment | None  # None: a member who has not started any course (of the filter)
    user: User
    certificate: Certificate | None
    course_title: str
    progress: course_selectors.StepsDone
    quiz_best: int | None = None  # the mean of the trainee's best score in each quiz they took
    module_quizzes_passed: int = 0
    module_quizzes: int = 0
    exam_best: int | None = None  # the best score of the course's final exam, if taken
    has_exam: bool = False
    due_on: date | None = None  # when HR assigned the row's course: its due date
    assigned: list = field(default_factory=list)  # a member not started: (course title, due date) assigned

    @property
    def overdue(self) -> bool:
        completed = self.enrollment is not None and self.enrollment.completed_at is not None
        return bool(self.due_on and not completed and self.due_on < site_today())

    @property
    def started(self) -> bool:
        return self.enrollment is not None

    @property
    def lessons_done(self) -> int:
        return self.progress.lessons_done

    @property
    def lessons_total(self) -> int:
        return self.progress.lessons

    @property
    def quizzes_passed(self) -> int:
        return self.progress.quizzes_passed

    @property
    def quizzes_total(self) -> int:
        return self.progress.quizzes

    @property
    def percent(self) -> int:
        return self.progress.percent


def _best_scores(*, user_ids: set, quiz_keys: set) -> dict[tuple[int, uuid.UUID], float]:
    """{(user id, quiz key): the best percent of the user's submitted attempts}: one query."""
    if not quiz_keys:
        return {}
    percent = ExpressionWrapper(F("score") * 100 / F("max_score"), output_field=FloatField())
    attempts = (
        Attempt.objects.filter(
            user_id__in=user_ids, quiz_key__in=quiz_keys, max_score__gt=0, submitted_at__isnull=False
        )
        .values("user_id", "quiz_key")
        .annotate(best=Max(percent))
    )
    return {(row["user_id"], row["quiz_key"]): float(row["best"] or 0) for row in attempts}


def dashboard_rows(*, enrollments: list, language: str, courses: dict | None = None) -> list[DashboardRow]:
    """Decorate a page of enrollments (with `user` and `certificate` selected) with progress and
    quiz scores: seven queries, however many enrollments, courses, lessons and attempts."""
    if not enrollments:
        return []
    if courses is None:  # {course key: its page in `language`}, when the caller has not read them
        courses = course_selectors.courses_in_language(
            course_keys={e.course_key for e in enrollments}, language=language
        )
    steps = course_selectors.course_steps(courses=courses.values())
    progress = course_selectors.steps_done_many(pairs={(e.user_id, e.course_key) for e in enrollments}, steps=steps)
    best = _best_scores(
        user_ids={e.user_id for e in enrollments}, quiz_keys={key for s in steps.values() for key in s.quiz_keys}
    )
    exam_keys = {s.exam_key for s in steps.values() if s.exam_key}
    exams_passed = set()
    if exam_keys:
        exams_passed = set(
            Attempt.objects.filter(user_id__in={e.user_id for e in enrollments}, quiz_key__in=exam_keys, passed=True)
            .values_list("user_id", "quiz_key")
            .distinct()
        )
    rows = []
    for enrollment in enrollments:
        course = courses.get(enrollment.course_key)
        course_steps = steps.get(enrollment.course_key, course_selectors.CourseSteps())
        quiz_keys = set(course_steps.quiz_keys)
        scores = [best[(enrollment.user_id, key)] for key in quiz_keys if (enrollment.user_id, key) in best]
        done = progress.get((enrollment.user_id, enrollment.course_key), course_selectors.StepsDone())
        exam = course_steps.exam_key
        exam_passed = int((enrollment.user_id, exam) in exams_passed)
        exam_score = best.get((enrollment.user_id, exam)) if exam else None
        rows.append(
            DashboardRow(
                enrollment=enrollment,
                user=enrollment.user,
                certificate=getattr(enrollment, "certificate", None),
                course_title=course.title if course else "—",
                progress=done,
                quiz_best=round(sum(scores) / len(scores)) if scores else None,
                module_quizzes_passed=done.quizzes_passed - exam_passed,
                module_quizzes=done.quizzes - int(bool(exam)),
                exam_best=None if exam_score is None else round(exam_score),
                has_exam=bool(exam),
            )
        )
    return rows


def with_relations(enrollments):
    return enrollments.select_related("user", "certificate")


def dashboard_summary(*, enrollments, organization_id: int | None = None) -> dict:
    """The counts above the table; with `organization_id`, its trainees and those who never started."""
    summary = enrollments.aggregate(
        total=Count("id"),
        completed=Count("id", filter=Q(completed_at__isnull=False)),
        certified=Count("id", filter=Q(certificate__status=Certificate.Status.READY)),
    )
    if organization_id is not None:
        summary.update(
            User.objects.filter(organization_id=organization_id, role=User.Role.TRAINEE).aggregate(
                members=Count("id", distinct=True), not_started=Count("id", filter=Q(enrollments__isnull=True))
            )
        )
    return summary


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
    locale = Locale.objects.filter(language_code=language).first()
    courses = CoursePage.objects.live().order_by("path")
    if locale:
        courses = courses.filter(locale=locale)
    return [(str(key), title) for key, title in courses.values_list("translation_key", "title")]


# --- a trainee's extra time ---------------------------------------------------------------


def hr_trainee(*, user, trainee_id: int) -> User | None:
    """Return the trainee if `user` is HR of the trainee's organization; None for anyone else."""
    if not user.is_authenticated or not user.is_hr:
        return None
    return User.objects.filter(pk=trainee_id, role=User.Role.TRAINEE, organization_id=user.organization_id).first()


def extra_time_changes(*, trainee: User, limit: int = 50) -> list[ExtraTimeChange]:
    """The trainee's extra time log, newest first, with who changed it: one query."""
    return list(trainee.extra_time_changes.select_related("changed_by")[:limit])


# --- exports ---------------------------------------------------------------------------


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


# --- invitations -----------------------------------------------------------------------


def hr_invitations(*, organization_id: int, limit: int = 200) -> list[Invitation]:
    """The organization's invitations, newest first, with who sent them: one query."""
    return list(Invitation.objects.filter(organization_id=organization_id).select_related("invited_by", "user")[:limit])


def hr_invitation(*, user, invitation_id: int) -> Invitation | None:
    """The invitation if `user` is HR of its organization; None for anyone else."""
    if not user.is_authenticated or not user.is_hr:
        return None
    return (
        Invitation.objects.filter(pk=invitation_id, organization_id=user.organization_id)
        .select_related("organization")
        .first()
    )


# --- assignments -----------------------------------------------------------------------


def site_today() -> date:
    """Today in the site's time zone (settings.TIME_ZONE): the day due dates are counted in.

    A due date is a calendar day of the organization, not of whoever reads the page: the request's
    time zone is the reader's browser's (core.middleware.TimeZoneMiddleware), so HR in another
    zone, the trainee, the form and the beat tasks would otherwise disagree on what is overdue."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def assignable_members(*, organization_id: int):
    """The trainees a course can be assigned to: the organization's active trainees."""
    return User.objects.filter(organization_id=organization_id, role=User.Role.TRAINEE, is_active=True)


def member_label(user: User, language: str) -> str:
    """How the member picker names a trainee: the name of the page's language, and the address."""
    name = (user.name_arabic if language == "ar" and user.name_arabic else user.name_latin) or user.email
    return f"{name} <{user.email}>"


def member_search(*, organization_id: int, q: str = ""):
    """The organization's assignable trainees whose name, username or email holds every word of
    `q` (at most five words), by name: a query set to paginate (two queries a page)."""
    members = assignable_members(organization_id=organization_id)
    for word in q.split()[:5]:
        members = members.filter(
            Q(name_latin__icontains=word)
            | Q(name_arabic__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return members.order_by("name_latin", "pk").only("pk", "name_latin", "name_arabic", "email")


def members_known(*, organization_id: int, user_ids: set[int]) -> set[int]:
    """The ids of `user_ids` that are assignable trainees of the organization: one query per 500 ids."""
    known: set[int] = set()
    ids = sorted(user_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(
            assignable_members(organization_id=organization_id).filter(pk__in=chunk).values_list("pk", flat=True)
        )
    return known


def accounts_by_email(*, emails: list[str]) -> dict[str, tuple[int, int | None, str]]:
    """{lower-case address: (user id, organization id, role)} of the accounts with one of `emails`
    (any organization, so a paste can say "not in your organization"): one query per 500 addresses."""
    found: dict[str, tuple[int, int | None, str]] = {}
    wanted = sorted(set(emails))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = (
            User.objects.annotate(address=Lower("email"))
            .filter(address__in=chunk, is_active=True)
            .values_list("address", "pk", "organization_id", "role")
        )
        found.update((address, (pk, org, role)) for address, pk, org, role in rows)
    return found


@dataclass
class AssignmentRow:
    assignment: CourseAssignment
    course_title: str
    completed: bool
    today: date

    @property
    def overdue(self) -> bool:
        return not self.completed and self.assignment.due_on < self.today

    @property
    def days_left(self) -> int:
        return (self.assignment.due_on - self.today).days


def _assignment_rows(assignments: list, *, language: str, today: date) -> list[AssignmentRow]:
    """Decorate assignments (with `user` selected) with their course title and whether the trainee
    completed it: two queries."""
    if not assignments:
        return []
    courses = course_selectors.courses_in_language(course_keys={a.course_key for a in assignments}, language=language)
    completed = set(
        Enrollment.objects.filter(
            user_id__in={a.user_id for a in assignments},
            course_key__in={a.course_key for a in assignments},
            completed_at__isnull=False,
        ).values_list("user_id", "course_key")
    )
    return [
        AssignmentRow(
            assignment=a,
            course_title=courses[a.course_key].title if a.course_key in courses else "—",
            completed=(a.user_id, a.course_key) in completed,
            today=today,
        )
        for a in assignments
    ]


def _open_assignments(organization_id: int):
    completed = Enrollment.objects.filter(
        user_id=OuterRef("user_id"), course_key=OuterRef("course_key"), completed_at__isnull=False
    )
    return CourseAssignment.objects.filter(user__organization_id=organization_id).exclude(Exists(completed))


def assignments_attention(*, organization_id: int, within: int = 7, limit: int = 10, language: str) -> dict:
    """The organization's assignments overdue or due within `within` days and not completed, soonest
    first (at most `limit` of each: the dashboard links to the full list), with how many there are:
    five queries, whatever the numbers."""
    today = site_today()
    open_ = _open_assignments(organization_id)
    counts = open_.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)),
        soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=within))),
    )
    overdue = list(open_.filter(due_on__lt=today).select_related("user").order_by("due_on", "pk")[:limit])
    soon = open_.filter(due_on__gte=today, due_on__lte=today + timedelta(days=within))
    soon = list(soon.select_related("user").order_by("due_on", "pk")[:limit])
    rows = _assignment_rows(overdue + soon, language=language, today=today)
    return {
        "overdue": rows[: len(overdue)],
        "soon": rows[len(overdue) :],
        "overdue_count": counts["overdue"],
        "soon_count": counts["soon"],
        "within": within,
        "more": counts["overdue"] > len(overdue) or counts["soon"] > len(soon),
    }


def hr_assignments(*, organization_id: int, language: str, page: int | str | None = 1, per_page: int = 50):
    """A page of the organization's assignments, soonest due first, and its rows: four queries
    (the count, the page, course titles, completions) however many there are."""
    assignments = (
        CourseAssignment.objects.filter(user__organization_id=organization_id)
        .select_related("user")
        .order_by("due_on", "user__name_latin", "pk")
    )
    page = Paginator(assignments, per_page).get_page(page)
    return page, _assignment_rows(list(page.object_list), language=language, today=site_today())


def hr_assignment(*, user, assignment_id: int) -> CourseAssignment | None:
    """The assignment if `user` is HR of its trainee's organization; None for anyone else."""
    if not user.is_authenticated or not user.is_hr:
        return None
    return (
        CourseAssignment.objects.filter(pk=assignment_id, user__organization_id=user.organization_id)
        .select_related("user")
        .first()
    )


def assignments_of(*, user_ids: set, today: date | None = None) -> dict[tuple[int, uuid.UUID], date]:
    """{(user id, course key): due date} of the assignments of `user_ids`: one query."""
    if not user_ids:
        return {}
    rows = CourseAssignment.objects.filter(user_id__in=user_ids).values_list("user_id", "course_key", "due_on")
    return {(user_id, key): due_on for user_id, key, due_on in rows}
