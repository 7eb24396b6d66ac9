"""The verifier page /verify/ (paste a credential or upload a PDF) and `manage.py verify_credential`:
a verdict in the page's language for every input, never a 500, nothing stored."""

import io
import json
from datetime import UTC
from pathlib import Path

import jwt as pyjwt
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from certificates import credentials, pdf, verifier
from certificates.models import Certificate
from core.i18n import format_date
from tests.certificates.factories import issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(trainee, course):
    certificate = issued(trainee, course)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.READY)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def token(ready):
    return credentials.credential_jwt(ready)


def count_rows():
    return Certificate.objects.count()


def test_the_page_offers_code_paste_and_upload(client):
    page = client.get("/verify/?lang=en")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="credential"' in page.text and 'name="certificate"' in page.text
    assert 'accept="application/pdf,.pdf"' in page.text
    assert "csrfmiddlewaretoken" in page.text


def test_a_pasted_credential_is_authentic_in_english_and_arabic(client, token, ready):
    page = client.post("/verify/?lang=en", {"credential": token})
    assert page.status_code == 200
    assert "Authentic" in page.text
    assert ready.holder_name_latin in page.text and ready.course_title_en in page.text
    assert f"/verify/{ready.code}/" in page.text
    assert token not in page.text  # the pasted text is not echoed back
    arabic = client.post("/verify/?lang=ar", {"credential": token})
    assert "أصلية" in arabic.text
    assert ready.course_title_ar in arabic.text
    assert 'lang="ar"' in arabic.text and 'dir="rtl"' in arabic.text


def test_a_tampered_paste_gets_its_own_verdict(client, token):
    header, payload, signature = token.split(".")
    claims = pyjwt.decode(token, options={"verify_signature": False})
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    import base64

    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    page = client.post("/verify/?lang=en", {"credential": f"{header}.{body}.{signature}"})
    assert page.status_code == 200
    assert "Changed or forged" in page.text
    assert "not confirmed" in page.text


def test_nothing_and_both_are_asked_again(client, token):
    assert client.post("/verify/?lang=en", {}).status_code == 400
    both = client.post(
        "/verify/?lang=en", {"credential": token, "certificate": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")}
    )
    assert both.status_code == 400
    assert "one of the two" in both.text


def test_a_fifty_megabyte_upload_is_refused_unread(client):
    before = count_rows()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024), content_type="application/pdf")
    response = client.post("/verify/?lang=en", {"certificate": big})
    assert response.status_code == 413
    assert "larger than 5 MB" in response.text
    assert count_rows() == before


def test_an_upload_over_the_limit_without_a_content_length_is_stopped(rf):
    """A body that does not announce its size is still stopped at 5 MB by the upload handler, which
    keeps nothing past the limit."""
    from certificates import views

    handler = views._MemoryOnlyUpload(rf.post("/verify/"), limit=verifier.MAX_UPLOAD_BYTES)
    handler.new_file("certificate", "big.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"%PDF-1.7\n", 0) is None
    with pytest.raises(views.StopUpload):
        handler.receive_data_chunk(b"0" * verifier.MAX_UPLOAD_BYTES, 9)
    assert handler.too_large
    assert handler.buffer.getvalue() == b"%PDF-1.7\n"


def test_a_file_that_is_not_a_pdf_is_refused(client):
    upload = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post("/verify/?lang=en", {"certificate": upload})
    assert response.status_code == 200
    assert "The file is not a PDF" in response.text
    arabic = client.post(
        "/verify/?lang=ar", {"certificate": SimpleUploadedFile("x.pdf", b"GIF89a", content_type="application/pdf")}
    )
    assert "ليس ملف PDF" in arabic.text


def test_an_upload_is_not_written_to_disk(client, monkeypatch, token):
    """The upload stays in memory: no temporary file is made for it."""
    import tempfile

    made = []
    real = tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", spy)
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.7\n" + b"1" * (3 * 1024 * 1024), content_type="application/pdf")
    monkeypatch.setattr(pdf, "pdf_inspect", lambda data: pdf.PdfInspection(credential=None, signature="unsigned"))
    client.post("/verify/?lang=en", {"certificate": upload})
    assert made == []


@pytest.mark.parametrize(
    "signature, credential_kind, expected",
    [
        ("valid", "ours", "Authentic"),
        ("modified", "ours", "Changed after issue"),
        ("unknown-signer", "ours", "Not signed by the issuer"),
        ("unsigned", "ours", "This PDF is not signed"),
        ("valid", None, "No credential inside"),
    ],
)
def test_a_pdf_verdict_weighs_its_signature_and_its_credential(
    client, monkeypatch, token, signature, credential_kind, expected
):
    inspected = []

    def inspect(data):
        inspected.append(data)
        return pdf.PdfInspection(credential=token if credential_kind else None, signature=signature)

    monkeypatch.setattr(pdf, "pdf_inspect", inspect)
    upload = SimpleUploadedFile("cert.pdf", b"%PDF-1.7\nsome bytes", content_type="application/pdf")
    page = client.post("/verify/?lang=en", {"certificate": upload})
    assert page.status_code == 200
    assert expected in page.text
    assert inspected == [b"%PDF-1.7\nsome bytes"]


def test_a_pdf_the_reader_refuses_says_why(client, monkeypatch):
    monkeypatch.setattr(
        pdf,
        "pdf_inspect",
        lambda data: pdf.PdfInspection(credential=None, signature="unsigned", error="This PDF contains JavaScript."),
    )
    page = client.post("/verify/?lang=en", {"certificate": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")})
    assert "This PDF contains JavaScript." in page.text


def test_a_post_without_the_csrf_token_is_refused(token):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/verify/", {"credential": token}).status_code == 403


def test_checks_are_throttled_per_client(client, settings, token):
    settings.MASAR_THROTTLES = {**settings.MASAR_THROTTLES, "verify_ip": (2, 600)}
    assert client.post("/verify/?lang=en", {"credential": token}).status_code == 200
    assert client.post("/verify/?lang=en", {"credential": token}).status_code == 200
    third = client.post("/verify/?lang=en", {"credential": token})
    assert third.status_code == 429
    assert "Too many checks" in third.text


# --- the command ------------------------------------------------------------------------


def run(path) -> tuple[int, str]:
    """The command's exit status and output (in English, its default)."""
    out = io.StringIO()
    try:
        call_command("verify_credential", str(path), stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_the_command_verifies_a_jwt_file(tmp_path, token, ready):
    path = tmp_path / "credential.jwt"
    path.write_text(token)
    code, out = run(path)
    assert code == 0
    assert "Authentic" in out and ready.holder_name_latin in out


def test_the_command_exits_non_zero_when_not_authentic(tmp_path, token):
    changed = tmp_path / "changed.jwt"
    changed.write_text(token[:-8] + ("A" if token[-8] != "A" else "B") + token[-7:])
    assert run(changed)[0] == 1
    unsigned = tmp_path / "credential.json"
    unsigned.write_text(json.dumps(pyjwt.decode(token, options={"verify_signature": False})["vc"]))
    code, out = run(unsigned)
    assert code == 1 and "Not signed" in out
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\xff\xfe\x00garbage")
    assert run(junk)[0] == 1


def test_the_command_answers_in_arabic(tmp_path, token):
    path = tmp_path / "credential.jwt"
    path.write_text(token)
    out = io.StringIO()
    call_command("verify_credential", str(path), "--language", "ar", stdout=out)
    assert "أصلية" in out.getvalue()


def test_the_command_reads_a_pdf_through_the_pdf_reader(tmp_path, token, monkeypatch):
    monkeypatch.setattr(pdf, "pdf_inspect", lambda data: pdf.PdfInspection(credential=token, signature="valid"))
    path = tmp_path / "certificate.pdf"
    path.write_bytes(b"%PDF-1.7\n%%EOF\n")
    assert run(path)[0] == 0


def test_the_command_says_when_the_file_is_missing(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("verify_credential", str(Path(tmp_path) / "nope.jwt"))


def test_hostile_json_gets_a_page_not_a_500(client):
    deep = '{"a":' + "[" * 40_000 + "]" * 40_000 + "}"
    page = client.post("/verify/?lang=en", {"credential": deep})
    assert page.status_code == 200
    assert "Not a credential" in page.text


def test_claims_on_the_arabic_page_are_in_its_digits_and_escaped(client, ready):
    ready.assessment = {"modules": [{"title": {"en": "Basics", "ar": "الأساسيات"}, "percent": 90}], "exam": None}
    ready.save(update_fields=["assessment"])
    token = credentials.credential_jwt(ready)
    page = client.post("/verify/?lang=ar", {"credential": token})
    claims = page.text.split('<dl class="claims">', 1)[1].split("</dl>", 1)[0]
    issued_on = format_date(ready.issued_at.astimezone(UTC), "ar")
    assert f'<dd dir="auto">{issued_on}</dd>' in claims and not any(d in issued_on for d in "0123456789")
    assert ">٩٠٪<" in claims  # the module's score
    assert "(٩٠٪)" in claims  # in what was assessed, both blocks
    assert "90%" not in claims
    assert f"/verify/{ready.code}/" in claims  # identifiers stay as written
    # An unconfirmed claim is escaped before its digits change.
    vc = pyjwt.decode(token, options={"verify_signature": False})
    vc["vc"]["credentialSubject"]["achievement"]["resultDescription"][0]["name"] = "<b>1</b>"
    header, _payload, signature = token.split(".")
    import base64

    body = base64.urlsafe_b64encode(json.dumps(vc).encode()).rstrip(b"=").decode()
    forged = client.post("/verify/?lang=ar", {"credential": f"{header}.{body}.{signature}"})
    assert "&lt;b&gt;١&lt;/b&gt;" in forged.text and "<b>1</b>" not in forged.text
