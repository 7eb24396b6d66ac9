"""Views: a trainee's certificates, downloads, public verification, the HR dashboard and exports.

Every view that shows or serves a certificate or an export goes through a selector that
checks who is asking; anything the user may not see is a 404."""

import functools
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.i18n import format_date

from . import pdf, selectors, services, spreadsheet
from .forms import DashboardFilterForm, NamesConfirmForm, RevokeForm, VerifyForm
from .models import Certificate, Export
from .services import private_storage

PAGE_SIZE = 25


def _certificate_or_404(request, code: str) -> Certificate:
    certificate = selectors.certificate_for_viewer(user=request.user, code=code)
    if certificate is None:
        raise Http404
    return certificate


def linkedin_url(certificate: Certificate) -> str:
    """The "Add to profile" link of LinkedIn, prefilled with the certificate."""
    language = translation.get_language()
    return "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": certificate.course_title_ar if language == "ar" else certificate.course_title_en,
            "organizationName": "Masar",
            "issueYear": certificate.completed_on.year,
            "issueMonth": certificate.completed_on.month,
            "certUrl": pdf.verification_url(certificate.code),
            "certId": certificate.code,
        }
    )


# --- trainee ---------------------------------------------------------------------------


@login_required
def mine(request):
    return render(request, "certificates/mine.html", {"certificates": selectors.certificates_of(user=request.user)})


def _detail(request, certificate: Certificate, *, names_form=None, revoke_form=None, status=200):
    user = request.user
    is_owner = certificate.user_id == user.pk
    context = {
        "certificate": certificate,
        "is_owner": is_owner,
        "names_form": None,
        "revoke_form": None,
        "can_download": selectors.certificate_can_download(certificate=certificate),
        "verify_url": pdf.verification_url(certificate.code),
        "completed_on": format_date(certificate.completed_on),
    }
    if certificate.awaiting_names and is_owner:
        context["names_form"] = names_form or NamesConfirmForm(
            initial={"name_latin": user.name_latin, "name_arabic": user.name_arabic}
        )
    if certificate.status != Certificate.Status.REVOKED and selectors.certificate_can_revoke(
        user=user, certificate=certificate
    ):
        context["revoke_form"] = revoke_form or RevokeForm()
    if context["can_download"]:
        context["linkedin_url"] = linkedin_url(certificate)
    return render(request, "certificates/detail.html", context, status=status)


@login_required
def detail(request, code: str):
    return _detail(request, _certificate_or_404(request, code))


@require_GET
@login_required
def status(request, code: str):
    """The certificate's status as JSON, polled by its page until it is ready."""
    certificate = _certificate_or_404(request, code)
    return JsonResponse(
        {
            "status": certificate.status,
            "awaiting_names": certificate.awaiting_names,
            "done": not certificate.in_progress,
        }
    )


@require_POST
@login_required
def confirm_names(request, code: str):
    certificate = _certificate_or_404(request, code)
    if certificate.user_id != request.user.pk:
        raise Http404
    form = NamesConfirmForm(request.POST)
    if not form.is_valid():
        return _detail(request, certificate, names_form=form, status=400)
    services.certificate_names_confirm(user=request.user, **form.cleaned_data)
    messages.success(request, _("Thank you. Your certificate is being prepared."))
    return redirect("certificates:detail", code=certificate.code)


@login_required
def download(request, code: str, language: str):
    certificate = _certificate_or_404(request, code)
    if language not in pdf.LANGUAGES or not selectors.certificate_can_download(certificate=certificate):
        raise Http404
    storage = private_storage()
    name = certificate.pdf_name(language)
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"masar-certificate-{certificate.code}-{language}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def revoke(request, code: str):
    certificate = _certificate_or_404(request, code)
    if not selectors.certificate_can_revoke(user=request.user, certificate=certificate):
        raise Http404
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _detail(request, certificate, revoke_form=form, status=400)
    try:
        services.certificate_revoke(certificate=certificate, by=request.user, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError):
        raise Http404
    messages.success(request, _("The certificate is revoked. Its verification page now says so."))
    return redirect("certificates:detail", code=certificate.code)


# --- public verification ---------------------------------------------------------------


def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("verify:detail", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form}, status=400 if form.is_bound else 200)


def verify_detail(request, code: str):
    """Bilingual: the same page in Arabic and English, for anyone who scans the QR code."""
    result = selectors.certificate_verification(code=code)
    # "unknown" is an answer, not a missing page: a 404 here would also make LocaleMiddleware
    # redirect to a language-prefixed URL, and this URL is printed on certificates.
    if request.GET.get("format") == "json":
        response = JsonResponse(result, json_dumps_params={"ensure_ascii": False})
        response["Access-Control-Allow-Origin"] = "*"
        return response
    dates = {}
    if result["status"] != "unknown":
        for key in ("completed_on", "revoked_on"):
            if result.get(key):
                value = date.fromisoformat(result[key])
                dates[key] = {"ar": format_date(value, "ar"), "en": format_date(value, "en")}
    return render(
        request,
        "certificates/verify_detail.html",
        {"result": result, "dates": dates, "form": VerifyForm(), "verify_url": pdf.verification_url(code)},
    )


# --- HR --------------------------------------------------------------------------------


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


@hr_required
def dashboard(request):
    form = _filter_form(request)
    filters = form.filters()
    enrollments = selectors.hr_enrollments(organization_id=request.user.organization_id, filters=filters)
    page = Paginator(selectors.with_relations(enrollments), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.dashboard_rows(enrollments=list(page.object_list), language=translation.get_language())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "summary": selectors.dashboard_summary(enrollments=enrollments),
        "weeks": selectors.completions_per_week(enrollments=enrollments, until=filters.date_to),
        "query": query.urlencode(),
        "exports": selectors.hr_exports(user=request.user),
        "organization": request.user.organization,
    }
    return render(request, "certificates/hr/dashboard.html", context)


class _Echo:
    def write(self, value):
        return value


@hr_required
def dashboard_csv(request):
    """The filtered dashboard as CSV: UTF-8 with a byte order mark, so Excel shows Arabic right."""
    form = _filter_form(request)
    if form.errors:  # never an unfiltered file for filters the trainer did not mean
        return _back_to_fix_the_filters(request, request.GET)
    language = translation.get_language()
    enrollments = selectors.with_relations(
        selectors.hr_enrollments(organization_id=request.user.organization_id, filters=form.filters())
    )
    writer = spreadsheet.writer(_Echo())  # every cell through csv_safe, the certificate code too
    header = [
        _("Name (Latin)"),
        _("Name (Arabic)"),
        _("Email"),
        _("Course"),
        _("Enrolled on"),
        _("Lessons done"),
        _("Lessons"),
        _("Progress (%)"),
        _("Best quiz score (%)"),
        _("Completed on"),
        _("Certificate"),
        _("Certificate code"),
        _("Verification link"),
    ]

    def rows():
        yield "\ufeff" + writer.writerow([str(h) for h in header])
        batch = []
        for enrollment in enrollments.iterator(chunk_size=500):
            batch.append(enrollment)
            if len(batch) == 500:
                yield from _csv_lines(writer, batch, language)
                batch = []
        yield from _csv_lines(writer, batch, language)

    filename = f"masar-trainees-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_lines(writer, enrollments, language):
    for row in selectors.dashboard_rows(enrollments=enrollments, language=language):
        certificate = row.certificate
        yield writer.writerow(
            [
                row.user.name_latin,
                row.user.name_arabic,
                row.user.email,
                row.course_title,
                row.enrollment.enrolled_at.date().isoformat(),
                row.lessons_done,
                row.lessons_total,
                row.percent,
                "" if row.quiz_best is None else row.quiz_best,
                row.enrollment.completed_at.date().isoformat() if row.enrollment.completed_at else "",
                certificate.get_status_display() if certificate else "",
                certificate.code if certificate and certificate.status == Certificate.Status.READY else "",
                pdf.verification_url(certificate.code)
                if certificate and certificate.status == Certificate.Status.READY
                else "",
            ]
        )


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
    return render(request, "certificates/hr/export.html", {"export": _export_or_404(request, pk)})


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
        return render(request, "certificates/hr/export.html", {"export": export}, status=410)
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
