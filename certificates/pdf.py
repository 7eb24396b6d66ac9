"""Turning a certificate row into PDFs: its HTML (one template per language), the QR code,
and a WeasyPrint call whose URL fetcher reads nothing but the project's own font files.

Each PDF is PDF/A-3b: the signed credential (certificates.credentials) is embedded as a file
attachment (`masar-credential-<code>.jwt`, application/vc+jwt, AFRelationship /Alternative:
the machine-readable form of what the page says), the XMP metadata names the issuer, the code and
the verification URL, and the whole is signed (certificates.pdf_signing). `pdf_inspect` reads
such a file back, for the verifier: the credential inside and whether the signature holds.

No database writes here: `services.certificate_render` decides when to call this."""

import base64
import functools
import hashlib
import io
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import url2pathname
from xml.etree.ElementTree import SubElement, fromstring, tostring

import fontpkg_amiri
import fontpkg_ibm_plex_sans_arabic
import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits
from pyhanko.pdf_utils.misc import PdfDecodeLimitError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML, Attachment
from weasyprint.pdf.metadata import NS, DocumentMetadata
from weasyprint.urls import URLFetcher

from core.i18n import format_date, localize_digits

from . import keys, pdf_signing
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


def web_fonts() -> dict:
    """The certificate's fonts as a browser loads them (the names preview, certificates/views.py):
    WOFF2 subsets from the static files (`manage.py build_fonts`), which a sandboxed frame may
    fetch, where the PDF's `file:` URLs are refused."""
    return {
        "amiri_regular": static("fonts/amiri-certificate-regular.woff2"),
        "amiri_bold": static("fonts/amiri-certificate-bold.woff2"),
        "plex_regular": static("fonts/plex-arabic-regular.woff2"),
        "plex_bold": static("fonts/plex-arabic-bold.woff2"),
    }


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


def certificate_html(certificate, language: str, *, font_urls: dict | None = None) -> str:
    """Return the final HTML of `certificate` in `language` ("ar" or "en"). Names are autoescaped.
    `font_urls` replaces the PDF's font files (`fonts()`) for a browser (`web_fonts()`)."""
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
            "fonts": font_urls or fonts(),
        }
        return render_to_string("certificates/pdf/certificate.html", context)


def html_to_pdf(html: str) -> bytes:
    """Render `html` with WeasyPrint (fonts are subset by default): a plain PDF, unsigned."""
    return HTML(string=html, base_url=str(APP_STATIC_DIR), url_fetcher=ProjectFilesFetcher()).write_pdf()


# --- PDF/A-3b with the credential, signed --------------------------------------------------

PDFA_VARIANT = "pdf/a-3b"
CREDENTIAL_MEDIA_TYPE = "application/vc+jwt"  # W3C VC-JOSE-COSE: a VC secured as a JWT
CREDENTIAL_RELATIONSHIP = "Alternative"  # the credential is the machine-readable form of the page
NS_DCTERMS = NS["dc"]


def credential_filename(code: str) -> str:
    return f"masar-credential-{code}.jwt"


class CertificateMetadata(DocumentMetadata):
    """WeasyPrint's document metadata, plus the XMP that names the issuer (dc:publisher, both
    languages), the certificate code (dc:identifier) and its verification URL (dc:relation).

    Only Dublin Core properties, which PDF/A predefines, so no extension schema is needed; they go
    inside WeasyPrint's one rdf:RDF (the x:xmpmeta packet holds exactly one)."""

    def __init__(self, base: DocumentMetadata, *, publishers: list[str], identifier: str, relation: str):
        super().__init__(**{name: getattr(base, name) for name in vars(DocumentMetadata())})
        self.publishers, self.identifier, self.relation = publishers, identifier, relation

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
        description = SubElement(rdf, f"{{{NS['rdf']}}}Description", {f"{{{NS['rdf']}}}about": ""})
        bag = SubElement(SubElement(description, f"{{{NS_DCTERMS}}}publisher"), f"{{{NS['rdf']}}}Bag")
        for publisher in self.publishers:
            SubElement(bag, f"{{{NS['rdf']}}}li").text = publisher
        SubElement(description, f"{{{NS_DCTERMS}}}identifier").text = self.identifier
        bag = SubElement(SubElement(description, f"{{{NS_DCTERMS}}}relation"), f"{{{NS['rdf']}}}Bag")
        SubElement(bag, f"{{{NS['rdf']}}}li").text = self.relation
        return tostring(rdf, encoding="utf-8")


def issued_moment(certificate) -> datetime:
    """The time a certificate's files state (attachment dates, signing time): its issue time, fixed
    once, so that rendering it again gives the same bytes."""
    return certificate.issued_at.astimezone(UTC).replace(microsecond=0)


def html_to_pdfa(html: str, *, certificate, credential: str, description: str = "") -> bytes:
    """Render `html` as PDF/A-3b with `credential` attached and the certificate's XMP (unsigned)."""
    document = HTML(string=html, base_url=str(APP_STATIC_DIR), url_fetcher=ProjectFilesFetcher()).render()
    document.metadata = CertificateMetadata(
        document.metadata,
        publishers=[settings.CERTIFICATE_ISSUER["en"], settings.CERTIFICATE_ISSUER["ar"]],
        identifier=certificate.code,
        relation=verification_url(certificate.code),
    )
    moment = issued_moment(certificate).replace(tzinfo=None)  # WeasyPrint writes these as UTC
    encoded = base64.b64encode(credential.encode("utf-8")).decode("ascii")
    attachment = Attachment(
        url=f"data:{CREDENTIAL_MEDIA_TYPE};base64,{encoded}",
        url_fetcher=ProjectFilesFetcher(),
        name=credential_filename(certificate.code),
        description=description,
        created=moment,
        modified=moment,
        relationship=CREDENTIAL_RELATIONSHIP,
    )
    return document.write_pdf(pdf_variant=PDFA_VARIANT, attachments=[attachment], finisher=_one_af_entry_each)


def _one_af_entry_each(document, pdf) -> None:
    """WeasyPrint's PDF/A-3 step lists each attachment in the catalog's /AF twice (once from the
    EmbeddedFiles names, once as a file spec): keep one entry per file spec."""
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"].clear()
        pdf.catalog["AF"].extend(unique)


def certificate_pdf(certificate, language: str, *, credential: str, signing_key) -> bytes:
    """The finished PDF of `certificate` in `language`: PDF/A-3b, `credential` inside, signed with
    `signing_key` (a keys.SigningKey)."""
    with translation.override(language):
        description = _("The signed credential of this certificate (Open Badges 3.0, VC-JWT)")
        reason = _("Certificate %(code)s, issued by %(issuer)s") % {
            "code": certificate.code,
            "issuer": settings.CERTIFICATE_ISSUER[language],
        }
    html = certificate_html(certificate, language)
    data = html_to_pdfa(html, certificate=certificate, credential=credential, description=description)
    return pdf_signing.pdf_sign(
        data, private_key=signing_key.private_key, signed_at=issued_moment(certificate), reason=reason
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading a PDF back (the verifier) -------------------------------------------------------

SIGNATURE_VALID = "valid"  # intact, covers the file, made with one of our keys
SIGNATURE_MODIFIED = "modified"  # present, but the bytes changed or a later update changed the document
SIGNATURE_UNSIGNED = "unsigned"
SIGNATURE_UNKNOWN_SIGNER = "unknown-signer"  # intact, but made with a key that is not ours

MAX_PDF_BYTES = 5 * 1024 * 1024  # ours are under 100 KB
MAX_CREDENTIAL_BYTES = 256 * 1024
MAX_OBJECTS = 5000  # ours have about 60
MAX_DEPTH = 40  # nesting of direct objects walked when looking for JavaScript
MAX_REVISIONS = 8  # ours have 2 (the document and its signature); each one is diffed when validating
MAX_SIGNATURES = 4  # ours have 1; each one is a full validation
TIME_BUDGET_SECONDS = 5.0  # wall-clock bound on reading one upload, checked between units of work


@dataclass(frozen=True)
class PdfInspection:
    """What a PDF says about itself: the credential it carries and whether its signature holds.

    `signature` is one of the SIGNATURE_* values. `error` is a translated message when the file
    could not be read as a certificate (then nothing else was established: no credential, and
    `signature` is "unsigned"), or when its attachment could not be read."""

    credential: str | None
    signature: str
    error: str | None = None
    signer_kid: str | None = None  # the key of a valid signature
    signed_at: datetime | None = None  # the time a valid signature states


class _Refused(Exception):
    """The PDF is refused with this (translated) message."""


class _Deadline:
    """The moment reading must stop; `check()` refuses the file once it has passed."""

    def __init__(self, seconds: float):
        self.until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise _Refused(_("This PDF takes far longer to read than a certificate; it was not read."))


def _decode_limits():
    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_ratio=1100, ratio_floor=256 * 1024, max_output_size=8 * 1024 * 1024),
        document_budget=DocumentDecodeBudget(base_allowance=32 * 1024 * 1024, max_ratio=20),
    )


def pdf_inspect(data: bytes) -> PdfInspection:
    """Read `data` as a certificate PDF without executing or fetching anything; never raises.

    Refused with an error: not bytes or not a PDF, over MAX_PDF_BYTES, damaged or truncated,
    encrypted, decompressing to more than the limits (a PDF bomb), more than MAX_OBJECTS objects,
    or any JavaScript (a certificate has none), more than MAX_REVISIONS updates or MAX_SIGNATURES
    signatures, or reading for longer than TIME_BUDGET_SECONDS (checked between objects and
    between signatures, so a crafted file cannot keep a web worker busy)."""
    try:
        deadline = _Deadline(TIME_BUDGET_SECONDS)
        reader = _reader(data)
        _walk_objects(reader, deadline)
        deadline.check()
        try:
            credential, attachment_error = _credential(reader), None
        except _Refused as refused:
            credential, attachment_error = None, str(refused)
        deadline.check()
        verdict, kid, signed_at = _signature(reader, deadline)
    except _Refused as refused:
        return PdfInspection(credential=None, signature=SIGNATURE_UNSIGNED, error=str(refused))
    except Exception:  # a parser's surprise on hostile input is still just an unreadable file
        return PdfInspection(credential=None, signature=SIGNATURE_UNSIGNED, error=_damaged())
    return PdfInspection(
        credential=credential, signature=verdict, error=attachment_error, signer_kid=kid, signed_at=signed_at
    )


def _damaged() -> str:
    return _("This PDF could not be read: it is damaged, incomplete or not a PDF.")


def _reader(data: bytes):
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _Refused(_damaged())
    data = bytes(data)
    if len(data) > MAX_PDF_BYTES:
        raise _Refused(_("This file is too large to be a certificate PDF."))
    if b"%PDF-" not in data[:1024]:
        raise _Refused(_damaged())
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False, decode_limits=_decode_limits())
        encrypted = reader.encrypted
    except Exception as exc:
        raise _Refused(_too_much() if _is_decode_limit(exc) else _damaged()) from exc
    if encrypted:
        raise _Refused(_("This PDF is encrypted: a certificate PDF is not."))
    return reader


def _is_decode_limit(exc: Exception) -> bool:
    return isinstance(exc, PdfDecodeLimitError) or isinstance(exc.__cause__, PdfDecodeLimitError)


def _too_much() -> str:
    return _("This PDF decompresses to far more data than a certificate holds; it was not read.")


# Filters pyHanko decodes itself; image codecs are left alone (nothing here decodes an image).
PROBED_FILTERS = {"/FlateDecode", "/Fl", "/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}


def _walk_objects(reader, deadline: _Deadline) -> None:
    """Visit every object of every revision (each indirect object once, references not followed)
    and refuse JavaScript anywhere (a /JS entry, a /JavaScript name tree, a /S /JavaScript action)
    and any stream that decompresses past the decode limits (a PDF bomb)."""
    if reader.total_revisions > MAX_REVISIONS:
        raise _Refused(_("This PDF was updated far more often than a certificate; it was not read."))
    refs = set()
    for revision in range(reader.total_revisions):
        refs |= reader.xrefs.explicit_refs_in_revision(revision)
        if len(refs) > MAX_OBJECTS:
            raise _Refused(_("This PDF has far more objects than a certificate; it was not read."))
    javascript = _("This PDF contains JavaScript; a certificate PDF has none, so it was not opened.")

    def walk(obj, depth):
        if depth > MAX_DEPTH:
            raise _Refused(_damaged())
        if isinstance(obj, generic.DictionaryObject):
            if "/JS" in obj or "/JavaScript" in obj or obj.get("/S") == "/JavaScript":
                raise _Refused(javascript)
            for value in obj.values():
                walk(value, depth + 1)
        elif isinstance(obj, generic.ArrayObject):
            for value in obj:
                walk(value, depth + 1)
        if isinstance(obj, generic.StreamObject):
            filters = obj.get("/Filter")
            filters = [filters] if isinstance(filters, str) else list(filters or [])
            if all(str(name) in PROBED_FILTERS for name in filters):
                obj.data  # noqa: B018 (decoded within the reader's limits, or PdfDecodeLimitError)

    try:
        for ref in sorted(refs, key=lambda r: (r.idnum, r.generation)):
            deadline.check()
            walk(reader.get_object(ref), 0)
        walk(reader.trailer_view, 0)
    except _Refused:
        raise
    except Exception as exc:
        raise _Refused(_too_much() if _is_decode_limit(exc) else _damaged()) from exc


def _credential(reader) -> str | None:
    """The text of the credential attachment (found through the catalog's /AF or its EmbeddedFiles
    names), read with a cap of MAX_CREDENTIAL_BYTES; None when there is none."""
    root = reader.root
    specs = []
    for spec in root.get("/AF", generic.ArrayObject()):
        specs.append(spec)
    names = root.get("/Names", generic.DictionaryObject()).get("/EmbeddedFiles")
    if names is not None:
        pending, seen = [names], 0
        while pending and seen < 100:
            node, seen = pending.pop().get_object(), seen + 1
            pending.extend(node.get("/Kids", []))
            specs.extend(list(node.get("/Names", []))[1::2])
    for spec in specs:
        spec = spec.get_object()
        if not isinstance(spec, generic.DictionaryObject) or "/EF" not in spec:
            continue
        stream = spec["/EF"].get("/F")
        stream = stream.get_object() if stream is not None else None
        name = str(spec.get("/UF", spec.get("/F", "")))
        if not isinstance(stream, generic.StreamObject):
            continue
        media_type = str(stream.get("/Subtype", "")).lstrip("/")
        if media_type == CREDENTIAL_MEDIA_TYPE or name.endswith(".jwt"):
            return _read_capped(stream)
    return None


def _read_capped(stream) -> str:
    """The stream's text, decompressed by ourselves to at most MAX_CREDENTIAL_BYTES."""
    unreadable = _("The credential attached to this PDF could not be read.")
    filters = stream.get("/Filter")
    filters = [filters] if isinstance(filters, str) else list(filters or [])
    raw = stream.encoded_data
    if filters == ["/FlateDecode"] or filters == ["/Fl"]:
        decompressor = zlib.decompressobj()
        try:
            text = decompressor.decompress(raw, MAX_CREDENTIAL_BYTES + 1)
        except zlib.error as exc:
            raise _Refused(unreadable) from exc
    elif not filters:
        text = raw
    else:
        raise _Refused(unreadable)
    if len(text) > MAX_CREDENTIAL_BYTES:
        raise _Refused(_("The credential attached to this PDF is too large to be one of ours."))
    try:
        return text.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise _Refused(unreadable) from exc


def _signature(reader, deadline: _Deadline) -> tuple[str, str | None, datetime | None]:
    """The verdict over every signature in the file, the key id and time of our valid one."""
    signatures = reader.embedded_regular_signatures
    if not signatures:
        return SIGNATURE_UNSIGNED, None, None
    if len(signatures) > MAX_SIGNATURES:
        raise _Refused(_("This PDF has far more signatures than a certificate; it was not read."))
    ours = {pdf_signing.public_raw(key): kid for kid, key in keys.public_keys().items()}
    verdicts = []
    for embedded in signatures:
        deadline.check()
        try:
            certificate = embedded.signer_cert
            # The certificate is its own root: trust is the question of whose key it carries.
            context = ValidationContext(trust_roots=[certificate], allow_fetching=False, revocation_mode="soft-fail")
            status = validate_pdf_signature(embedded, signer_validation_context=context)
        except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
            if _is_decode_limit(exc):
                raise _Refused(_too_much()) from exc
            verdicts.append((SIGNATURE_MODIFIED, None, None))
            continue
        kid = ours.get(_raw_public_key(certificate))
        whole = status.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
        if not status.intact:
            verdicts.append((SIGNATURE_MODIFIED, None, None))
        elif kid is None:
            verdicts.append((SIGNATURE_UNKNOWN_SIGNER, None, None))
        elif not status.valid or not whole:
            verdicts.append((SIGNATURE_MODIFIED, None, None))
        else:
            verdicts.append((SIGNATURE_VALID, kid, status.signer_reported_dt))
    for wanted in (SIGNATURE_MODIFIED, SIGNATURE_VALID, SIGNATURE_UNKNOWN_SIGNER):
        for verdict in verdicts:
            if verdict[0] == wanted:
                return verdict
    return SIGNATURE_MODIFIED, None, None


def _raw_public_key(certificate) -> bytes | None:
    info = certificate.public_key
    if info.algorithm != "ed25519":
        return None
    return bytes(info["public_key"].native)
