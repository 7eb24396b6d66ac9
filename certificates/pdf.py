"""Turning a certificate row into PDFs: its HTML (one template per language), the QR code,
and a WeasyPrint call whose URL fetcher reads nothing but the project's own font files.

No database writes here: `services.certificate_render` decides when to call this."""

import functools
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

from core.i18n import format_date, localize_digits

from .selectors import assessment_public

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


# The holder's name is set as large as it fits: one line at 32pt, and the longest name (150
# letters, the widest of them) in three or four lines at a smaller size, above the footer. The
# width is measured with the advance widths of the font (Amiri Bold); a letter it lacks counts
# as 1 em, Arabic letters by their isolated forms (wider than joined): both err on the wide side.
NAME_SIZES_PT = (32, 26, 22, 18, 15, 12)
NAME_LINE_HEIGHT = 1.45  # as in the template's .name rule
NAME_WIDTH_PT = 578  # 204 mm: the frame's text width less the name's padding
NAME_HEIGHT_PT = 72  # the room between the name's top and the course title, the footer staying clear
ONE_LINE_SLACK, WRAP_SLACK = 0.95, 0.85  # kerning and joining; lines wrap at spaces, never quite full


@functools.cache
def _name_font_metrics() -> tuple[dict[int, int], float]:
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency, which subsets the fonts

    font = TTFont(AMIRI_DIR / "Amiri-Bold.ttf", lazy=True)
    advances = font["hmtx"].metrics
    widths = {code: advances[glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, float(font["head"].unitsPerEm)


def name_width_em(name: str) -> float:
    widths, units_per_em = _name_font_metrics()
    return sum(widths.get(ord(char), units_per_em) for char in name) / units_per_em


def name_font_size(name: str) -> int:
    """The size in points of `name` on the certificate: the largest of NAME_SIZES_PT it fits at."""
    width = name_width_em(name)
    for size in NAME_SIZES_PT:
        lines = int(NAME_HEIGHT_PT // (size * NAME_LINE_HEIGHT))
        if width * size <= NAME_WIDTH_PT * (ONE_LINE_SLACK if lines == 1 else WRAP_SLACK * lines):
            return size
    return NAME_SIZES_PT[-1]


def certificate_html(certificate, language: str) -> str:
    """Return the final HTML of `certificate` in `language` ("ar" or "en"). Names are autoescaped."""
    url = verification_url(certificate.code)
    holder_name = certificate.holder_name_arabic if language == "ar" else certificate.holder_name_latin
    with translation.override(language):
        context = {
            "certificate": certificate,
            "language": language,
            "holder_name": holder_name,
            "name_font_size": name_font_size(holder_name),
            "course_title": certificate.course_title_ar if language == "ar" else certificate.course_title_en,
            "completed_on": format_date(certificate.completed_on, language),
            "hours": certificate.hours,
            "hours_text": localize_digits(certificate.hours, language),
            "assessment": assessment_public(certificate.assessment),
            "verify_url": url,
            "issuer": settings.CERTIFICATE_ISSUER[language],
            "signatory_name": settings.CERTIFICATE_SIGNATORY_NAME[language],
            "signatory_title": settings.CERTIFICATE_SIGNATORY_TITLE[language],
            "qr": qr_data_uri(url),
            "fonts": fonts(),
        }
        return render_to_string("certificates/pdf/certificate.html", context)


def html_to_pdf(html: str) -> bytes:
    """Render `html` with WeasyPrint (fonts are subset by default)."""
    return HTML(string=html, base_url=str(APP_STATIC_DIR), url_fetcher=ProjectFilesFetcher()).write_pdf()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
