"""PAdES signatures on the certificate PDFs, made with the platform's Ed25519 key (certificates.keys).

A PDF signature needs an X.509 certificate. Ours is self-signed and derived from the key alone:
the same key always gives the same certificate (fixed validity, a serial taken from the public
key, Ed25519 signatures being deterministic), so nothing is stored beside the key and a retired
key's public half is all the verifier needs (a signature is ours when the certificate inside it
carries one of `keys.public_keys()`).

The signature (PAdES baseline B-B: /SubFilter /ETSI.CAdES.detached, SHA-512, no signing-time
attribute, the time in the signature dictionary) is an incremental update appended to the PDF/A
bytes WeasyPrint wrote, so everything before it stays as written. Signing is deterministic too:
the time signed is the certificate's issue time and the trailer's second ID is derived from the
first, so the same row gives the same bytes.
"""

import hashlib
import io
from datetime import UTC, datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNATURE_FIELD = "MasarSignature"
# The certificate's validity: from before the first certificate was issued to the end of time
# (RFC 5280's "no well-defined expiration"): the key's retirement, not a date, ends its use.
NOT_BEFORE = datetime(2025, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

_certificates: dict[tuple, x509.Certificate] = {}


def public_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def issuer_name() -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, settings.CERTIFICATE_ISSUER["en"]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.CERTIFICATE_ISSUER["ar"]),
        ]
    )


def signing_certificate(private_key: Ed25519PrivateKey) -> x509.Certificate:
    """The self-signed certificate of `private_key`, named after CERTIFICATE_ISSUER (the same key
    and issuer always give the same certificate)."""
    public_key = private_key.public_key()
    raw = public_raw(public_key)
    name = issuer_name()
    cache_key = (raw, name.rfc4514_string(), settings.SITE_URL)
    if cache_key not in _certificates:
        serial = int.from_bytes(hashlib.sha256(b"masar-pdf-certificate" + raw).digest()[:16], "big") >> 1
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public_key)
            .serial_number(serial or 1)
            .not_valid_before(NOT_BEFORE)
            .not_valid_after(NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.SubjectAlternativeName([x509.UniformResourceIdentifier(settings.SITE_URL)]), critical=False
            )
        )
        _certificates[cache_key] = builder.sign(private_key, algorithm=None)
    return _certificates[cache_key]


def asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class _SigningWriter(IncrementalPdfFileWriter):
    """The incremental update that carries the signature, and nothing else.

    pyHanko would also rewrite the document's XMP and /Info (its own name as the producer, the
    clock's time as the modification date): that would change what WeasyPrint wrote for PDF/A and
    make every signing differ, so the metadata is left as it is. And it gives the signed revision a
    random second file ID; ours is derived from the first (WeasyPrint's, a hash of the content), so
    signing the same PDF twice gives the same bytes. (Both are pyHanko internals, pinned ==.)"""

    def _update_meta(self):
        pass

    @classmethod
    def _handle_id(cls, prev):
        id1 = prev.trailer["/ID"][0]
        original = id1.original_bytes if isinstance(id1, generic.TextStringObject) else bytes(id1)
        id2 = hashlib.sha256(b"masar-signed" + original).digest()[:16]
        return generic.ArrayObject([generic.ByteStringObject(original), generic.ByteStringObject(id2)])


class _FixedTimeSigner(signers.PdfSigner):
    """A PdfSigner that signs at a given time instead of the clock's."""

    def __init__(self, *args, signed_at: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_at = signed_at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self.signed_at
        return session


def pdf_sign(data: bytes, *, private_key: Ed25519PrivateKey, signed_at: datetime, reason: str = "") -> bytes:
    """Return `data` (a PDF) with a PAdES B-B signature by `private_key` appended as an incremental
    update (an invisible signature field: the page itself is unchanged)."""
    certificate = asn1_certificate(signing_certificate(private_key))
    pkcs8 = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore(),  # the signing certificate is embedded once, by itself
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha512",
        reason=reason or None,
        location=settings.SITE_URL,
        name=settings.CERTIFICATE_ISSUER["en"],
    )
    writer = _SigningWriter(io.BytesIO(data), strict=False)
    pdf_signer = _FixedTimeSigner(
        meta,
        signer=signer,
        new_field_spec=fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD),
        signed_at=signed_at.astimezone(UTC),
    )
    # Room for the CMS: the certificate, the signer info naming it (issuer and serial, twice with
    # the signing-certificate attribute), the signed attributes and a 64-byte signature. Giving it
    # saves pyHanko a trial signature to measure (a third of the signing time).
    # (pyHanko counts the reserved room in hexadecimal digits: two per byte.)
    reserved = 2 * (2 * len(certificate.dump()) + 768)
    return pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
