"""The certificate PDFs are PDF/A-3b, carry the signed credential as an attachment, name the issuer,
code and verification URL in their XMP, are signed with the platform's key; `pdf.pdf_inspect` reads
them back and refuses what is not one of them without raising.

The files are read back with pypdf, not with WeasyPrint or pyHanko which write them."""

import io
import zlib
from xml.etree import ElementTree

import pypdf
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.storage import storages
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from certificates import credentials, keys, pdf, pdf_signing, verifier
from tests.certificates.factories import issued

pytestmark = pytest.mark.django_db

LONG_LATIN = ("Maximilian Alexander Wolfeschlegel Hubert Montgomery " * 3)[:150].strip()
LONG_ARABIC = ("عبد الرحمن بن محمد بن عبد العزيز آل الشيخ المستشار " * 3)[:150].strip()
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


@pytest.fixture
def certificate(trainee, course):
    """A ready certificate, rendered by the service."""
    return issued(trainee, course, render=True)


def credential_of(certificate) -> str:
    return credentials.credential_jwt(certificate)


def stored(certificate, language: str) -> bytes:
    with storages["private"].open(certificate.pdf_name(language), "rb") as fh:
        return fh.read()


def render(certificate, language="en", *, signing_key=None) -> bytes:
    return pdf.certificate_pdf(
        certificate, language, credential=credential_of(certificate), signing_key=signing_key or keys.current_key()
    )


def xmp(data: bytes) -> ElementTree.Element:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return ElementTree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def other_key() -> keys.SigningKey:
    private = Ed25519PrivateKey.generate()
    return keys.SigningKey(kid="someone-else", private_key=private, public_key=private.public_key())


# --- what the file declares ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pdf_declares_pdf_a_3b(certificate, language):
    data = render(certificate, language)
    assert data.startswith(b"%PDF-1.7")
    ids = [d for d in xmp(data).iter(f"{RDF}Description") if d.get(f"{PDFAID}part")]
    assert [(d.get(f"{PDFAID}part"), d.get(f"{PDFAID}conformance")) for d in ids] == [("3", "B")]
    reader = pypdf.PdfReader(io.BytesIO(data))
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_font_is_embedded(certificate, language):
    reader = pypdf.PdfReader(io.BytesIO(render(certificate, language)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        font = font.get_object()
        descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for descendant in descendants:
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font


def test_the_arabic_name_still_reads_as_typed(certificate):
    import unicodedata

    reader = pypdf.PdfReader(io.BytesIO(render(certificate, "ar")))
    text = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
    assert unicodedata.normalize("NFKC", "ليلى حداد") in text


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_credential_is_attached_with_its_media_type_and_relationship(certificate, language):
    data = render(certificate, language)
    reader = pypdf.PdfReader(io.BytesIO(data))
    name = f"masar-credential-{certificate.code}.jwt"
    assert reader.attachments[name] == [credential_of(certificate).encode()]
    root = reader.trailer["/Root"]
    [spec] = [s.get_object() for s in root["/AF"]]
    assert spec["/UF"] == name
    assert spec["/AFRelationship"] == "/Alternative"
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/vc+jwt"
    assert stream.get_data().decode() == credential_of(certificate)
    # The same file spec is in the EmbeddedFiles names, where readers list attachments.
    names = root["/Names"]["/EmbeddedFiles"].get_object()["/Names"]
    assert names[0] == name and names[1].get_object() == spec


def test_the_xmp_names_the_issuer_the_code_and_the_verification_url(certificate, settings):
    tree = xmp(render(certificate, "ar"))
    publishers = [li.text for li in tree.iter(f"{DC}publisher") for li in li.iter(f"{RDF}li")]
    assert publishers == [settings.CERTIFICATE_ISSUER["en"], settings.CERTIFICATE_ISSUER["ar"]]
    assert [e.text for e in tree.iter(f"{DC}identifier")] == [certificate.code]
    relations = [li.text for e in tree.iter(f"{DC}relation") for li in e.iter(f"{RDF}li")]
    assert relations == [pdf.verification_url(certificate.code)]
    assert relations[0].startswith(settings.SITE_URL + "/") and certificate.code in relations[0]


def test_rendering_is_deterministic(certificate, monkeypatch):
    # Without HarfBuzz's subsetter, fontTools stamps each font subset with the current second
    # unless SOURCE_DATE_EPOCH fixes it; the PDF/A step and the signature add no changing bytes.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert render(certificate, "ar") == render(certificate, "ar")
    assert render(certificate, "en") == render(certificate, "en")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_rendered_files_are_these_pdfs(certificate, language):
    """What the render service stores is the signed PDF/A with the certificate's own credential."""
    data = stored(certificate, language)
    assert xmp(data).find(f".//{DC}identifier").text == certificate.code
    inspection = pdf.pdf_inspect(data)
    assert (inspection.signature, inspection.error) == ("valid", None)
    assert inspection.credential == credentials.credential_jwt(certificate)
    assert pypdf.PdfReader(io.BytesIO(data)).attachments[f"masar-credential-{certificate.code}.jwt"] == [
        credentials.credential_jwt(certificate).encode()
    ]


def test_a_150_letter_name_stays_under_100_kb(trainee, course):
    trainee.name_latin, trainee.name_arabic = LONG_LATIN, LONG_ARABIC
    trainee.save()
    certificate = issued(trainee, course, render=True)
    assert len(certificate.holder_name_latin) == 150 and len(certificate.holder_name_arabic) == 150
    for language in ("en", "ar"):
        data = stored(certificate, language)
        assert len(data) < 100_000
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
        assert pdf.pdf_inspect(data).signature == "valid"


# --- the signature --------------------------------------------------------------------------


def test_the_signature_covers_the_whole_file_and_validates(certificate):
    data = render(certificate, "en")
    reader = pypdf.PdfReader(io.BytesIO(data))
    [field] = [f for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"] if f.get_object()["/FT"] == "/Sig"]
    signature = field.get_object()["/V"].get_object()
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES baseline
    start, first, second, length = signature["/ByteRange"]
    assert start == 0 and second + length == len(data)
    assert data[first:second].startswith(b"<") and data[first:second].endswith(b">")

    inspection = pdf.pdf_inspect(data)
    assert inspection.signature == "valid"
    assert inspection.error is None
    assert inspection.signer_kid == keys.current_key().kid
    assert inspection.signed_at == pdf.issued_moment(certificate)
    assert inspection.credential == credential_of(certificate)


def test_the_certificate_of_the_key_is_stable_and_names_the_issuer(settings):
    key = keys.current_key()
    first = pdf_signing.signing_certificate(key.private_key)
    pdf_signing._certificates.clear()
    assert pdf_signing.signing_certificate(key.private_key) == first
    assert settings.CERTIFICATE_ISSUER["en"] in first.subject.rfc4514_string()
    first.verify_directly_issued_by(first)  # self-signed by the key itself


@pytest.mark.parametrize("where", ["header", "middle", "credential", "end"])
def test_a_changed_byte_is_never_valid(certificate, where):
    data = bytearray(render(certificate, "en"))
    credential = bytes(data).find(b"eyJhbGciOiJFZERTQSIs")
    position = {"header": 10, "middle": len(data) // 3, "credential": credential + 60, "end": len(data) - 30}[where]
    data[position] ^= 0x01
    inspection = pdf.pdf_inspect(bytes(data))
    assert inspection.signature != "valid"
    if where == "header":
        assert inspection.signature == "modified" and inspection.error is None


def test_a_changed_byte_in_the_signed_content_gives_modified(certificate):
    data = bytearray(render(certificate, "en"))
    data[10] = ord("X")  # the binary comment on the second line: harmless to parsers, signed
    assert pdf.pdf_inspect(bytes(data)).signature == "modified"


def test_an_update_appended_after_signing_gives_modified(certificate):
    data = render(certificate, "en")
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    inspection = pdf.pdf_inspect(out.getvalue())
    assert inspection.signature == "modified"


def test_another_genuine_credential_swapped_in_after_signing_is_not_authentic(certificate, other_trainee, course):
    """The attachment replaced, in an update after the signature, by another holder's genuine signed
    credential: the credential alone would verify, the PDF is what was changed."""
    theirs = issued(other_trainee, course)
    theirs.status = theirs.Status.READY  # its credential needs the row only
    other = credentials.credential_jwt(theirs)
    writer = IncrementalPdfFileWriter(io.BytesIO(render(certificate, "en")), strict=False)
    spec = writer.root["/AF"][0].get_object()
    old = spec["/EF"]["/F"].get_object()
    stream = generic.StreamObject({generic.NameObject("/Subtype"): old["/Subtype"]}, stream_data=other.encode("ascii"))
    spec["/EF"] = generic.DictionaryObject({generic.NameObject("/F"): writer.add_object(stream)})
    writer.update_container(spec)
    out = io.BytesIO()
    writer.write(out)
    inspection = pdf.pdf_inspect(out.getvalue())
    assert (inspection.credential, inspection.signature) == (other, "modified")
    assert credentials.credential_verify(other).authentic
    verification = verifier.verify_pdf(out.getvalue())
    assert verification.outcome == "pdf-modified" and not verification.authentic


def test_an_unsigned_pdf_is_unsigned(certificate):
    data = pdf.html_to_pdfa(
        pdf.certificate_html(certificate, "en"), certificate=certificate, credential=credential_of(certificate)
    )
    inspection = pdf.pdf_inspect(data)
    assert inspection.signature == "unsigned"
    assert inspection.credential == credential_of(certificate)
    assert pdf.pdf_inspect(pdf.html_to_pdf(pdf.certificate_html(certificate, "en"))).credential is None


def test_a_pdf_signed_by_another_key_has_an_unknown_signer(certificate):
    inspection = pdf.pdf_inspect(render(certificate, "en", signing_key=other_key()))
    assert inspection.signature == "unknown-signer"
    assert inspection.signer_kid is None


def test_a_retired_key_still_validates(certificate, credential_keys_dir):
    data = render(certificate, "en")
    kid = keys.current_key().kid
    keys.key_rotate()
    assert keys.current_key().kid != kid
    inspection = pdf.pdf_inspect(data)
    assert (inspection.signature, inspection.signer_kid) == ("valid", kid)


# --- bad input ----------------------------------------------------------------------------


def minimal_pdf(*objects: bytes) -> bytes:
    """A classic PDF of `objects` (numbered from 1, the first being the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def test_the_minimal_pdf_helper_makes_a_readable_pdf():
    data = minimal_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, b"<< /Type /Page /Parent 2 0 R >>")
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert pdf.pdf_inspect(data) == pdf.PdfInspection(credential=None, signature="unsigned")


@pytest.mark.parametrize(
    "catalog",
    [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
    ],
)
def test_a_pdf_with_javascript_is_refused(catalog):
    data = minimal_pdf(catalog, PAGES, b"<< /Type /Page /Parent 2 0 R >>", b"<< /Names [] >>")
    inspection = pdf.pdf_inspect(data)
    assert inspection.error and "JavaScript" in inspection.error
    assert inspection.credential is None and inspection.signature == "unsigned"


def test_a_pdf_bomb_is_refused():
    bomb = zlib.compress(b"\0" * (200 * 1024 * 1024), 9)  # 200 MB of zeros in about 200 KB
    data = minimal_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PAGES,
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        stream(bomb, b"/Filter /FlateDecode"),
    )
    assert len(data) < 300_000
    inspection = pdf.pdf_inspect(data)
    assert inspection.error and "decompresses" in inspection.error


def test_an_attachment_too_large_is_not_read():
    big = zlib.compress(b"e" * (2 * 1024 * 1024))
    data = minimal_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AF [4 0 R] >>",
        PAGES,
        b"<< /Type /Page /Parent 2 0 R >>",
        b"<< /Type /Filespec /UF (x.jwt) /F (x.jwt) /EF << /F 5 0 R >> /AFRelationship /Alternative >>",
        stream(big, b"/Type /EmbeddedFile /Subtype /application#2fvc+jwt /Filter /FlateDecode"),
    )
    inspection = pdf.pdf_inspect(data)
    assert inspection.credential is None and inspection.error and "too large" in inspection.error


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage" * 1000, b"%PDF-1.7\n" + b"\x00" * 500, "not bytes", None],
    ids=["empty", "garbage", "header-only", "str", "none"],
)
def test_garbage_is_an_error_not_an_exception(data):
    inspection = pdf.pdf_inspect(data)
    assert inspection.error
    assert inspection.credential is None and inspection.signature == "unsigned"


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_certificate_is_never_valid(certificate, fraction):
    data = render(certificate, "en")
    inspection = pdf.pdf_inspect(data[: int(len(data) * fraction)])
    assert inspection.signature != "valid"


def test_a_file_over_the_size_limit_is_refused_unread():
    inspection = pdf.pdf_inspect(b"%PDF-1.7\n" + b" " * (pdf.MAX_PDF_BYTES + 1))
    assert inspection.error and "too large" in inspection.error


def test_inspection_fetches_nothing(certificate, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("pdf_inspect opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert pdf.pdf_inspect(render(certificate, "en")).signature == "valid"


def test_the_signature_verifies_without_pyhanko(certificate):
    """The CMS read with pypdf and asn1crypto, checked with plain `cryptography`: the signed bytes'
    SHA-512 is the signed messageDigest, and the Ed25519 signature over the signed attributes
    verifies with the platform's public key."""
    import hashlib

    from asn1crypto import cms
    from cryptography.hazmat.primitives import serialization

    data = render(certificate, "ar")
    reader = pypdf.PdfReader(io.BytesIO(data))
    [field] = [f for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"] if f.get_object()["/FT"] == "/Sig"]
    signature = field.get_object()["/V"].get_object()
    start, first, second, length = signature["/ByteRange"]
    signed_bytes = data[start:first] + data[second : second + length]
    content = cms.ContentInfo.load(bytes(signature["/Contents"]))
    [signer] = content["content"]["signer_infos"]
    attrs = {attr["type"].native: attr["values"][0].native for attr in signer["signed_attrs"]}
    assert signer["digest_algorithm"]["algorithm"].native == "sha512"
    assert attrs["message_digest"] == hashlib.sha512(signed_bytes).digest()
    assert "signing_time" not in attrs  # PAdES: the time is in the signature dictionary
    public = keys.current_key().public_key
    public.verify(signer["signature"].native, signer["signed_attrs"].untag().dump())
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    [embedded] = content["content"]["certificates"]  # the signing certificate, once
    assert embedded.chosen.public_key["public_key"].native == raw

    tampered = bytearray(signed_bytes)
    tampered[100] ^= 1
    assert hashlib.sha512(bytes(tampered)).digest() != attrs["message_digest"]


def with_updates(data: bytes, count: int) -> bytes:
    """`data` (a minimal_pdf of three objects) with `count` incremental updates appended, each
    rewriting the page object and chaining its cross-reference section to the previous one."""
    out = bytearray(data)
    previous = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    for _ in range(count):
        offset = len(out)
        out += b"3 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n"
        xref = len(out)
        out += b"xref\n3 1\n%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size 4 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (previous, xref)
        previous = xref
    return bytes(out)


THREE_OBJECTS = (b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, b"<< /Type /Page /Parent 2 0 R >>")


def test_a_pdf_updated_too_often_is_refused_before_validation():
    data = with_updates(minimal_pdf(*THREE_OBJECTS), pdf.MAX_REVISIONS + 20)
    inspection = pdf.pdf_inspect(data)
    assert inspection.error and "updated far more often" in inspection.error
    assert inspection.credential is None and inspection.signature == "unsigned"


def test_a_few_updates_are_still_read():
    inspection = pdf.pdf_inspect(with_updates(minimal_pdf(*THREE_OBJECTS), 2))
    assert inspection == pdf.PdfInspection(credential=None, signature="unsigned")


def test_reading_stops_when_the_time_budget_is_spent(monkeypatch):
    # 300 objects each nested as deep as allowed: real work for the walk, checked object by object.
    nested = b"[" * (pdf.MAX_DEPTH - 2) + b"0" + b"]" * (pdf.MAX_DEPTH - 2)
    data = minimal_pdf(*THREE_OBJECTS, *([nested] * 300))
    assert pdf.pdf_inspect(data).error is None  # readable within the normal budget
    monkeypatch.setattr(pdf, "TIME_BUDGET_SECONDS", 0.0)
    inspection = pdf.pdf_inspect(data)
    assert inspection.error and "far longer to read" in inspection.error
    assert inspection.credential is None and inspection.signature == "unsigned"


def test_the_arabic_refusal_is_translated():
    from django.utils import translation

    with translation.override("ar"):
        inspection = pdf.pdf_inspect(with_updates(minimal_pdf(*THREE_OBJECTS), pdf.MAX_REVISIONS + 1))
    assert inspection.error.startswith("عُدّل ملف PDF")
