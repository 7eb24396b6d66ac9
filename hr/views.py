"""Views of HR: the dashboard of an organization's trainees, its CSV, the ZIP exports of their
certificates, and revoking a certificate (HR of the holder's organization, or support).

Every view that shows or serves an export or a certificate goes through a selector that checks
who is asking; anything the user may not see is a 404."""

import functools
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services as account_services
from certificates import pdf
from certificates import selectors as certificate_selectors
from certificates import services as certificate_services
from certificates.forms import RevokeForm
from certificates.models import Certificate
from certificates.storage import private_storage
from core import spreadsheet
from core.i18n import localize_digits

from . import selectors, services
from .forms import (
    PICKER_PAGE_SIZE,
    AssignForm,
    DashboardFilterForm,
    ExtraTimeForm,
    InviteForm,
    InviteUploadForm,
    SearchField,
    addresses_read,
    chosen_ids,
)
from .models import Export

PAGE_SIZE = 25


def hr_required(view):
    """Only HR users of an organization; anyone else who is logged in gets a 404."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_hr:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _filter_form(request) -> DashboardFilterForm:
    form = DashboardFilterForm(
        request.GET, course_choices=selectors.course_choices(language=translation.get_language())
    )
    form.is_valid()
    return form


def _back_to_fix_the_filters(request, data):
    """Back to the dashboard, which shows what is wrong with the filters (nothing is exported)."""
    messages.error(request, _("Correct the filters first: nothing was exported."))
    query = data.copy()
    query.pop("csrfmiddlewaretoken", None)
    return redirect(f"{reverse('hr:dashboard')}?{query.urlencode()}")


# --- dashboard -------------------------------------------------------------------------


# The table's columns: (sort key or None, label). The name sorts by the name the page shows.
COLUMNS = [
    ("name", _lazy("Trainee")),
    (None, _lazy("Course")),
    ("enrolled", _lazy("Enrolled on")),
    ("activity", _lazy("Last activity")),
    (None, _lazy("Progress")),
    (None, _lazy("Quiz results")),
    ("completed", _lazy("Completed on")),
    (None, _lazy("Certificate")),
]


def _sort_headers(request, sort: str, descending: bool) -> list[dict]:
    """Each column header: its label, and for a sortable one the link that sorts by it (the other
    way round when it is the current sort) and its aria-sort."""
    name_key = "name_ar" if translation.get_language() == "ar" else "name"
    headers = []
    for key, label in COLUMNS:
        if key == "name":
            key = name_key
        header = {"label": label, "key": key}
        if key:
            current = key == sort
            query = request.GET.copy()
            query.pop("page", None)
            query["sort"] = key if current and descending else f"-{key}" if current else key
            header.update(
                url=f"?{query.urlencode()}",
                aria_sort=("descending" if descending else "ascending") if current else "",
            )
        headers.append(header)
    return headers


@hr_required
def dashboard(request):
    form = _filter_form(request)
    filters = form.filters()
    organization_id = request.user.organization_id
    sort, descending = selectors.sort_parse(request.GET.get("sort"))
    members = selectors.hr_members(organization_id=organization_id, filters=filters, sort=request.GET.get("sort"))
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.member_rows(members=list(page.object_list), language=translation.get_language())
    enrollments = selectors.hr_enrollments(organization_id=organization_id, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "headers": _sort_headers(request, sort, descending),
        "summary": selectors.dashboard_summary(enrollments=enrollments, organization_id=organization_id),
        "weeks": selectors.completions_per_week(enrollments=enrollments, until=filters.date_to),
        "query": query.urlencode(),
        "exports": selectors.hr_exports(user=request.user),
        "organization": request.user.organization,
        "attention": selectors.assignments_attention(
            organization_id=organization_id, language=translation.get_language()
        ),
    }
    return render(request, "hr/dashboard.html", context)


class _Echo:
    def write(self, value):
        return value


# The CSV's columns: the dashboard's, each in a column of its own (hr.selectors.member_rows).
CSV_HEADER = [
    _lazy("Name (Latin)"),
    _lazy("Name (Arabic)"),
    _lazy("Email"),
    _lazy("Course"),
    _lazy("Due date"),
    _lazy("Enrolled on"),
    _lazy("Last activity"),
    _lazy("Lessons done"),
    _lazy("Lessons"),
    _lazy("Progress (%)"),
    _lazy("Module quizzes passed"),
    _lazy("Module quizzes"),
    _lazy("Exam score (%)"),
    _lazy("Completed on"),
    _lazy("Certificate"),
    _lazy("Certificate code"),
    _lazy("Verification link"),
]


@hr_required
def dashboard_csv(request):
    """The filtered, sorted dashboard as CSV, every trainee included (also those who never started):
    UTF-8 with a byte order mark, so Excel shows Arabic right. The rows are the dashboard's
    (hr.selectors.hr_members and member_rows), read 500 at a time."""
    form = _filter_form(request)
    if form.errors:  # never an unfiltered file for filters the trainer did not mean
        return _back_to_fix_the_filters(request, request.GET)
    language = translation.get_language()
    members = selectors.hr_members(
        organization_id=request.user.organization_id, filters=form.filters(), sort=request.GET.get("sort")
    )
    writer = spreadsheet.writer(_Echo())  # every cell through csv_safe, the certificate code too

    def rows():
        yield "\ufeff" + writer.writerow([str(h) for h in CSV_HEADER])
        batch = []
        for member in members.iterator(chunk_size=500):
            batch.append(member)
            if len(batch) == 500:
                yield from _csv_lines(writer, batch, language)
                batch = []
        yield from _csv_lines(writer, batch, language)

    filename = f"masar-trainees-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_lines(writer, members, language):
    for row in selectors.member_rows(members=members, language=language):
        certificate = row.certificate
        ready = certificate is not None and certificate.status == Certificate.Status.READY
        enrollment = row.enrollment
        if enrollment is None:  # not started: their assigned courses, if any, in the course column
            assigned = "; ".join(f"{title} ({due_on.isoformat()})" for title, due_on in row.assigned)
            yield writer.writerow([row.user.name_latin, row.user.name_arabic, row.user.email, assigned] + [""] * 13)
            continue
        yield writer.writerow(
            [
                row.user.name_latin,
                row.user.name_arabic,
                row.user.email,
                row.course_title,
                row.due_on.isoformat() if row.due_on else "",
                enrollment.enrolled_at.date().isoformat(),
                enrollment.last_activity_at.date().isoformat(),
                row.lessons_done,
                row.lessons_total,
                row.percent,
                row.module_quizzes_passed,
                row.module_quizzes,
                "" if row.exam_best is None else row.exam_best,
                enrollment.completed_at.date().isoformat() if enrollment.completed_at else "",
                certificate.get_status_display() if certificate else "",
                certificate.code if ready else "",
                pdf.verification_url(certificate.code) if ready else "",
            ]
        )


# --- a trainee: extra time ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@hr_required
def trainee_detail(request, pk: int):
    """A trainee of the HR member's organization: their extra time, a form to change it, its log."""
    trainee = selectors.hr_trainee(user=request.user, trainee_id=pk)
    if trainee is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ExtraTimeForm(request.POST)
        if form.is_valid():
            try:
                account_services.extra_time_set(
                    actor=request.user,
                    user=trainee,
                    value=form.cleaned_data["extra_time"],
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied:
                raise Http404
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Extra time for %(name)s: %(value)s.")
                    % {"name": trainee.display_name, "value": trainee.get_extra_time_display()},
                )
                return redirect("hr:trainee", pk=trainee.pk)
        status = 400
    else:
        form = ExtraTimeForm(initial={"extra_time": trainee.extra_time})
    context = {"trainee": trainee, "form": form, "changes": selectors.extra_time_changes(trainee=trainee)}
    return render(request, "hr/trainee.html", context, status=status)


# --- invitations -------------------------------------------------------------------------

REFUSALS = {
    account_services.ALREADY_MEMBER: _lazy("Already a member of your organization: nothing was sent."),
    account_services.OTHER_ORGANIZATION: _lazy(
        "Has an account in another organization: not invited. A trainee belongs to one organization."
    ),
    account_services.HAS_ACCOUNT: _lazy(
        "Already has a Masar account outside any organization: not invited. Support can move the account."
    ),
}


def _invitations_page(request, *, form=None, upload=None, report=None, status=200):
    language = translation.get_language()
    context = {
        "form": form or InviteForm(initial={"language": language}),
        "upload": upload or InviteUploadForm(initial={"language": language}),
        "report": report,
        "invitations": selectors.hr_invitations(organization_id=request.user.organization_id),
        "organization": request.user.organization,
        "days": account_services.invitation_days(),
    }
    return render(request, "hr/invitations.html", context, status=status)


@require_http_methods(["GET", "POST"])
@hr_required
def invitations(request):
    """The organization's invitations; the form to invite one address posts here."""
    if request.method == "GET":
        return _invitations_page(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _invitations_page(request, form=form, status=400)
    email = form.cleaned_data["email"].lower()
    outcome = account_services.invitations_create(
        organization=request.user.organization,
        invited_by=request.user,
        emails=[email],
        language=form.cleaned_data["language"],
    )[email]
    if outcome in REFUSALS:
        form.add_error("email", REFUSALS[outcome])
        return _invitations_page(request, form=form, status=400)
    messages.success(request, _("An invitation is on its way to %(email)s.") % {"email": email})
    return redirect("hr:invitations")


@dataclass
class UploadReport:
    invited: int
    renewed: int
    problems: list  # (line, cell, message), by line

    @property
    def sent(self) -> int:
        return self.invited + self.renewed


@require_POST
@hr_required
def invitations_upload(request):
    """Invite every valid address of a CSV in one transaction; the page lists each row that was not
    invited, by line, and why (the file as a whole is refused only when it cannot be read)."""
    upload = InviteUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _invitations_page(request, upload=upload, status=400)
    addresses = addresses_read(upload.cleaned_data["file"])
    outcome = account_services.invitations_create(
        organization=request.user.organization,
        invited_by=request.user,
        emails=[email for _line, email in addresses.emails],
        language=upload.cleaned_data["language"],
    )
    problems = list(addresses.problems)
    problems += [
        (line, email, REFUSALS[outcome[email]]) for line, email in addresses.emails if outcome[email] in REFUSALS
    ]
    problems.sort(key=lambda problem: problem[0])
    results = list(outcome.values())
    report = UploadReport(
        invited=results.count(account_services.INVITED),
        renewed=results.count(account_services.RENEWED),
        problems=problems,
    )
    return _invitations_page(request, report=report, status=200 if report.sent or not problems else 400)


def _invitation_or_404(request, pk: int):
    invitation = selectors.hr_invitation(user=request.user, invitation_id=pk)
    if invitation is None:
        raise Http404
    return invitation


@require_POST
@hr_required
def invitation_revoke(request, pk: int):
    invitation = account_services.invitation_revoke(actor=request.user, invitation=_invitation_or_404(request, pk))
    if invitation.revoked_at:
        messages.success(
            request,
            _("The invitation to %(email)s is revoked: its link no longer works.") % {"email": invitation.email},
        )
    else:
        messages.error(request, _("This invitation was already used: there is nothing to revoke."))
    return redirect("hr:invitations")


@require_POST
@hr_required
def invitation_resend(request, pk: int):
    invitation = _invitation_or_404(request, pk)
    outcome = account_services.invitation_resend(actor=request.user, invitation=invitation)
    if outcome in REFUSALS:
        messages.error(request, f"{invitation.email}: {REFUSALS[outcome]}")
    else:
        messages.success(
            request, _("The invitation is sent again to %(email)s, with a new link.") % {"email": invitation.email}
        )
    return redirect("hr:invitations")


@require_POST
@hr_required
def join_code(request):
    enabled = request.POST.get("enabled") == "1"
    account_services.organization_join_code_set(
        actor=request.user, organization=request.user.organization, enabled=enabled
    )
    if enabled:
        messages.success(request, _("Trainees can join with the organization code again."))
    else:
        messages.success(request, _("The organization code no longer works: trainees join by invitation only."))
    return redirect("hr:invitations")


# --- course assignments -------------------------------------------------------------------


def _member_picker(request, data) -> dict:
    """The member picker's context: a page of the organization's trainees matching the search, each
    ticked if chosen, and the chosen ones of other pages carried in one hidden field."""
    organization_id = request.user.organization_id
    q = SearchField(required=False, max_length=100).clean((data.get("q") or "")[:100]).strip()
    chosen = set() if data.get("goto") == "clear" else chosen_ids(data)
    page = Paginator(selectors.member_search(organization_id=organization_id, q=q), PICKER_PAGE_SIZE).get_page(
        data.get("goto") or data.get("page")
    )
    language = translation.get_language()
    members = [
        {"pk": member.pk, "label": selectors.member_label(member, language), "checked": member.pk in chosen}
        for member in page.object_list
    ]
    on_page = {member["pk"] for member in members}
    return {
        "q": q,
        "page": page,
        "members": members,
        "chosen_count": len(chosen),
        "selected": ",".join(str(pk) for pk in sorted(chosen - on_page)),
        "shown": ",".join(str(pk) for pk in sorted(on_page)),
    }


def _assignments_page(request, form, data, status=200):
    language = translation.get_language()
    organization_id = request.user.organization_id
    page, rows = selectors.hr_assignments(
        organization_id=organization_id, language=language, page=request.GET.get("assignments_page")
    )
    context = {
        "form": form,
        "picker": _member_picker(request, data),
        "members_total": selectors.assignable_members(organization_id=organization_id).count(),
        "rows": rows,
        "assignments_page": page,
        "organization": request.user.organization,
    }
    return render(request, "hr/assignments.html", context, status=status)


@require_http_methods(["GET", "POST"])
@hr_required
def assignments(request):
    """Assign a course to every trainee, to chosen ones or to pasted addresses, with a due date; the
    assignments so far. The picker's search and page buttons post the form back here with
    `goto`: the page comes back with everything kept and nothing assigned."""
    courses = selectors.course_choices(language=translation.get_language())
    organization_id = request.user.organization_id
    if request.method == "GET":
        return _assignments_page(
            request, AssignForm(course_choices=courses, organization_id=organization_id), request.GET
        )
    data = request.POST
    if "goto" in data:  # search or another page of the picker: keep what was typed, check nothing yet
        initial = {name: data.get(name, "") for name in ("course", "due_on", "who", "emails")}
        form = AssignForm(course_choices=courses, organization_id=organization_id, initial=initial)
        return _assignments_page(request, form, data)
    form = AssignForm(data, course_choices=courses, organization_id=organization_id)
    if form.is_valid():
        try:
            count = services.assignments_create(
                actor=request.user,
                course_key=uuid.UUID(form.cleaned_data["course"]),
                due_on=form.cleaned_data["due_on"],
                user_ids=form.user_ids(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The course is assigned to %(count)s trainee.",
                    "The course is assigned to %(count)s trainees.",
                    count,
                )
                % {"count": localize_digits(count)},
            )
            return redirect("hr:assignments")
    return _assignments_page(request, form, data, status=400)


@require_POST
@hr_required
def assignment_delete(request, pk: int):
    assignment = selectors.hr_assignment(user=request.user, assignment_id=pk)
    if assignment is None:
        raise Http404
    services.assignment_delete(actor=request.user, assignment=assignment)
    messages.success(request, _("The assignment of %(name)s is taken back.") % {"name": assignment.user.display_name})
    return redirect("hr:assignments")


# --- ZIP exports -----------------------------------------------------------------------


@require_POST
@hr_required
def export_create(request):
    form = DashboardFilterForm(
        request.POST, course_choices=selectors.course_choices(language=translation.get_language())
    )
    if not form.is_valid():
        return _back_to_fix_the_filters(request, request.POST)
    export = services.export_create(user=request.user, filters=form.filters().to_json())
    messages.success(request, _("The ZIP file is being prepared."))
    return redirect("hr:export", pk=export.pk)


def _export_or_404(request, pk: int) -> Export:
    export = selectors.export_for_viewer(user=request.user, export_id=pk)
    if export is None:
        raise Http404
    return export


@login_required
def export_detail(request, pk: int):
    return render(request, "hr/export.html", {"export": _export_or_404(request, pk)})


@require_GET
@login_required
def export_status(request, pk: int):
    export = _export_or_404(request, pk)
    return JsonResponse(
        {
            "status": export.status,
            "done": export.finished,
            "count": export.done,
            "total": export.total,
            "percent": export.percent,
        }
    )


@login_required
def export_download(request, pk: int):
    export = _export_or_404(request, pk)
    if export.status == Export.Status.OUTDATED:  # a certificate in it was revoked since
        return render(request, "hr/export.html", {"export": export}, status=410)
    if export.status != Export.Status.READY or not export.file:
        raise Http404
    try:
        handle = private_storage().open(export.file, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    filename = f"masar-certificates-{export.created_at:%Y%m%d-%H%M}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


# --- revoking --------------------------------------------------------------------------


@require_POST
@login_required
def certificate_revoke(request, code: str):
    """The revoke form of the certificate's page (certificates/detail.html) posts here; a form
    with errors is shown again on a page of its own."""
    certificate = certificate_selectors.certificate_for_viewer(user=request.user, code=code)
    if certificate is None or not certificate_selectors.certificate_can_revoke(
        user=request.user, certificate=certificate
    ):
        raise Http404
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return render(request, "hr/revoke.html", {"certificate": certificate, "form": form}, status=400)
    try:
        certificate_services.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (PermissionDenied, ValidationError):
        raise Http404
    messages.success(request, _("The certificate is revoked. Its verification page now says so."))
    return redirect("certificates:detail", code=certificate.code)
