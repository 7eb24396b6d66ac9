"""The Open Badges 3.0 credential of a certificate (certificates/credentials.py), checked with
another implementation than the one that signs it: PyJWT and cryptography, and the OB 3.0 schema."""

import base64
import gzip
import json
from datetime import datetime
from pathlib import Path

import jsonschema
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates import credentials, keys, services
from certificates.models import Certificate
from tests.certificates.factories import issued
from tests.factories import HRFactory

pytestmark = pytest.mark.django_db

# 1EdTech's official Open Badges 3.0 schema, unchanged (its source and licence: schemas/README.md).
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_text())
VALIDATOR = jsonschema.Draft201909Validator(SCHEMA)


def schema_errors(vc: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(vc)]


@pytest.fixture
def ready(trainee, course):
    certificate = issued(trainee, course)
    # Ready without rendering the PDFs: the credential needs the row only.
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.READY)
    certificate.refresh_from_db()
    return certificate


def public_key_from_did(kid: str) -> Ed25519PublicKey:
    """Resolve `kid` in did.json as a verifier would (here: the document our view serves)."""
    document = keys.did_document()
    method = next(m for m in document["verificationMethod"] if m["id"] == kid)
    assert kid in document["assertionMethod"]
    return pyjwt.PyJWK(method["publicKeyJwk"], algorithm="EdDSA").key


def test_pyjwt_verifies_the_credential(ready, settings):
    token = credentials.credential_jwt(ready)
    header = pyjwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": keys.verification_method(keys.current_key().kid), "typ": "JWT"}
    assert header["kid"].startswith(keys.did() + "#")
    claims = pyjwt.decode(
        token,
        public_key_from_did(header["kid"]),
        algorithms=["EdDSA"],
        options={"require": ["iss", "jti", "nbf", "sub"]},
    )
    vc = claims["vc"]
    assert claims["iss"] == vc["issuer"]["id"] == keys.did()
    assert claims["jti"] == vc["id"] == f"{settings.SITE_URL}/verify/{ready.code}/"
    assert claims["sub"] == vc["credentialSubject"]["id"]
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_the_credential_states_what_the_certificate_says(ready, settings):
    vc = credentials.credential_payload(ready)
    names = [i["identityHash"] for i in vc["credentialSubject"]["identifier"]]
    assert names == [ready.holder_name_latin, ready.holder_name_arabic]
    assert ready.user.email not in json.dumps(vc, ensure_ascii=False)
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["id"] == f"urn:uuid:{ready.course_key}"
    # Both languages in one plain string each (the schema's type): the English, then the Arabic.
    assert achievement["name"] == f"{ready.course_title_en} / {ready.course_title_ar}"
    assert vc["name"] == achievement["name"]
    issuer = settings.CERTIFICATE_ISSUER
    assert vc["issuer"]["name"] == f"{issuer['en']} / {issuer['ar']}"
    assert issuer["en"] in achievement["description"] and issuer["ar"] in achievement["description"]
    narrative_en, narrative_ar = achievement["criteria"]["narrative"].split("\n\n")
    assert ready.course_title_en in narrative_en
    assert f"{ready.hours} hours" in narrative_en
    assert narrative_ar.startswith("أكمل") and ready.course_title_ar in narrative_ar
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(ready.status_index)
    assert status["statusListCredential"] == f"{settings.SITE_URL}/verify/status/revocation.jwt"


def test_the_credential_records_the_scores(ready):
    ready.assessment = {
        "modules": [{"title": {"en": "Basics", "ar": "الأساسيات"}, "percent": 90}],
        "exam": {"title": {"en": "Final exam", "ar": "الاختبار النهائي"}, "percent": 82, "pass_mark": 75},
    }
    ready.save(update_fields=["assessment"])
    vc = credentials.credential_payload(ready)
    subject = vc["credentialSubject"]
    described = {d["id"]: d for d in subject["achievement"]["resultDescription"]}
    values = {described[r["resultDescription"]]["name"]: r["value"] for r in subject["result"]}
    assert values == {"Basics / الأساسيات": "90", "Final exam / الاختبار النهائي": "82"}
    exam = next(d for d in described.values() if d.get("requiredValue"))
    assert (exam["resultType"], exam["requiredValue"], exam["valueMax"]) == ("Percent", "75", "100")
    narrative = subject["achievement"]["criteria"]["narrative"]
    assert "Final exam passed: Final exam (82%, pass mark 75%)" in narrative
    assert "الاختبار النهائي" in narrative.split("\n\n")[1]
    assert schema_errors(vc) == []


def test_the_credential_matches_the_official_open_badges_schema(ready):
    vc = credentials.credential_payload(ready)
    assert schema_errors(vc) == []
    # What the schema leaves loose and Open Badges 3.0 / VCDM 2.0 / Bitstring Status List require.
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["issuer"]["type"] == ["Profile"] and vc["issuer"]["id"].startswith("did:web:")
    assert vc["credentialSubject"]["type"] == ["AchievementSubject"]
    assert vc["credentialSubject"]["achievement"]["criteria"]["narrative"]
    for moment in (vc["validFrom"], vc["awardedDate"]):  # RFC 3339 with its zone (the format is not checked)
        assert moment.endswith("Z") and datetime.fromisoformat(moment).tzinfo is not None
    status = vc["credentialStatus"]
    assert set(status) == {"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"}
    assert status["type"] == "BitstringStatusListEntry" and status["statusListIndex"].isdigit()


@pytest.mark.parametrize(
    "change",
    [
        lambda vc: vc["credentialSubject"].pop("achievement"),
        lambda vc: vc.pop("validFrom"),
        lambda vc: vc["issuer"].update(type="Organization"),
        lambda vc: vc["credentialSubject"]["achievement"].pop("criteria"),
        lambda vc: vc["credentialSubject"]["achievement"].update(
            name=[{"@value": "Demo course", "@language": "en"}, {"@value": "دورة تجريبية", "@language": "ar"}]
        ),
        lambda vc: vc.update({"@context": ["https://www.w3.org/2018/credentials/v1", credentials.OB_CONTEXT]}),
    ],
    ids=["no-achievement", "no-validFrom", "issuer-not-a-profile", "no-criteria", "language-values", "vc-1.1"],
)
def test_the_official_schema_catches_what_it_should(ready, change):
    vc = credentials.credential_payload(ready)
    change(vc)
    assert schema_errors(vc)


def test_each_text_is_in_both_languages_once(settings):
    assert credentials.both_languages("Data analysis", "تحليل البيانات") == "Data analysis / تحليل البيانات"
    assert credentials.both_languages("Masar", "") == "Masar"
    assert credentials.both_languages("SQL", "SQL") == "SQL"
    assert credentials.both_languages("", "مسار") == "مسار"


def test_the_same_certificate_gives_the_same_credential(ready):
    first = credentials.credential_jwt(ready)
    ready.refresh_from_db()
    assert credentials.credential_jwt(ready) == first


def test_a_pending_certificate_has_no_credential(trainee, course):
    certificate = issued(trainee, course)
    with pytest.raises(ValueError):
        credentials.credential_jwt(certificate)


def test_status_indices_are_unique_and_stay(trainee, course, other_trainee):
    first = issued(trainee, course)
    second = issued(other_trainee, course)
    a = credentials.status_index_allocate(certificate=first)
    b = credentials.status_index_allocate(certificate=second)
    assert a != b
    assert 0 <= a < credentials.STATUS_LIST_MIN_BITS
    first.refresh_from_db()
    assert credentials.status_index_allocate(certificate=first) == a


def test_an_index_taken_meanwhile_is_drawn_again(trainee, course, other_trainee, monkeypatch):
    first = issued(trainee, course)
    second = issued(other_trainee, course)
    taken = credentials.status_index_allocate(certificate=first)
    draws = iter([taken, taken + 1 if taken + 1 < credentials.STATUS_LIST_MIN_BITS else taken - 1])
    monkeypatch.setattr(credentials.random.SystemRandom, "randrange", lambda self, n: next(draws))
    assert credentials.status_index_allocate(certificate=second) != taken


def bit(encoded: str, index: int) -> int:
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) * 8 >= 131_072
    return (raw[index // 8] >> (7 - index % 8)) & 1


def test_revoking_flips_the_bit_in_the_signed_status_list(client, ready, organization):
    credentials.credential_jwt(ready)
    ready.refresh_from_db()
    token = client.get("/verify/status/revocation.jwt")
    assert token.status_code == 200
    assert token["Content-Type"] == "application/jwt"
    claims = pyjwt.decode(
        token.content, public_key_from_did(pyjwt.get_unverified_header(token.content)["kid"]), algorithms=["EdDSA"]
    )
    subject = claims["vc"]["credentialSubject"]
    assert claims["vc"]["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    assert bit(subject["encodedList"], ready.status_index) == 0

    services.certificate_revoke(certificate=ready, by=HRFactory(organization=organization), reason="Cheating")
    after = client.get("/verify/status/revocation.json").json()
    assert bit(after["credentialSubject"]["encodedList"], ready.status_index) == 1


def test_did_document_lists_the_keys(client, settings):
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == keys.did()
    kid = keys.verification_method(keys.current_key().kid)
    assert [m["id"] for m in document["verificationMethod"]] == [kid]
    assert document["assertionMethod"] == [kid]
    assert "d" not in document["verificationMethod"][0]["publicKeyJwk"]  # never the private key


def test_a_credential_signed_before_a_rotation_still_verifies(client, ready, credential_keys_dir):
    before = credentials.credential_jwt(ready)
    old_kid = pyjwt.get_unverified_header(before)["kid"]
    from django.core.management import call_command

    call_command("credential_keys", "rotate")
    after = credentials.credential_jwt(ready)
    assert pyjwt.get_unverified_header(after)["kid"] != old_kid
    document = client.get("/.well-known/did.json").json()
    assert len(document["verificationMethod"]) == 2
    pyjwt.decode(before, public_key_from_did(old_kid), algorithms=["EdDSA"])
    assert credentials.credential_verify(before).outcome == credentials.AUTHENTIC


def test_public_credential_urls(client, ready, trainee, course):
    jwt_response = client.get(f"/verify/{ready.code}/credential.jwt")
    assert jwt_response.status_code == 200
    assert jwt_response["Content-Type"] == "application/jwt"
    assert "attachment" in jwt_response["Content-Disposition"] and ".jwt" in jwt_response["Content-Disposition"]
    json_response = client.get(f"/verify/{ready.code}/credential.json")
    assert json_response["Content-Type"] == "application/ld+json"
    assert json_response.json() == pyjwt.decode(jwt_response.content, options={"verify_signature": False})["vc"]
    # any case, no dashes: the same certificate
    assert client.get(f"/verify/{ready.code.replace('-', '').lower()}/credential.jwt").status_code == 200
    assert client.get("/verify/0000-0000-0000-0000-0000-0000-00/credential.jwt").status_code == 404
    assert client.get(f"/verify/{ready.code}/credential.xml").status_code == 404


def test_a_pending_certificate_has_no_public_credential(client, trainee, course):
    pending = issued(trainee, course)
    assert client.get(f"/verify/{pending.code}/credential.jwt").status_code == 404
    assert client.get(f"/verify/{pending.code}/credential.json").status_code == 404


@pytest.mark.parametrize("language, issuer_name", [("en", "Masar"), ("ar", "مسار")])
def test_the_holder_page_offers_the_credential_and_linkedin(client, trainee, ready, language, issuer_name):
    from urllib.parse import parse_qs, urlsplit

    Certificate.objects.filter(pk=ready.pk).update(pdf_ar="certificates/a.pdf", pdf_en="certificates/e.pdf")
    client.force_login(trainee)
    page = client.get(f"/{language}/certificates/{ready.code}/")
    assert f'href="/verify/{ready.code}/credential.jwt"' in page.text
    assert ("Download the credential" if language == "en" else "نزّل الاعتماد") in page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(page.context["linkedin_url"]).query).items()}
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == (ready.course_title_en if language == "en" else ready.course_title_ar)
    assert query["organizationName"] == issuer_name
    assert query["certId"] == ready.code
    assert query["certUrl"].endswith(f"/verify/{ready.code}/")
    assert (query["issueYear"], query["issueMonth"]) == (str(ready.completed_on.year), str(ready.completed_on.month))
