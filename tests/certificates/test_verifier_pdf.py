"""The verifier on real certificate PDFs (certificates.pdf.certificate_pdf, read back by
pdf.pdf_inspect): authentic as issued, its own verdict once a byte is changed, revoked once
revoked, and the same from the command line."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from certificates import credentials, keys, pdf, services
from certificates.models import Certificate
from tests.certificates.factories import issued
from tests.factories import HRFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(trainee, course):
    certificate = issued(trainee, course)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.READY)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def signed_pdf(certificate) -> bytes:
    return pdf.certificate_pdf(
        certificate, "en", credential=credentials.credential_jwt(certificate), signing_key=keys.current_key()
    )


def upload(client, data: bytes, language: str = "en"):
    return client.post(
        f"/verify/?lang={language}", {"certificate": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")}
    )


def test_the_issued_pdf_is_authentic(client, signed_pdf, certificate):
    page = upload(client, signed_pdf)
    assert page.status_code == 200
    verification = page.context["verification"]
    assert verification.outcome == credentials.AUTHENTIC and verification.pdf_signature == "valid"
    assert "own signature is valid" in page.text
    assert certificate.holder_name_latin in page.text
    arabic = upload(client, signed_pdf, "ar")
    assert "أصلية" in arabic.text and certificate.course_title_ar in arabic.text


def test_a_changed_byte_gets_its_own_verdict(client, signed_pdf):
    # A byte of the page content (well inside the signed range), then a byte appended after it.
    position = len(signed_pdf) // 3
    changed = signed_pdf[:position] + bytes([signed_pdf[position] ^ 0x01]) + signed_pdf[position + 1 :]
    verification = upload(client, changed).context["verification"]
    assert not verification.authentic
    assert verification.outcome in ("pdf-modified", "pdf-refused")
    assert verification.message


def test_a_revoked_certificates_pdf_says_revoked(client, signed_pdf, certificate, organization):
    services.certificate_revoke(certificate=certificate, by=HRFactory(organization=organization), reason="Error")
    assert upload(client, signed_pdf).context["verification"].outcome == credentials.REVOKED


def test_the_command_reads_the_pdf(tmp_path, signed_pdf):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(signed_pdf)
    out = io.StringIO()
    call_command("verify_credential", str(path), stdout=out)
    assert out.getvalue().startswith("Authentic")
    path.write_bytes(signed_pdf[:-200])  # truncated
    with pytest.raises(SystemExit) as exit:
        call_command("verify_credential", str(path), stdout=io.StringIO())
    assert exit.value.code == 1


@pytest.mark.django_db
def test_the_arabic_too_large_message_uses_arabic_digits(client):
    from certificates import verifier

    response = upload(client, b"%PDF-1.7\n" + b"0" * verifier.MAX_UPLOAD_BYTES, language="ar")
    verdict = response.content.decode().split('id="verdict"', 1)[1].split("</section>", 1)[0]
    assert "٥" in verdict and "١٠٠" in verdict  # 5 MB and 100 KB in the page's digit style
    message = verdict.split("</h2>", 1)[1]
    assert not any(digit in message for digit in "0123456789"), message
    english = upload(client, b"%PDF-1.7\n" + b"0" * verifier.MAX_UPLOAD_BYTES, language="en").content.decode()
    assert "larger than 5 MB" in english and "under 100 KB" in english
