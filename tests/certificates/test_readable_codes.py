"""Certificate codes people can read out: Crockford base32 in groups of four, typed in any
case, with or without dashes; the older token_urlsafe codes keep verifying."""

import re

import pytest

from certificates.models import CROCKFORD_ALPHABET, Certificate, certificate_code, code_readable
from certificates.selectors import certificate_verification, is_code
from tests.certificates.factories import issued

pytestmark = pytest.mark.django_db

READABLE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}-[0-9A-HJKMNP-TV-Z]{2}")


@pytest.fixture
def ready(trainee, course):
    return issued(trainee, course, render=True)


def test_a_new_code_is_26_crockford_characters_in_groups_of_four():
    codes = {certificate_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert READABLE.fullmatch(code), code
        assert not set(code) & set("ILOU")
        # 128 bits: the first character carries the top three bits only.
        assert CROCKFORD_ALPHABET.index(code[0]) < 8


def test_a_code_round_trips_through_every_way_of_typing_it():
    code = certificate_code()
    plain = code.replace("-", "")
    for typed in (code, code.lower(), plain, plain.lower(), " ".join(code.split("-")), f"  {code.lower()} "):
        assert code_readable(typed) == code, typed


def test_look_alike_letters_are_read_as_digits():
    code = "01AB-CDEF-GH11-0000-1111-2345-67"
    assert code_readable("OIAB-CDEF-GHIL-OOOO-iiii-2345-67") == code
    assert code_readable("oLab cdef ghil o0O0 l1I1 2345 67") == code


def test_what_is_not_a_code_is_refused():
    assert code_readable("7ZK3-M9QD") is None  # too short
    assert code_readable("U" * 26) is None  # U is not in Crockford's alphabet
    assert not is_code("")
    assert not is_code("x" * 200)
    assert not is_code("<script>")


def test_a_new_certificate_gets_a_readable_code(trainee, course):
    certificate = issued(trainee, course)
    assert READABLE.fullmatch(certificate.code)


def test_verification_accepts_any_case_and_dashes(client, ready):
    plain = ready.code.replace("-", "").lower()
    assert certificate_verification(code=plain)["status"] == "valid"
    page = client.get(f"/verify/{plain}/")
    assert page.status_code == 200
    assert ready.code in page.text
    assert page.context["result"]["status"] == "valid"
    # The verification form sends a code typed with spaces to its stored form.
    response = client.get("/verify/", {"code": " ".join(ready.code.lower().split("-"))})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{ready.code}/"


def test_a_mistyped_code_is_unknown_not_someone_elses(client, ready):
    wrong = ("0" if ready.code[0] != "0" else "1") + ready.code[1:]
    assert certificate_verification(code=wrong)["status"] == "unknown"
    assert client.get("/verify/", {"code": "not a code!"}).status_code == 400


def test_an_old_code_still_verifies_and_opens_as_it_is(client, trainee, ready):
    old = "aB3_-dE5fG7hJ9kLmN0pQr"  # the shape of token_urlsafe(16): 22 characters, any case, _ and -
    Certificate.objects.filter(pk=ready.pk).update(code=old)
    assert certificate_verification(code=old)["status"] == "valid"
    assert certificate_verification(code=old.upper())["status"] == "unknown"  # old codes are case-sensitive
    assert client.get(f"/verify/{old}/").context["result"]["status"] == "valid"
    assert client.get("/verify/", {"code": old})["Location"] == f"/verify/{old}/"
    client.force_login(trainee)
    assert client.get(f"/en/certificates/{old}/").status_code == 200
    download = client.get(f"/en/certificates/{old}/en.pdf")
    assert download.status_code == 200
    assert 'filename="masar-certificate-aB3-dE5fG7hJ9kLmN0pQr-en.pdf"' in download["Content-Disposition"]


def test_the_trainee_pages_open_with_the_code_typed_any_way(client, trainee, ready):
    client.force_login(trainee)
    assert client.get(f"/en/certificates/{ready.code.lower()}/").status_code == 200
    assert client.get(f"/en/certificates/{ready.code.replace('-', '')}/status/").status_code == 200


def test_downloads_have_clean_file_names(client, trainee, ready):
    client.force_login(trainee)
    for language in ("ar", "en"):
        response = client.get(f"/en/certificates/{ready.code}/{language}.pdf")
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert f'filename="masar-certificate-{ready.code}-{language}.pdf"' in disposition
        assert re.search(r'filename="masar-certificate-[0-9A-Z-]+-(ar|en)\.pdf"', disposition)


def test_someone_elses_certificate_stays_hidden_whatever_the_case(client, other_trainee, ready):
    client.force_login(other_trainee)
    assert client.get(f"/en/certificates/{ready.code.lower()}/").status_code == 404


def test_the_pdf_names_issuer_signatory_and_labels_the_id(trainee, course, settings):
    from certificates import pdf

    settings.CERTIFICATE_SIGNATORY_NAME = {"en": "Dr Hala Nasser", "ar": "د. هالة ناصر"}
    settings.CERTIFICATE_SIGNATORY_TITLE = {"en": "Head of training", "ar": "رئيسة قسم التدريب"}
    certificate = issued(trainee, course)
    english, arabic = pdf.certificate_html(certificate, "en"), pdf.certificate_html(certificate, "ar")
    assert "Dr Hala Nasser" in english and "Head of training" in english
    assert "د. هالة ناصر" in arabic and "رئيسة قسم التدريب" in arabic
    assert "Issued by Masar" in english and "صادرة عن مسار" in arabic
    assert "Certificate ID" in english and "رمز الشهادة" in arabic
    assert certificate.code in english and certificate.code in arabic
    first = pdf.html_to_pdf(english)
    assert first == pdf.html_to_pdf(english)  # deterministic
    assert len(first) < 100_000
