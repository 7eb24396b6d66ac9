"""Every bad credential of issue 18 gets its own clear verdict (certificates.credentials.credential_verify),
never a 500, and nothing is fetched: tokens are built here with PyJWT and cryptography, not with the
signer's library."""

import base64
import json
import socket
from datetime import timedelta

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone, translation

from certificates import credentials, keys, services
from certificates.models import Certificate
from tests.certificates.factories import issued
from tests.factories import HRFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The verdicts read here are the English ones, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Verifying never opens a connection."""

    def refuse(*args, **kwargs):
        raise AssertionError("the verifier tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def ready(trainee, course):
    certificate = issued(trainee, course)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.READY)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def token(ready):
    return credentials.credential_jwt(ready)


def b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    return pyjwt.decode(token, options={"verify_signature": False})


def our_private_pem() -> bytes:
    return keys.current_key().private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def resign(claims: dict, *, key=None, kid=None, headers=None) -> str:
    """Sign `claims` with PyJWT (our key unless told), as a forger or a test would."""
    key = key or keys.current_key().private_key
    header = {"kid": kid or keys.verification_method(keys.current_key().kid), "typ": "JWT", **(headers or {})}
    return pyjwt.encode(claims, key, algorithm="EdDSA", headers=header)


def test_an_issued_credential_is_authentic(token, ready):
    verdict = credentials.credential_verify(token)
    assert verdict.outcome == credentials.AUTHENTIC and verdict.authentic and verdict.confirmed
    assert verdict.code == ready.code
    values = {claim.label: claim.value for claim in verdict.claims}
    assert values["Issued by"] == "Masar / مسار"  # as the credential states it: in both languages
    assert values["Issued to"] == f"{ready.holder_name_latin} — {ready.holder_name_arabic}"
    assert values["Achievement"] == f"{ready.course_title_en} / {ready.course_title_ar}"
    assert "Revocation list entry" in values and "Valid from" in values


def test_the_verdict_speaks_the_page_language(token, ready):
    with translation.override("ar"):
        verdict = credentials.credential_verify(token)
    assert verdict.headline == "أصلية"
    assert ready.course_title_ar in {claim.label: claim.value for claim in verdict.claims}["الإنجاز"]


def test_another_issuers_language_values_are_read_in_the_page_language():
    # VCDM 2.0 allows language value objects; Masar writes plain strings, but reads both.
    name = [{"@value": "Data analysis", "@language": "en"}, {"@value": "تحليل البيانات", "@language": "ar"}]
    assert credentials.in_language(name, "ar") == "تحليل البيانات"
    assert credentials.in_language(name, "en") == "Data analysis"
    assert credentials.in_language(name, "fr") == "Data analysis"
    assert credentials.in_language("Data analysis / تحليل البيانات", "ar") == "Data analysis / تحليل البيانات"


def test_our_own_signature_checked_by_pyjwt_is_what_the_verifier_accepts(token):
    # The same claims signed by PyJWT with our key verify too: the format is not one library's.
    again = resign(claims_of(token))
    assert credentials.credential_verify(again).outcome == credentials.AUTHENTIC


@pytest.mark.parametrize("where", [1, 2])
def test_one_changed_character_is_tampering(token, where):
    parts = token.split(".")
    target = parts[where]
    position = len(target) // 2
    swapped = "A" if target[position] != "A" else "B"
    parts[where] = target[:position] + swapped + target[position + 1 :]
    verdict = credentials.credential_verify(".".join(parts))
    assert verdict.outcome == credentials.TAMPERED
    assert not verdict.authentic


def test_a_changed_name_in_the_payload_is_tampering(token):
    header, payload, signature = token.split(".")
    claims = claims_of(token)
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    verdict = credentials.credential_verify(f"{header}.{b64(claims)}.{signature}")
    assert verdict.outcome == credentials.TAMPERED
    assert "changed after Masar signed it" in verdict.message
    assert not verdict.confirmed  # its claims are shown as unconfirmed


def test_signed_by_another_key_under_our_kid_is_tampering(token):
    forged = resign(claims_of(token), key=Ed25519PrivateKey.generate())
    assert credentials.credential_verify(forged).outcome == credentials.TAMPERED


def test_signed_by_another_key_with_its_own_kid_is_an_unknown_key(token):
    other = Ed25519PrivateKey.generate()
    kid = f"{keys.did()}#{keys.kid_of(other.public_key())}"
    verdict = credentials.credential_verify(resign(claims_of(token), key=other, kid=kid))
    assert verdict.outcome == credentials.UNKNOWN_KEY
    assert "never used" in verdict.message


def test_another_hosts_did_is_another_issuer(token):
    other = Ed25519PrivateKey.generate()
    kid = f"did:web:evil.example#{keys.kid_of(other.public_key())}"
    claims = claims_of(token)
    claims["iss"] = claims["vc"]["issuer"]["id"] = "did:web:evil.example"
    verdict = credentials.credential_verify(resign(claims, key=other, kid=kid))
    assert verdict.outcome == credentials.OTHER_ISSUER


def test_alg_none_is_refused(token):
    claims = claims_of(token)
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    verdict = credentials.credential_verify(unsigned)
    assert verdict.outcome == credentials.REFUSED_ALGORITHM
    assert '"none"' in verdict.message


def test_hs256_with_the_public_key_as_secret_is_refused(token):
    public_pem = keys.current_key().public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64({"alg": "HS256", "kid": keys.verification_method(keys.current_key().kid), "typ": "JWT"})
    body = b64(claims_of(token))
    import hashlib
    import hmac

    signature = base64.urlsafe_b64encode(hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest())
    forged = f"{header}.{body}.{signature.rstrip(b'=').decode()}"
    verdict = credentials.credential_verify(forged)
    assert verdict.outcome == credentials.REFUSED_ALGORITHM
    assert "shared secret (HS256)" in verdict.message


def test_an_other_algorithm_is_refused(token):
    header = b64({"alg": "RS256", "kid": keys.verification_method(keys.current_key().kid)})
    verdict = credentials.credential_verify(f"{header}.{b64(claims_of(token))}.AAAA")
    assert verdict.outcome == credentials.REFUSED_ALGORITHM
    assert "EdDSA" in verdict.message


@pytest.mark.parametrize(
    "kid",
    [
        "https://evil.example/keys/1",
        "/etc/passwd",
        "../../var/keys/current.pem",
        "file:///etc/passwd",
        "did:web:127.0.0.1%3A8000/../../keys#x",
    ],
)
def test_a_kid_that_is_a_url_or_a_path_is_refused(token, kid):
    verdict = credentials.credential_verify(resign(claims_of(token), kid=kid))
    assert verdict.outcome == credentials.REFUSED_KEY_REFERENCE
    assert "Nothing is fetched" in verdict.message


def test_a_key_inside_the_token_is_refused(token):
    other = Ed25519PrivateKey.generate()
    jwk = json.loads(pyjwt.algorithms.OKPAlgorithm.to_jwk(other.public_key()))
    verdict = credentials.credential_verify(resign(claims_of(token), key=other, headers={"jwk": jwk}))
    assert verdict.outcome == credentials.REFUSED_KEY_REFERENCE


def test_an_expired_credential(token):
    claims = claims_of(token)
    claims["vc"]["validUntil"] = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    claims["exp"] = int((timezone.now() - timedelta(days=1)).timestamp())
    verdict = credentials.credential_verify(resign(claims))
    assert verdict.outcome == credentials.EXPIRED
    assert verdict.confirmed


def test_a_credential_not_valid_yet(token):
    claims = claims_of(token)
    later = timezone.now() + timedelta(days=3)
    claims["vc"]["validFrom"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    claims["nbf"] = int(later.timestamp())
    assert credentials.credential_verify(resign(claims)).outcome == credentials.NOT_YET_VALID


def test_a_revoked_credential(token, ready, organization):
    services.certificate_revoke(certificate=ready, by=HRFactory(organization=organization), reason="Issued in error")
    verdict = credentials.credential_verify(token)
    assert verdict.outcome == credentials.REVOKED
    assert {c.label: c.value for c in verdict.claims}["Reason for revoking"] == "Issued in error"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "a.b.c",
        "eyJhbGciOiJFZERTQSJ9..",
        "{not json",
        "[1, 2]",
        '{"type": "Nothing"}',
        "x" * 300_000,
        "é.é.é",
    ],
)
def test_malformed_input(text):
    verdict = credentials.credential_verify(text)
    assert verdict.outcome == credentials.MALFORMED
    assert "not a credential this page can read" in verdict.message


def test_the_json_without_a_signature_says_it_is_not_signed(token):
    verdict = credentials.credential_verify(json.dumps(claims_of(token)["vc"]))
    assert verdict.outcome == credentials.UNSIGNED
    assert not verdict.confirmed
    assert verdict.claims  # what it claims, marked unconfirmed


def test_an_enveloped_credential_holding_the_jwt_is_verified(token):
    envelope = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/jwt,{token}",
    }
    assert credentials.credential_verify(json.dumps(envelope)).outcome == credentials.AUTHENTIC


# --- hostile structure: a verdict, never an exception ------------------------------------------


def b64_bytes(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


DEEP = b'{"a":' + b"[" * 40_000 + b"]" * 40_000 + b"}"  # 80 KB: within MAX_TEXT, past Python's recursion limit


@pytest.mark.parametrize(
    "text",
    [
        DEEP.decode(),
        f"{b64_bytes(DEEP)}.{b64({'vc': {}})}.AAAA",
        f"{b64({'alg': 'EdDSA', 'kid': 'did:web:x#y'})}.{b64_bytes(DEEP)}.AAAA",
        '{"vc": {"type": ["OpenBadgeCredential"], "validFrom": NaN}}',
    ],
    ids=["deep-json", "deep-header", "deep-payload", "nan"],
)
def test_json_nested_too_deeply_or_not_json_is_not_a_credential(text):
    verdict = credentials.credential_verify(text)
    assert verdict.outcome in (credentials.MALFORMED, credentials.UNKNOWN_KEY, credentials.OTHER_ISSUER)
    assert not verdict.authentic


def test_our_nesting_is_far_within_the_depth_limit(token):
    claims = json.dumps(claims_of(token))
    assert credentials._json_depth_within(claims, 10)
    assert not credentials._json_depth_within("[" * 33, credentials.MAX_JSON_DEPTH)
    assert credentials._json_depth_within('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\""}', 2)


def _paths(value, path=()):
    """Every place in a JSON value, as a path of keys and indices."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(value, path, new):
    value = json.loads(json.dumps(value))
    if not path:
        return new
    target = value
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return value


def test_any_value_of_another_type_anywhere_gets_a_verdict(token):
    """A forger controls every value of the payload: each one, in turn, replaced by a value of each
    JSON type, unsigned (shown as claims, unconfirmed) and pasted as JSON: never an exception."""
    vc = claims_of(token)["vc"]
    header = b64({"alg": "EdDSA", "kid": keys.verification_method(keys.current_key().kid), "typ": "JWT"})
    checked = 0
    for path in _paths(vc):
        if not path:
            continue
        for new in (7, 1.5, True, None, "x", [], [3, "y"], {}, {"id": [1]}):
            changed = _replaced(vc, path, new)
            verdict = credentials.credential_verify(f"{header}.{b64({'vc': changed, 'iss': 1})}.AAAA")
            assert verdict.outcome == credentials.TAMPERED, path
            assert not credentials.credential_verify(json.dumps(changed)).authentic
            checked += 1
    assert checked > 300


def test_claims_of_the_wrong_type_are_left_out():
    claims = credentials.credential_claims(
        {
            "issuer": ["did:web:x"],
            "credentialSubject": {
                "identifier": 5,
                "achievement": {"name": "A", "criteria": "x", "resultDescription": [{"id": ["unhashable"]}]},
                "result": [{"resultDescription": ["unhashable"], "value": {"x": 1}}, 3],
            },
            "validFrom": {"not": "a date"},
            "credentialStatus": {"statusListIndex": [1, 2]},
        },
        "en",
    )
    values = {claim.label: claim.value for claim in claims}
    assert values["Achievement"] == "A"
    assert values["Result: Result"] == ""
    assert "Valid from" not in values and "Issued to" not in values


def test_our_signed_revocation_list_is_not_a_certificate_credential():
    """Signed with our key, but no achievement: never "Authentic" as if it were a certificate."""
    verdict = credentials.credential_verify(credentials.status_list_jwt())
    assert verdict.outcome == credentials.MALFORMED
    assert not verdict.authentic


def test_a_json_credential_with_an_embedded_proof_is_not_confirmed(token):
    vc = claims_of(token)["vc"]
    vc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": keys.verification_method(keys.current_key().kid),
        "proofValue": "z" + "1" * 86,
    }
    verdict = credentials.credential_verify(json.dumps(vc))
    assert verdict.outcome == credentials.UNSIGNED and not verdict.confirmed and not verdict.authentic
    assert "embedded proof (DataIntegrityProof), which this page does not check" in verdict.message
    vc["proof"] = [{"type": "Ed25519Signature2020"}, {"type": 5}]
    verdict = credentials.credential_verify(json.dumps(vc))
    assert "(Ed25519Signature2020)" in verdict.message and not verdict.authentic
    with translation.override("ar"):
        arabic = credentials.credential_verify(json.dumps(vc))
    assert "إثباتًا مضمَّنًا (Ed25519Signature2020) لا تفحصه هذه الصفحة" in arabic.message


def test_a_kid_whose_fragment_is_a_path_is_refused(token):
    verdict = credentials.credential_verify(resign(claims_of(token), kid=f"{keys.did()}#../../var/keys/current.pem"))
    assert verdict.outcome == credentials.REFUSED_KEY_REFERENCE
    assert "Nothing is fetched" in verdict.message
