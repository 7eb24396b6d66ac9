"""Turning a certificate row into PDFs: its HTML (one template per language), the QR code,
and a WeasyPrint call whose URL fetcher reads nothing but the project's own font files.

No database writes here: `services.certificate_render` decides when to call this."""

import hashlib
from pathlib import Path
from urllib.request import url2pathname

import fontpkg_amiri
import fontpkg_ibm_plex_sans_arabic
import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from lms.i18n import format_date, localize_digits

LANGUAGES = ("ar", "en")

AMIRI_DIR = Path(fontpkg_amiri.__file__).parent / "files"
PLEX_ARABIC_DIR = Path(fontpkg_ibm_plex_sans_arabic.__file__).parent / "files"
APP_STATIC_DIR = Path(__file__).resolve().parent / "static" / "certificates"


def allowed_roots() -> list[Path]:
    """The only folders a certificate's HTML may read from."""
    roots = [AMIRI_DIR, PLEX_ARABIC_DIR, APP_STATIC_DIR, Path(settings.BASE_DIR) / "lms" / "static"]
    return [root.resolve() for root in roots]


class ProjectFilesFetcher(URLFetcher):
    """Fetch `data:` URIs and files under the project's font and static folders; refuse the rest.

    A certificate's HTML holds names typed by trainees: whatever slips through, WeasyPrint
    must never read an arbitrary file or open a network connection while rendering it."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, **kwargs)
        self.roots = allowed_roots()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "file":
            path = Path(url2pathname(url.split("?", 1)[0].removeprefix("file:"))).resolve()
            if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"Certificates may not load {url}")
        elif scheme != "data":
            raise ValueError(f"Certificates may not load {url}")
        return super().fetch(url, headers)


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("verify:detail", args=[code])


def qr_data_uri(url: str) -> str:
    """An SVG QR code of `url`, as a data: URI (deterministic: the same URL gives the same bytes)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#1d2733")


def fonts() -> dict:
    return {
        "amiri_regular": (AMIRI_DIR / "Amiri-Regular.ttf").as_uri(),
        "amiri_bold": (AMIRI_DIR / "Amiri-Bold.ttf").as_uri(),
        "plex_regular": (PLEX_ARABIC_DIR / "IBMPlexSansArabic-Regular.ttf").as_uri(),
        "plex_bold": (PLEX_ARABIC_DIR / "IBMPlexSansArabic-Bold.ttf").as_uri(),
    }


def certificate_html(certificate, language: str) -> str:
    """Return the final HTML of `certificate` in `language` ("ar" or "en"). Names are autoescaped."""
    url = verification_url(certificate.code)
    with translation.override(language):
        context = {
            "certificate": certificate,
            "language": language,
            "holder_name": certificate.holder_name_arabic if language == "ar" else certificate.holder_name_latin,
            "course_title": certificate.course_title_ar if language == "ar" else certificate.course_title_en,
            "completed_on": format_date(certificate.completed_on, language),
            "hours": certificate.hours,
            "hours_text": localize_digits(certificate.hours, language),
            "verify_url": url,
            "qr": qr_data_uri(url),
            "fonts": fonts(),
        }
        return render_to_string("certificates/pdf/certificate.html", context)


def html_to_pdf(html: str) -> bytes:
    """Render `html` with WeasyPrint (fonts are subset by default)."""
    return HTML(string=html, base_url=str(APP_STATIC_DIR), url_fetcher=ProjectFilesFetcher()).write_pdf()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
