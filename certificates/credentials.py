"""Open Badges 3.0 credentials of certificates: building, signing and verifying them, and the
revocation list (a Bitstring Status List) they point to.

The format. Each ready certificate is an `OpenBadgeCredential` (W3C Verifiable Credentials Data
Model 2.0 with the Open Badges 3.0.3 context), signed with Ed25519 in the *JSON Web Token Proof
Format of Open Badges 3.0* (§8.2 of the OB 3.0 specification): the JOSE header is
`{"alg": "EdDSA", "kid": <verification method>, "typ": "JWT"}` and the payload carries the
credential in its `vc` claim beside `iss` (issuer.id), `jti` (the credential's id), `sub`
(credentialSubject.id) and `nbf` (validFrom). That, rather than the payload-is-the-credential form
of VC-JOSE-COSE (`typ: vc+jwt`), is what Open Badges wallets, verifiers and the 1EdTech
conformance suite read; the credential inside is the same either way.

Texts in two languages (the issuer's name, the achievement's name, description and criteria, the
names of the results) are plain strings holding both: the English, then the Arabic. 1EdTech's Open
Badges 3.0 JSON schema (the official one, vendored in tests/certificates/schemas/) types every
`name`, `description` and `narrative` as a string, so VCDM 2.0's language value objects
(`[{"@value", "@language", "@direction"}]`), which VCDM allows, make the credential invalid for Open
Badges validators, and wallets display these fields as strings. OB 3.0's own way to another language
(an `Achievement` with `inLanguage` and a `related` edition) gives one language per credential,
and the holder of a Masar certificate has it in both. Reading, `in_language` still understands
language value objects, since another issuer's credential may use them.

Verifying never fetches anything: the only keys trusted are our own (certificates/keys.py), found
from the `kid`, whatever a token says about other keys; the status list is read from the database.
"""

import base64
import gzip
import json
import random
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from core.i18n import format_date

from . import keys
from .models import Certificate
from .selectors import assessment_public

# joserfc warns that RFC 9864 prefers the fully specified "Ed25519" name; Open Badges 3.0 and every
# wallet today expect "EdDSA" (the same Ed25519 signature).
warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ALGORITHM = "EdDSA"
JWT_TYPE = "JWT"
MEDIA_TYPE_JWT = "application/jwt"
MEDIA_TYPE_JSON = "application/ld+json"

# The Bitstring Status List: at least 16 KB (131,072 entries) so that one index says little about
# who holds it; the list doubles whenever it is half full. Indices are chosen at random.
STATUS_LIST_MIN_BITS = 131_072
MAX_TEXT = 200_000  # characters of a pasted credential: ours are about 4 KB
MAX_JSON_DEPTH = 32  # nesting of a JSON header, payload or credential: ours nest 7 deep
SUBJECT_NAMESPACE = uuid.UUID("6f0c1b1e-8d4a-4f5e-9b1a-3c2d7e8f9a10")  # ids derived for subjects and results


# --- building ---------------------------------------------------------------------------


# Between the English and the Arabic of a one-line text ("Data analysis / تحليل البيانات": in an
# Arabic, right-to-left, layout the bidirectional algorithm shows the Arabic first, no control
# characters needed) and of a text of several lines (two blocks, a blank line between).
NAME_SEPARATOR = " / "
BLOCK_SEPARATOR = "\n\n"


def both_languages(en: str, ar: str, separator: str = NAME_SEPARATOR) -> str:
    """One plain string (the Open Badges 3.0 schema's type) with a text in English and in Arabic:
    the English first, then the Arabic; once only when they are the same or one is empty."""
    en, ar = (en or "").strip(), (ar or "").strip()
    if not ar or ar == en:
        return en
    if not en:
        return ar
    return f"{en}{separator}{ar}"


def in_language(value, language: str) -> str:
    """The text of `value` (a string or language value objects) in `language`, else the first one."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ""
    texts = [item for item in value if isinstance(item, dict) and isinstance(item.get("@value"), str)]
    for item in texts:
        if item.get("@language") == language:
            return item["@value"]
    return texts[0]["@value"] if texts else ""


def _each_language(render, separator: str = NAME_SEPARATOR) -> str:
    texts = {}
    for language in ("en", "ar"):
        with translation.override(language):
            texts[language] = render(language)
    return both_languages(texts["en"], texts["ar"], separator)


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("verify:detail", args=[code])


def status_list_url() -> str:
    return settings.SITE_URL + reverse("verify:status_list", args=["jwt"])


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _title(certificate: Certificate, language: str) -> str:
    return certificate.course_title_ar if language == "ar" else certificate.course_title_en


def _narrative(certificate: Certificate, language: str) -> str:
    """What was assessed, in `language`: the module quizzes, the final exam, the hours (Markdown)."""
    assessment = assessment_public(certificate.assessment)
    lines = [_("Completed every lesson of the course %(course)s.") % {"course": _title(certificate, language)}]
    if certificate.hours:
        lines.append(_("Estimated study time: %(hours)s hours.") % {"hours": certificate.hours})
    for module in assessment["modules"]:
        lines.append(
            "- "
            + _("Module quiz passed: %(title)s (%(score)s%%)")
            % {"title": module["title"].get(language, ""), "score": module["score_percent"]}
        )
    if assessment["exam"]:
        exam = assessment["exam"]
        lines.append(
            "- "
            + _("Final exam passed: %(title)s (%(score)s%%, pass mark %(pass_mark)s%%)")
            % {
                "title": exam["title"].get(language, ""),
                "score": exam["score_percent"],
                "pass_mark": exam["pass_mark_percent"],
            }
        )
    return "\n".join(lines)


def _results(certificate: Certificate) -> tuple[list[dict], list[dict]]:
    """The scores the certificate records: (Achievement.resultDescription, AchievementSubject.result)."""
    assessment = assessment_public(certificate.assessment)
    assessed = [(f"module:{i}", m["title"], m["score_percent"], None) for i, m in enumerate(assessment["modules"])]
    if assessment["exam"]:
        exam = assessment["exam"]
        assessed.append(("exam", exam["title"], exam["score_percent"], exam["pass_mark_percent"]))
    descriptions, results = [], []
    for key, title, score, pass_mark in assessed:
        description_id = f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, f'{certificate.course_key}:{key}')}"
        description = {
            "id": description_id,
            "type": ["ResultDescription"],
            "name": both_languages(title.get("en", ""), title.get("ar", "")),
            "resultType": "Percent",
            "valueMin": "0",
            "valueMax": "100",
        }
        if pass_mark is not None:
            description["requiredValue"] = str(pass_mark)
        descriptions.append(description)
        results.append({"type": ["Result"], "resultDescription": description_id, "value": str(score)})
    return descriptions, results


def subject_id(certificate: Certificate) -> str:
    """The holder as the subject of this credential: an opaque id derived from the code (no email,
    no account id)."""
    return f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, 'subject:' + certificate.code)}"


def issuer_profile() -> dict:
    names = settings.CERTIFICATE_ISSUER
    return {
        "id": keys.did(),
        "type": ["Profile"],
        "name": both_languages(names["en"], names["ar"]),
        "url": settings.SITE_URL + "/",
    }


def credential_payload(certificate: Certificate) -> dict:
    """The OpenBadgeCredential of `certificate` (the JSON the JWT signs): the same row gives the
    same credential, byte for byte."""
    if certificate.status not in (Certificate.Status.READY, Certificate.Status.RENDERING, Certificate.Status.REVOKED):
        raise ValueError("Only a ready certificate has a credential.")
    if certificate.status_index is None:
        status_index_allocate(certificate=certificate)
    descriptions, results = _results(certificate)
    achievement = {
        "id": f"urn:uuid:{certificate.course_key}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": both_languages(certificate.course_title_en, certificate.course_title_ar),
        "description": _each_language(
            lambda language: (
                _("Certificate of completion of the course %(course)s, issued by %(issuer)s.")
                % {"course": _title(certificate, language), "issuer": settings.CERTIFICATE_ISSUER[language]}
            )
        ),
        "criteria": {"narrative": _each_language(lambda language: _narrative(certificate, language), BLOCK_SEPARATOR)},
    }
    if descriptions:
        achievement["resultDescription"] = descriptions
    subject = {
        "id": subject_id(certificate),
        "type": ["AchievementSubject"],
        # The holder's names as printed, in both scripts (OB 3.0 IdentityObject of type "name").
        "identifier": [
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}
            for name in (certificate.holder_name_latin, certificate.holder_name_arabic)
            if name
        ],
        "achievement": achievement,
    }
    if results:
        subject["result"] = results
    url = verification_url(certificate.code)
    status_url = status_list_url()
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": both_languages(certificate.course_title_en, certificate.course_title_ar),
        "issuer": issuer_profile(),
        "validFrom": _moment(certificate.issued_at),
        "awardedDate": _moment(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_url}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": status_url,
        },
    }


def _sign(claims: dict) -> str:
    key = keys.current_key()
    header = {"alg": ALGORITHM, "kid": keys.verification_method(key.kid), "typ": JWT_TYPE}
    return jwt.encode(header, claims, OKPKey.import_key(key.private_key), algorithms=[ALGORITHM])


def _claims(credential: dict) -> dict:
    valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(valid_from.timestamp()),
        "vc": credential,
    }
    if "id" in credential["credentialSubject"]:
        claims["sub"] = credential["credentialSubject"]["id"]
    if credential.get("validUntil"):
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00")).timestamp())
    return claims


def credential_sign(credential: dict) -> str:
    """Sign a credential dict (ours) as an OB 3.0 VC-JWT with the current key."""
    return _sign(_claims(credential))


def credential_jwt(certificate: Certificate) -> str:
    """The signed credential of a ready (or rendering) certificate: a compact JWS. Ed25519 is
    deterministic, so the same certificate and key give the same string."""
    return credential_sign(credential_payload(certificate))


def status_index_allocate(*, certificate: Certificate) -> int:
    """Give `certificate` its bit in the status list, once: a random free index (the unique
    constraint settles two allocations at once). Return the index."""
    for _attempt in range(50):
        if certificate.status_index is not None:
            return certificate.status_index
        used = Certificate.objects.filter(status_index__isnull=False).count()
        size = STATUS_LIST_MIN_BITS
        while used * 2 >= size:
            size *= 2
        candidate = random.SystemRandom().randrange(size)
        try:
            with transaction.atomic():
                updated = Certificate.objects.filter(pk=certificate.pk, status_index__isnull=True).update(
                    status_index=candidate
                )
        except IntegrityError:  # taken: draw again
            continue
        if updated:
            certificate.status_index = candidate
        else:  # another process gave it one first
            certificate.refresh_from_db(fields=["status_index"])
    raise RuntimeError("Could not find a free status list index.")


# --- the status list ------------------------------------------------------------------------


def revoked_indices() -> list[int]:
    return list(
        Certificate.objects.filter(status=Certificate.Status.REVOKED, status_index__isnull=False)
        .order_by("status_index")
        .values_list("status_index", flat=True)
    )


def encoded_list(indices: list[int], length: int) -> str:
    """The Bitstring Status List encoding: bit i is the i-th bit from the left (the most significant
    bit of the first byte), GZIP-compressed, base64url without padding, with multibase's "u"."""
    bits = bytearray(length // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(value: str) -> bytes:
    return gzip.decompress(base64.urlsafe_b64decode(value.removeprefix("u") + "=" * (-len(value[1:]) % 4)))


def status_list_credential() -> dict:
    """The revocation list of every credential, as the database says now."""
    indices = revoked_indices()
    highest = (
        Certificate.objects.filter(status_index__isnull=False)
        .order_by("-status_index")
        .values_list("status_index", flat=True)
        .first()
    )
    length = STATUS_LIST_MIN_BITS
    while highest is not None and highest >= length:
        length *= 2
    url = status_list_url()
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.did(),
        "validFrom": _moment(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(indices, length),
        },
    }


def status_list_jwt(credential: dict | None = None) -> str:
    credential = credential or status_list_credential()
    claims = {"iss": credential["issuer"], "jti": credential["id"], "nbf": int(timezone.now().timestamp())}
    claims["vc"] = credential
    return _sign(claims)


# --- verifying ------------------------------------------------------------------------------

AUTHENTIC = "authentic"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not-yet-valid"
TAMPERED = "tampered"
UNKNOWN_KEY = "unknown-key"
OTHER_ISSUER = "other-issuer"
REFUSED_ALGORITHM = "refused-algorithm"
REFUSED_KEY_REFERENCE = "refused-key-reference"
UNSIGNED = "unsigned"
MALFORMED = "malformed"


@dataclass
class Claim:
    label: str
    value: str
    ltr: bool = False  # codes, dates in ISO, URLs


@dataclass
class CredentialVerdict:
    """What a credential proves. `outcome` is one of the constants above; `headline` and `message`
    are in the active language; `claims` lists what the credential states (`confirmed` when the
    signature is ours and intact)."""

    outcome: str
    headline: str
    message: str
    claims: list[Claim] = field(default_factory=list)
    confirmed: bool = False
    payload: dict | None = None
    code: str = ""

    @property
    def authentic(self) -> bool:
        return self.outcome == AUTHENTIC


def _verdict(outcome: str, **kwargs) -> CredentialVerdict:
    issuer = settings.CERTIFICATE_ISSUER.get(translation.get_language() or "en", settings.CERTIFICATE_ISSUER["en"])
    texts = {
        AUTHENTIC: (
            _("Authentic"),
            _(
                "This credential was issued by %(issuer)s, nothing in it has changed since, and it has not been revoked."
            ),
        ),
        REVOKED: (
            _("Revoked"),
            _(
                "This credential was issued by %(issuer)s and is intact, but it has been revoked: it is no longer valid."
            ),
        ),
        EXPIRED: (_("Expired"), _("This credential was issued by %(issuer)s, but its validity period has ended.")),
        NOT_YET_VALID: (_("Not yet valid"), _("This credential was issued by %(issuer)s, but it is not valid yet.")),
        TAMPERED: (
            _("Changed or forged"),
            _(
                "The signature does not match the content: the credential was changed after %(issuer)s signed it, "
                "or it was signed by someone else. Do not trust what it says."
            ),
        ),
        UNKNOWN_KEY: (
            _("Not signed by %(issuer)s"),
            _("It was signed with a key that %(issuer)s has never used. Do not trust what it says."),
        ),
        OTHER_ISSUER: (
            _("Issued by someone else"),
            _("It names an issuer other than %(issuer)s; this page checks %(issuer)s credentials only."),
        ),
        REFUSED_ALGORITHM: (_("Refused"), ""),
        REFUSED_KEY_REFERENCE: (_("Refused"), ""),
        UNSIGNED: (
            _("Not signed"),
            _(
                "This is the content of a credential without its signature, so it proves nothing by itself. "
                "Paste the signed credential (the .jwt file) or upload the PDF certificate instead."
            ),
        ),
        MALFORMED: (
            _("Not a credential"),
            _("This is not a credential this page can read. Paste the whole .jwt file, or upload the PDF certificate."),
        ),
    }
    headline, message = texts[outcome]
    message = kwargs.pop("message", None) or message
    params = {"issuer": issuer, **kwargs.pop("params", {})}
    return CredentialVerdict(outcome=outcome, headline=headline % params, message=message % params, **kwargs)


def _b64decode(part: str) -> bytes:
    if not part or any(char not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for char in part):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json_depth_within(text: str, limit: int) -> bool:
    """Whether no array or object in the JSON `text` nests deeper than `limit` (one linear pass,
    outside strings): Python's parser recurses once a level and raises RecursionError, not
    ValueError, on a few thousand brackets, well within MAX_TEXT."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _json_object(data: bytes) -> dict:
    """A JSON object from untrusted bytes; ValueError (or UnicodeError) for anything else: not UTF-8,
    not JSON, nested deeper than MAX_JSON_DEPTH, or with NaN/Infinity (which Python would accept)."""
    text = data.decode("utf-8")
    if not _json_depth_within(text, MAX_JSON_DEPTH):
        raise ValueError("nested too deeply")
    value = json.loads(text, parse_constant=_refuse_constant)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


# Claims are read from credentials anyone can write (shown, unconfirmed, when the signature fails):
# each value is taken only when it has the type the format gives it.


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value) -> str:
    """A string, or a number written as text; "" for anything else."""
    if isinstance(value, bool):
        return ""
    return str(value) if isinstance(value, str | int | float) else ""


def _types(value) -> list[str]:
    value = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item for item in value if isinstance(item, str)]


def _is_badge(credential: dict) -> bool:
    return bool({"OpenBadgeCredential", "AchievementCredential"} & set(_types(credential.get("type"))))


def _moment_of(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def credential_claims(credential: dict, language: str | None = None) -> list[Claim]:
    """Every claim of an OpenBadgeCredential, labelled in the active language (values of another type
    than the format's are left out, never an error)."""
    language = language or translation.get_language() or "en"
    claims: list[Claim] = []
    issuer = credential.get("issuer")
    issuer = issuer if isinstance(issuer, dict) else {"id": issuer}
    issuer_id = _text(issuer.get("id"))
    claims.append(Claim(_("Issued by"), in_language(issuer.get("name"), language) or issuer_id))
    claims.append(Claim(_("Issuer identifier"), issuer_id, ltr=True))
    subject = _dict(credential.get("credentialSubject"))
    names = [
        _text(item.get("identityHash"))
        for item in _dicts(subject.get("identifier"))
        if item.get("identityType") == "name" and _text(item.get("identityHash"))
    ]
    if names:
        claims.append(Claim(_("Issued to"), " — ".join(names)))
    achievement = _dict(subject.get("achievement"))
    if achievement:
        claims.append(Claim(_("Achievement"), in_language(achievement.get("name"), language)))
        if achievement.get("description"):
            claims.append(Claim(_("Description"), in_language(achievement.get("description"), language)))
        criteria = _dict(achievement.get("criteria"))
        if criteria.get("narrative"):
            claims.append(Claim(_("What was assessed"), in_language(criteria["narrative"], language)))
    descriptions = {
        item["id"]: item for item in _dicts(achievement.get("resultDescription")) if isinstance(item.get("id"), str)
    }
    for result in _dicts(subject.get("result")):
        reference = result.get("resultDescription")
        described = descriptions.get(reference, {}) if isinstance(reference, str) else {}
        label = in_language(described.get("name"), language) or _("Result")
        value = _text(result.get("value"))
        if described.get("resultType") == "Percent":
            value = f"{value}%"
        claims.append(Claim(_("Result: %(name)s") % {"name": label}, value))
    for key, label in (
        ("validFrom", _("Valid from")),
        ("validUntil", _("Valid until")),
        ("awardedDate", _("Awarded on")),
    ):
        written = _text(credential.get(key))
        if written:
            moment = _moment_of(written)
            claims.append(Claim(label, format_date(moment, language) if moment else written))
    status = credential.get("credentialStatus")
    if isinstance(status, dict):
        claims.append(
            Claim(
                _("Revocation list entry"),
                f"{_text(status.get('statusListCredential'))} #{_text(status.get('statusListIndex'))}",
                ltr=True,
            )
        )
    if _text(credential.get("id")):
        claims.append(Claim(_("Credential identifier"), _text(credential["id"]), ltr=True))
    return claims


def _code_of(credential: dict) -> str:
    """The certificate code at the end of a credential id that is our verification URL."""
    value = credential.get("id")
    prefix = settings.SITE_URL + "/verify/"
    if isinstance(value, str) and value.startswith(prefix):
        return value[len(prefix) :].strip("/")
    return ""


def _key_reference(header: dict) -> tuple[str, str] | CredentialVerdict:
    """The kid of one of our keys named by the header, or the verdict refusing it."""
    for name in ("jwk", "jku", "x5u", "x5c"):
        if name in header:
            return _verdict(
                REFUSED_KEY_REFERENCE,
                message=_(
                    "The credential brings its own key (%(header)s). A key inside a credential proves nothing: "
                    "it is refused. Only the keys published by the issuer count."
                ),
                params={"header": name},
            )
    if "crit" in header:
        return _verdict(
            REFUSED_KEY_REFERENCE, message=_("The credential asks for signature extensions this page does not accept.")
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return _verdict(REFUSED_KEY_REFERENCE, message=_("The credential does not say which key signed it."))
    # Our key ids are JWK thumbprints (base64url: no slash, no dot): a slash, a backslash or ".."
    # anywhere, the fragment too, is a path or an address, never one of our keys.
    if "://" in kid or kid.startswith(("/", ".", "~")) or "/" in kid or "\\" in kid or ".." in kid:
        return _verdict(
            REFUSED_KEY_REFERENCE,
            message=_(
                "The credential names its key by an address or a file path. Nothing is fetched or opened to "
                "verify a credential: it is refused."
            ),
        )
    if "#" not in kid or not kid.startswith("did:"):
        return _verdict(UNKNOWN_KEY)
    subject, fragment = kid.split("#", 1)
    if subject != keys.did():
        return _verdict(OTHER_ISSUER)
    if fragment not in keys.public_keys():
        return _verdict(UNKNOWN_KEY)
    return subject, fragment


def _refuse_algorithm(alg) -> CredentialVerdict:
    if not isinstance(alg, str) or alg.lower() == "none":
        message = _('The credential claims to need no signature (algorithm "none"): it is refused.')
    elif alg.upper().startswith("HS"):
        message = _(
            "The credential is sealed with a shared secret (%(alg)s), not signed. Anyone who knows the "
            "public key could have made it: it is refused."
        )
    else:
        message = _("The credential is signed with %(alg)s; %(issuer)s signs with EdDSA (Ed25519) only: it is refused.")
    return _verdict(REFUSED_ALGORITHM, message=message, params={"alg": str(alg)[:20]})


def credential_verify(text: str, *, now: datetime | None = None) -> CredentialVerdict:
    """Verify a credential given as a compact JWT, as JSON (its decoded payload, or a VCDM 2.0
    EnvelopedVerifiableCredential holding the JWT), without fetching anything."""
    if not isinstance(text, str):
        return _verdict(MALFORMED)
    text = text.strip().lstrip("\ufeff")
    if not text or len(text) > MAX_TEXT:
        return _verdict(MALFORMED)
    if text.startswith("{"):
        return _verify_json(text, now=now)
    return _verify_jwt(text, now=now)


def _verify_json(text: str, *, now) -> CredentialVerdict:
    try:
        value = _json_object(text.encode("utf-8"))
    except (ValueError, UnicodeError):
        return _verdict(MALFORMED)
    types = value.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    envelope = value.get("id")
    if "EnvelopedVerifiableCredential" in types and isinstance(envelope, str) and envelope.startswith("data:"):
        media, _comma, data = envelope.partition(",")
        if media in ("data:application/vc+jwt", "data:application/jwt") and data:
            return _verify_jwt(data, now=now)
        return _verdict(MALFORMED)
    credential = value.get("vc") if isinstance(value.get("vc"), dict) else value
    if not _is_badge(credential):
        return _verdict(MALFORMED)
    common = {"claims": credential_claims(credential), "payload": credential, "code": _code_of(credential)}
    proof = credential.get("proof")
    if proof is not None:
        # An embedded proof (a Data Integrity proof, say) is not checked here, whatever its type
        # claims: the credential is still only what it says about itself.
        proofs = [proof] if isinstance(proof, dict) else _dicts(proof)
        kinds = sorted({p["type"] for p in proofs if isinstance(p.get("type"), str) and p["type"]})
        return _verdict(
            UNSIGNED,
            message=_(
                "This credential carries an embedded proof (%(proof)s), which this page does not check: "
                "only a signed .jwt credential or the PDF certificate is verified here, so what it says is not "
                "confirmed."
            ),
            params={"proof": ", ".join(kinds)[:80] or "?"},
            **common,
        )
    return _verdict(UNSIGNED, **common)


def _verify_jwt(token: str, *, now) -> CredentialVerdict:
    parts = token.split(".")
    if len(parts) != 3:
        return _verdict(MALFORMED)
    try:
        header = _json_object(_b64decode(parts[0]))
    except (ValueError, UnicodeError):
        return _verdict(MALFORMED)
    try:
        payload = _json_object(_b64decode(parts[1]))
    except (ValueError, UnicodeError):
        payload = None  # changed, or never a credential: the signature tells which
    if payload is None and not parts[1]:
        return _verdict(MALFORMED)
    credential = _dict(payload.get("vc")) or None if payload else None
    unconfirmed = credential_claims(credential) if credential else []
    if header.get("alg") != ALGORITHM:
        verdict = _refuse_algorithm(header.get("alg"))
        verdict.claims = unconfirmed
        return verdict
    reference = _key_reference(header)
    if isinstance(reference, CredentialVerdict):
        reference.claims = unconfirmed
        return reference
    _did, kid = reference
    public = OKPKey.import_key(keys.public_keys()[kid])
    try:
        jwt.decode(token, public, algorithms=[ALGORITHM])
    except (JoseError, ValueError):
        return _verdict(TAMPERED, claims=unconfirmed)
    # The signature is ours: from here the content is what we signed.
    if payload is None or credential is None or not isinstance(credential.get("credentialSubject"), dict):
        return _verdict(MALFORMED)
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if payload.get("iss") != keys.did() or issuer_id != keys.did():
        return _verdict(OTHER_ISSUER, claims=unconfirmed)
    if payload.get("jti") != credential.get("id") or not _is_badge(credential):
        return _verdict(MALFORMED)  # e.g. our revocation list: signed by us, but no certificate's credential
    claims = credential_claims(credential)
    code = _code_of(credential)
    common = {"claims": claims, "confirmed": True, "payload": credential, "code": code}
    now = now or timezone.now()
    valid_from = _moment_of(credential.get("validFrom"))
    valid_until = _moment_of(credential.get("validUntil"))
    if isinstance(payload.get("nbf"), int | float) and (valid_from is None or payload["nbf"] > valid_from.timestamp()):
        valid_from = datetime.fromtimestamp(payload["nbf"], UTC)
    if isinstance(payload.get("exp"), int | float):
        expiry = datetime.fromtimestamp(payload["exp"], UTC)
        valid_until = min(valid_until, expiry) if valid_until else expiry
    if valid_from is not None and valid_from > now:
        return _verdict(NOT_YET_VALID, **common)
    if valid_until is not None and valid_until <= now:
        return _verdict(EXPIRED, **common)
    status = credential.get("credentialStatus")
    if isinstance(status, dict) and status.get("statusPurpose") == "revocation":
        if status.get("statusListCredential") != status_list_url():
            return _verdict(MALFORMED)
        try:
            index = int(status.get("statusListIndex"))
        except (TypeError, ValueError):
            return _verdict(MALFORMED)
        revoked = (
            Certificate.objects.filter(status_index=index, status=Certificate.Status.REVOKED)
            .only("revoked_at", "revoked_reason")
            .first()
        )
        if revoked is not None:
            verdict = _verdict(REVOKED, **common)
            if revoked.revoked_reason:
                verdict.claims.append(Claim(_("Reason for revoking"), revoked.revoked_reason))
            return verdict
    return _verdict(AUTHENTIC, **common)
