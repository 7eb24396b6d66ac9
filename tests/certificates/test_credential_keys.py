"""The keys that sign credentials (certificates/keys.py): where they come from, their ids, rotation,
the did:web, the deploy check."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates import checks, keys


def test_kid_is_the_rfc7638_thumbprint(credential_keys_dir):
    key = keys.current_key()
    raw = key.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    canonical = '{"crv":"Ed25519","kty":"OKP","x":"' + x + '"}'
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert key.kid == expected
    assert keys.public_keys() == {key.kid: key.public_key}


def test_generate_never_overwrites(credential_keys_dir):
    before = keys.current_key().kid
    assert keys.key_generate() is None
    call_command("credential_keys", "generate")
    assert keys.current_key().kid == before
    assert oct((credential_keys_dir / "current.pem").stat().st_mode & 0o777) == "0o600"


def test_a_new_key_is_private_even_over_a_readable_leftover(credential_keys_dir):
    leftover = credential_keys_dir / "current.pem.part"
    leftover.write_bytes(b"")
    leftover.chmod(0o644)
    call_command("credential_keys", "rotate")
    assert oct((credential_keys_dir / "current.pem").stat().st_mode & 0o777) == "0o600"


def test_rotate_keeps_the_old_public_key(credential_keys_dir):
    old = keys.current_key()
    call_command("credential_keys", "rotate")
    new = keys.current_key()
    assert new.kid != old.kid
    assert set(keys.public_keys()) == {old.kid, new.kid}
    retired = (credential_keys_dir / "retired" / f"{old.kid}.pem").read_bytes()
    assert b"PRIVATE" not in retired  # only the public half is kept


def test_key_from_the_environment_variable(settings, tmp_path):
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.CREDENTIAL_KEY_PEM = pem
    settings.CREDENTIAL_KEYS_DIR = str(tmp_path)
    assert keys.current_key().kid == keys.kid_of(private.public_key())
    with pytest.raises(CommandError):
        call_command("credential_keys", "rotate")  # nothing to replace: the README says how


def test_key_from_a_file(settings, tmp_path):
    private = Ed25519PrivateKey.generate()
    path = tmp_path / "signing.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.CREDENTIAL_KEY_FILE = str(path)
    settings.CREDENTIAL_KEYS_DIR = str(tmp_path / "keys")
    assert keys.current_key().kid == keys.kid_of(private.public_key())


def test_no_key_is_a_clear_error(settings, tmp_path):
    settings.CREDENTIAL_KEYS_DIR = str(tmp_path / "none")
    with pytest.raises(keys.KeyNotConfigured):
        keys.current_key()
    assert keys.public_keys() == {}


def test_a_key_that_is_not_ed25519_is_refused(settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.CREDENTIAL_KEY_FILE = str(path)
    with pytest.raises(Exception, match="not an Ed25519 key"):
        keys.current_key()


@pytest.mark.parametrize(
    "site_url, expected",
    [
        ("https://masar.example.org", "did:web:masar.example.org"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://Masar.Example.org/", "did:web:masar.example.org"),
    ],
)
def test_did_web_of_the_site(settings, site_url, expected):
    settings.SITE_URL = site_url
    assert keys.did() == expected
    assert keys.verification_method("abc") == expected + "#abc"


def test_deploy_check_warns_without_a_configured_key(settings):
    settings.DEBUG = False
    settings.CREDENTIAL_KEY_PEM = ""
    settings.CREDENTIAL_KEY_FILE = ""
    assert [m.id for m in checks.credential_key_configured(None)] == ["certificates.W001"]
    settings.DEBUG = True
    assert checks.credential_key_configured(None) == []


def test_deploy_check_errors_on_an_unreadable_key(settings, tmp_path):
    settings.DEBUG = False
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    settings.CREDENTIAL_KEY_FILE = str(bad)
    assert [m.id for m in checks.credential_key_configured(None)] == ["certificates.E001"]


def test_the_list_command(credential_keys_dir, capsys):
    call_command("credential_keys", "list")
    out = capsys.readouterr().out
    assert keys.current_key().kid + "  (current)" in out
    assert json.dumps(keys.did())[1:-1] in out
