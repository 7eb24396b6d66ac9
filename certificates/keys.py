"""The platform's Ed25519 keys that sign credentials (certificates/credentials.py) and PDFs.

Where the keys come from (settings, from the environment):
- the current signing key: CREDENTIAL_KEY_PEM (the PEM text itself, e.g. from a secret store),
  else the file CREDENTIAL_KEY_FILE, else CREDENTIAL_KEYS_DIR/current.pem, which
  `manage.py credential_keys generate` writes (`make run` calls it on first start);
- retired public keys: every *.pem under CREDENTIAL_KEYS_DIR/retired/ (`credential_keys rotate`
  moves the current key's public half there), so a credential signed before a rotation still
  verifies and the DID document keeps listing its key.

A key's id (`kid`) is its JWK thumbprint (RFC 7638: SHA-256 of the canonical public JWK, in
base64url): the same key has the same id on every machine and after any move, and nothing
about it has to be stored beside it.

Nothing here fetches anything: the DID is our own, resolved from these files.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CURRENT_NAME = "current.pem"
RETIRED_DIR = "retired"


class KeyNotConfigured(ImproperlyConfigured):
    """No signing key is configured (see the module docstring for where one goes)."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(public_key: Ed25519PublicKey) -> dict:
    """The public key as a JWK (RFC 8037: kty OKP, crv Ed25519), with its kid."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}
    return {**jwk, "kid": thumbprint(jwk)}


def thumbprint(jwk: dict) -> str:
    """RFC 7638: the required members in lexicographic order, no whitespace, SHA-256, base64url."""
    canonical = json.dumps({name: jwk[name] for name in ("crv", "kty", "x")}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def kid_of(public_key: Ed25519PublicKey) -> str:
    return public_jwk(public_key)["kid"]


def keys_dir() -> Path:
    return Path(settings.CREDENTIAL_KEYS_DIR)


def retired_dir() -> Path:
    return keys_dir() / RETIRED_DIR


def current_key_file() -> Path | None:
    """The file the current key is read from (and that `rotate` replaces); None when it comes from
    CREDENTIAL_KEY_PEM."""
    if getattr(settings, "CREDENTIAL_KEY_PEM", ""):
        return None
    if getattr(settings, "CREDENTIAL_KEY_FILE", ""):
        return Path(settings.CREDENTIAL_KEY_FILE)
    return keys_dir() / CURRENT_NAME


def is_configured_explicitly() -> bool:
    """True when production settings name the key (the PEM or a file), not the dev default under var/."""
    return bool(getattr(settings, "CREDENTIAL_KEY_PEM", "") or getattr(settings, "CREDENTIAL_KEY_FILE", ""))


def _load_private(pem: bytes, where: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"The credential signing key in {where} is not an unencrypted PEM private key."
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"The credential signing key in {where} is not an Ed25519 key.")
    return key


def _load_public(pem: bytes, where: str) -> Ed25519PublicKey:
    """A retired key's file holds its public key (or, from older layouts, its private key)."""
    if b"PRIVATE KEY" in pem:
        return _load_private(pem, where).public_key()
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"The retired credential key {where} is not a PEM public key.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"The retired credential key {where} is not an Ed25519 key.")
    return key


def _stamp() -> tuple:
    """What the keys depend on: the settings and the files' modification times (a rotation by another
    process is seen by the next call)."""
    path = current_key_file()
    retired = retired_dir()

    def mtime(p: Path | None):
        try:
            return p.stat().st_mtime_ns if p is not None else None
        except OSError:
            return None

    return (
        getattr(settings, "CREDENTIAL_KEY_PEM", ""),
        str(path),
        mtime(path),
        str(retired),
        mtime(retired),
    )


_cache: dict = {}


def _keys() -> tuple[SigningKey | None, dict[str, Ed25519PublicKey]]:
    stamp = _stamp()
    if _cache.get("stamp") == stamp:
        return _cache["keys"]
    current = None
    pem = getattr(settings, "CREDENTIAL_KEY_PEM", "")
    path = current_key_file()
    if pem:
        private = _load_private(pem.encode("utf-8") if isinstance(pem, str) else pem, "CREDENTIAL_KEY_PEM")
    elif path is not None and path.is_file():
        private = _load_private(path.read_bytes(), str(path))
    else:
        private = None
    if private is not None:
        current = SigningKey(kid=kid_of(private.public_key()), private_key=private, public_key=private.public_key())
    public: dict[str, Ed25519PublicKey] = {}
    if retired_dir().is_dir():
        for file in sorted(retired_dir().glob("*.pem")):
            key = _load_public(file.read_bytes(), str(file))
            public[kid_of(key)] = key
    if current is not None:
        public[current.kid] = current.public_key
    _cache.update(stamp=stamp, keys=(current, public))
    return current, public


def current_key() -> SigningKey:
    """The key new credentials are signed with; KeyNotConfigured when there is none."""
    current, _public = _keys()
    if current is None:
        raise KeyNotConfigured(
            "No credential signing key: set CREDENTIAL_KEY_FILE or CREDENTIAL_KEY_PEM, "
            "or run `manage.py credential_keys generate`."
        )
    return current


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key ever used, by kid: the current one and the retired ones."""
    return dict(_keys()[1])


def did() -> str:
    """did:web of SITE_URL's host; a port is percent-encoded (did:web: `example.com%3A8000`)."""
    parts = urlsplit(settings.SITE_URL)
    host = (parts.hostname or "localhost").lower()
    if parts.port:
        host += quote(f":{parts.port}", safe="")
    return f"did:web:{host}"


def verification_method(kid: str) -> str:
    return f"{did()}#{kid}"


# --- writing keys (the credential_keys command) ----------------------------------------


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    """Write `key` as PEM readable by its owner only, replacing `path` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    temporary = path.with_name(path.name + ".part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # The mode of os.open applies to a new file only: a .part left over (or planted) readable by
    # others would keep its mode, and the key would be written into it.
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def key_generate() -> SigningKey | None:
    """Write a new key to the current key's file if there is none yet; return it, or None when a key
    already exists (or comes from CREDENTIAL_KEY_PEM): never overwrites a key."""
    path = current_key_file()
    if path is None or path.exists():
        return None
    key = Ed25519PrivateKey.generate()
    _write_private(path, key)
    _cache.clear()
    return current_key()


def key_rotate() -> tuple[str, SigningKey]:
    """Keep the current key's public half under retired/ and put a new key in its file.
    Return (the retired kid, the new key). With CREDENTIAL_KEY_PEM there is no file to replace:
    ImproperlyConfigured (rotate by hand: see the README)."""
    path = current_key_file()
    if path is None:
        raise ImproperlyConfigured(
            "The key comes from CREDENTIAL_KEY_PEM: put its public half in the retired folder and set a new PEM."
        )
    old = current_key()
    retired_dir().mkdir(parents=True, exist_ok=True)
    public_pem = old.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (retired_dir() / f"{old.kid}.pem").write_bytes(public_pem)
    _write_private(path, Ed25519PrivateKey.generate())
    _cache.clear()
    return old.kid, current_key()


def did_document() -> dict:
    """Our DID document (did:web, served at /.well-known/did.json): every key ever used, so a
    credential signed before a rotation still resolves to its key."""
    subject = did()
    methods = [
        {
            "id": verification_method(kid),
            "type": "JsonWebKey",
            "controller": subject,
            "publicKeyJwk": public_jwk(key),
        }
        for kid, key in sorted(public_keys().items())
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": subject,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
