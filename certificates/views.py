"""Views: a trainee's certificates, downloads and public verification. Revoking, the HR dashboard
and its exports are the hr app's (hr/views.py).

Every view that shows or serves a certificate goes through a selector that checks who is
asking; anything the user may not see is a 404."""

import copy
import io
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from accounts import throttles
from accounts.client_ip import client_ip
from core.i18n import format_date

from . import credentials, keys, pdf, selectors, services, verifier
from .forms import CredentialCheckForm, NamesConfirmForm, RevokeForm, VerifyForm
from .models import Certificate
from .storage import private_storage

# The multipart framing around a file: a body longer than the largest upload plus this is refused unread.
UPLOAD_OVERHEAD = 64 * 1024


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
            "organizationName": settings.CERTIFICATE_ISSUER.get(language, settings.CERTIFICATE_ISSUER["en"]),
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
    """The certificate as it will print with these names, in each language: the PDF's own HTML,
    with its fonts as the browser loads them."""
    sample = copy.copy(certificate)
    sample.holder_name_latin, sample.holder_name_arabic = name_latin, name_arabic
    font_urls = pdf.web_fonts()
    return {language: pdf.certificate_html(sample, language, font_urls=font_urls) for language in pdf.LANGUAGES}


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


class _MemoryOnlyUpload(FileUploadHandler):
    """Keep an uploaded file in memory up to `limit` bytes, never on disk; past it, stop reading
    the file (the rest of the body is skipped, not kept) and say so."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self.buffer = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, file_size, self.charset
        )


def _verify_page(request, *, form=None, check_form=None, verification=None, status=200):
    return render(
        request,
        "certificates/verify_form.html",
        {
            "form": form or VerifyForm(),
            "check_form": check_form or CredentialCheckForm(),
            "verification": verification,
            "max_upload_mb": verifier.MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=status,
    )


@csrf_exempt  # checked below, once the upload handler is in place (CsrfViewMiddleware would read the body first)
def verify_form(request):
    """Verify a certificate by its code (GET), or a pasted credential or an uploaded PDF (POST)."""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > verifier.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD:
            # Refused before a byte of the body is read.
            return _verify_page(request, verification=verifier.too_large(), status=413)
        handler = _MemoryOnlyUpload(request, limit=verifier.MAX_UPLOAD_BYTES)
        request.upload_handlers = [handler]
        return _verify_posted(request, handler)
    form = VerifyForm(request.GET if "code" in request.GET else None)  # ?lang= alone is no query
    if form.is_bound and form.is_valid():
        return redirect("verify:detail", code=form.cleaned_data["code"])
    return _verify_page(request, form=form, status=400 if form.is_bound else 200)


@csrf_protect
def _verify_posted(request, handler):
    if not throttles.allow("verify_ip", client_ip(request)):
        verification = verifier.Verification(
            outcome="throttled",
            headline=_("Too many checks"),
            message=_("Too many checks from your network. Try again in %(minutes)s minutes.")
            % {"minutes": throttles.minutes("verify_ip")},
        )
        return _verify_page(request, verification=verification, status=429)
    check_form = CredentialCheckForm(request.POST, request.FILES)
    if handler.too_large:
        return _verify_page(request, check_form=CredentialCheckForm(), verification=verifier.too_large(), status=413)
    if not check_form.is_valid():
        return _verify_page(request, check_form=check_form, status=400)
    upload = check_form.cleaned_data.get("certificate")
    if upload:
        verification = verifier.verify_pdf(upload.read())
        upload.close()
    else:
        verification = verifier.verify_text(check_form.cleaned_data["credential"])
    # The pasted text is not shown back: a fresh form.
    return _verify_page(request, verification=verification)


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
