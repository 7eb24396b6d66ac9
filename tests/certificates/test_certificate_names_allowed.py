"""The names on a certificate and the public revoke reason follow accounts.validators, and a name
of 150 letters fits the certificate's frame on one page (issue 12, item 12)."""

import datetime
import io
import types

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.utils import timezone
from weasyprint import HTML

from certificates import pdf, services
from certificates.models import Certificate
from tests.certificates.factories import issued
from tests.factories import HRFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_NAMES = {
    "latin words": (("Maximilian Alexander " * 8)[:150]).strip().ljust(150, "x"),
    "latin capitals": (("MOHAMMED ABDULRAHMAN AL-QAHTANI " * 5)[:150]).strip().ljust(150, "X"),
    "latin, one word": "W" * 150,
    "arabic words": (("عبد الرحمن بن محمد " * 9)[:150]).strip().ljust(150, "ن"),
    "arabic, one word": "ش" * 150,
}


def boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from boxes(child)


def layout(html: str) -> tuple[int, dict]:
    """The number of pages of `html` and, on its first page, the first box of each class asked for."""
    document = HTML(string=html, base_url=str(pdf.APP_STATIC_DIR), url_fetcher=pdf.ProjectFilesFetcher()).render()
    found = {}
    for box in boxes(document.pages[0]._page_box):
        element = getattr(box, "element", None)
        name = element.get("class") if element is not None else None
        if name in ("frame", "name", "footer") and name not in found or name == "facts":
            found[name] = box  # the last .facts is the lowest line of text above the footer
    return len(document.pages), found


def certificate_like(name: str, language: str):
    return types.SimpleNamespace(
        code="-Ab3dEfGh1jKlMnOpQ",
        holder_name_latin=name if language == "en" else "Layla Haddad",
        holder_name_arabic=name if language == "ar" else "ليلى حداد",
        course_title_en="Social media manager",
        course_title_ar="مدير وسائل التواصل الاجتماعي",
        completed_on=datetime.date(2026, 1, 5),
        hours=12,
        organization_name="Acme Media",
        assessment={},
    )


@pytest.mark.parametrize("kind", LONG_NAMES)
def test_a_150_letter_name_fits_the_certificate_frame_on_one_page(kind):
    name = LONG_NAMES[kind]
    assert len(name) == 150
    language = "ar" if kind.startswith("arabic") else "en"
    pages, found = layout(pdf.certificate_html(certificate_like(name, language), language))
    assert pages == 1
    frame, box, facts, footer = found["frame"], found["name"], found["facts"], found["footer"]
    left, right = frame.content_box_x(), frame.content_box_x() + frame.width
    assert left - 1 <= box.position_x and box.position_x + box.margin_width() <= right + 1  # no wider than the frame
    assert facts.position_y + facts.margin_height() <= footer.position_y  # the text stays clear of the footer


def test_long_names_render_as_one_page_pdfs(course):
    user = UserFactory(
        name_latin=LONG_NAMES["latin words"], name_arabic=LONG_NAMES["arabic words"], names_confirmed_at=timezone.now()
    )
    certificate = issued(user, course, render=True)
    assert certificate.status == Certificate.Status.READY
    for name in (certificate.pdf_en, certificate.pdf_ar):
        with storages["private"].open(name, "rb") as fh:
            assert len(pypdf.PdfReader(io.BytesIO(fh.read())).pages) == 1


def test_a_short_name_keeps_the_full_size():
    assert pdf.name_font_size("Layla Haddad") == pdf.name_font_size("ليلى حداد") == 32


# --- confirming the names --------------------------------------------------------------


def test_confirming_names_with_a_bidi_override_is_refused(client, course):
    user = UserFactory(name_latin="Bill Gates", name_arabic="بيل غيتس")
    waiting = issued(user, course)
    client.force_login(user)
    response = client.post(
        f"/en/certificates/{waiting.code}/names/", {"name_latin": "Bill \u202esetaG", "name_arabic": "بيل غيتس"}
    )
    assert response.status_code == 400
    assert "U+202E (an invisible character) is not allowed" in response.text
    assert Certificate.objects.get(pk=waiting.pk).awaiting_names
    with pytest.raises(ValidationError):
        services.certificate_names_confirm(user=user, name_latin="Bill Gates", name_arabic="بيل\u200cغيتس")
    assert Certificate.objects.get(pk=waiting.pk).awaiting_names


# --- the revoke reason, shown on the public verification page ---------------------------


@pytest.fixture
def ready(trainee, course):
    return issued(trainee, course)


@pytest.mark.parametrize("reason", ["Fraud \u202edetacilpud", "Issued\u200bby mistake", "خطأ\u2067 في الإصدار"])
def test_a_revoke_reason_with_a_bidi_or_zero_width_character_is_refused(client, organization, ready, reason):
    client.force_login(HRFactory(organization=organization))
    response = client.post(f"/en/certificates/{ready.code}/revoke/", {"reason": reason})
    assert response.status_code == 400
    assert "The text may contain letters, digits, punctuation, symbols, spaces and line breaks" in response.text
    assert Certificate.objects.get(pk=ready.pk).status != Certificate.Status.REVOKED


def test_the_revoke_service_refuses_the_same_reasons(organization, ready):
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=ready, by=HRFactory(organization=organization), reason="a\u202eb")
    assert Certificate.objects.get(pk=ready.pk).status != Certificate.Status.REVOKED


def test_a_revoke_reason_keeps_its_punctuation_and_is_shown_isolated(client, organization, ready):
    client.force_login(HRFactory(organization=organization))
    reason = "Issued by mistake (case #12): see HR’s note — 50% done."
    assert client.post(f"/en/certificates/{ready.code}/revoke/", {"reason": f"  {reason}\r\n"}).status_code == 302
    assert Certificate.objects.get(pk=ready.pk).revoked_reason == reason
    client.logout()
    page = client.get(f"/verify/{ready.code}/")
    assert '<dd dir="auto">Issued by mistake (case #12): see HR’s note — 50% done.</dd>' in page.text
