"""Views: a trainee's certificates, downloads and public verification. Revoking, the HR dashboard
and its exports are the hr app's (hr/views.py).

Every view that shows or serves a certificate goes through a selector that checks who is
asking; anything the user may not see is a 404."""

import copy
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.i18n import format_date

from . import credentials, keys, pdf, selectors, services
from .forms import NamesConfirmForm, RevokeForm, VerifyForm
from .models import Certificate
from .storage import private_storage


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


def names_preview(certificate: Certificate, *, name_latin: str, name_arabic: str) -> dict[str, str]:
    """The certificate as it will print with these names, in each language: the PDF's own HTML."""
    sample = copy.copy(certificate)
    sample.holder_name_latin, sample.holder_name_arabic = name_latin, name_arabic
    return {language: pdf.certificate_html(sample, language) for language in pdf.LANGUAGES}


def _detail(request, certificate: Certificate, *, names_form=None, preview=None, status=200):
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
        "assessment": selectors.assessment_public(certificate.assessment),
        "preview": preview,
        "finish_course": selectors.finish_course_for(
            user=user, course_key=certificate.course_key, language=translation.get_language()
        )
        if is_owner
        else None,
    }
    if certificate.awaiting_names and is_owner:
        context["names_form"] = names_form or NamesConfirmForm(
            initial={"name_latin": user.name_latin, "name_arabic": user.name_arabic}
        )
    if certificate.status != Certificate.Status.REVOKED and selectors.certificate_can_revoke(
        user=user, certificate=certificate
    ):
        context["revoke_form"] = RevokeForm()  # posted to hr:revoke
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
    if request.POST.get("confirm") != "1" and certificate.awaiting_names:
        # First the preview, then the confirmation: the names cannot be changed afterwards.
        return _detail(request, certificate, names_form=form, preview=names_preview(certificate, **form.cleaned_data))
    services.certificate_names_confirm(user=request.user, **form.cleaned_data)
    messages.success(request, _("Thank you. Your certificate is being prepared."))
    return redirect("certificates:detail", code=certificate.code)


@login_required
def course_complete(request, course_id: int):
    """What the trainee achieved in a course they completed, and what comes next."""
    finish = selectors.course_finish(user=request.user, course_id=course_id)
    if finish is None:
        raise Http404
    certificate = finish.certificate
    return render(
        request,
        "certificates/course_complete.html",
        {
            "finish": finish,
            "course": finish.course,
            "outline": finish.outline,
            "certificate": certificate,
            "assessment": selectors.assessment_public(certificate.assessment) if certificate else None,
            "completed_on": format_date(certificate.completed_on) if certificate else "",
        },
    )


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
        filename=certificate.download_name(language),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- public verification ---------------------------------------------------------------


def verify_form(request):
    form = VerifyForm(request.GET if "code" in request.GET else None)  # ?lang= alone is no query
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


# --- credentials (public, like the verification page) -------------------------------------


def _public_json(value: dict, *, content_type: str = "application/json", max_age: int = 0) -> JsonResponse:
    response = JsonResponse(value, content_type=content_type, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-cache"
    return response


@require_GET
def did_document(request):
    """/.well-known/did.json: the issuer's did:web document, every key ever used."""
    return _public_json(keys.did_document(), content_type="application/did+json", max_age=300)


@require_GET
def status_list(request, form: str):
    """The revocation list, from the database at this moment (a revocation shows at the next request)."""
    if form not in ("jwt", "json"):
        raise Http404
    credential = credentials.status_list_credential()
    if form == "json":
        return _public_json(credential, content_type=credentials.MEDIA_TYPE_JSON)
    response = HttpResponse(credentials.status_list_jwt(credential), content_type=credentials.MEDIA_TYPE_JWT)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def credential_download(request, code: str, form: str):
    """A certificate's Open Badges 3.0 credential: the signed .jwt (for a wallet) or its content as JSON."""
    certificate = selectors.certificate_with_credential(code=code)
    if certificate is None or form not in ("jwt", "json"):
        raise Http404
    if form == "json":
        return _public_json(credentials.credential_payload(certificate), content_type=credentials.MEDIA_TYPE_JSON)
    response = HttpResponse(credentials.credential_jwt(certificate), content_type=credentials.MEDIA_TYPE_JWT)
    response["Content-Disposition"] = f'attachment; filename="{certificate.credential_name()}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    return response
