"""The verifier: what an uploaded PDF certificate, a pasted credential or a file given to
`manage.py verify_credential` proves. Reads only; nothing is stored and nothing is fetched.

A PDF is read by `pdf.pdf_inspect` (its signature, and the credential embedded in it); a
credential by `credentials.credential_verify`. A PDF is authentic when both hold: its signature is
ours and intact, and the credential inside it is."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import credentials, pdf
from .credentials import CredentialVerdict

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a certificate PDF is under 100 KB
PDF_MAGIC = b"%PDF-"

PDF_OK = "valid"
PDF_MODIFIED = "modified"
PDF_UNSIGNED = "unsigned"
PDF_UNKNOWN_SIGNER = "unknown-signer"


@dataclass
class Verification:
    """The answer of the verifier. `outcome` is the credential's outcome, or for a PDF whose own
    signature does not hold "pdf-modified", "pdf-unsigned", "pdf-unknown-signer", "pdf-refused"
    (could not be read) or "pdf-without-credential"."""

    outcome: str
    headline: str
    message: str
    verdict: CredentialVerdict | None = None
    source: str = "text"  # "pdf" or "text"
    pdf_signature: str | None = None
    pdf_note: str = ""

    @property
    def authentic(self) -> bool:
        return self.outcome == credentials.AUTHENTIC

    @property
    def claims(self):
        return self.verdict.claims if self.verdict else []

    @property
    def confirmed(self) -> bool:
        return bool(self.verdict and self.verdict.confirmed)


def _from_verdict(verdict: CredentialVerdict, **kwargs) -> Verification:
    return Verification(
        outcome=verdict.outcome, headline=verdict.headline, message=verdict.message, verdict=verdict, **kwargs
    )


def verify_text(text: str) -> Verification:
    """A pasted credential: a compact JWT or JSON."""
    return _from_verdict(credentials.credential_verify(text))


def is_pdf(data: bytes) -> bool:
    """PDF magic bytes at the start (a few bytes of junk before them are allowed, as readers do)."""
    return PDF_MAGIC in data[:1024]


def verify_pdf(data: bytes) -> Verification:
    """An uploaded PDF certificate: its own signature, then the credential embedded in it."""
    if len(data) > MAX_UPLOAD_BYTES:
        return too_large()
    if not is_pdf(data):
        return not_a_pdf()
    inspection = pdf.pdf_inspect(data)
    if inspection.error and not inspection.credential:
        return Verification(
            outcome="pdf-refused", headline=_("Refused"), message=inspection.error, source="pdf", pdf_signature=None
        )
    verdict = credentials.credential_verify(inspection.credential) if inspection.credential else None
    notes = {
        PDF_OK: _("The PDF's own signature is valid: the file has not changed since it was issued."),
        PDF_MODIFIED: _("The PDF was changed after it was signed: its content may not be what was issued."),
        PDF_UNSIGNED: _("The PDF is not signed."),
        PDF_UNKNOWN_SIGNER: _("The PDF is signed, but not with a key of the issuer."),
    }
    note = notes.get(inspection.signature, notes[PDF_UNSIGNED])
    common = {"source": "pdf", "pdf_signature": inspection.signature, "pdf_note": note, "verdict": verdict}
    if inspection.signature == PDF_MODIFIED:
        return Verification(
            outcome="pdf-modified",
            headline=_("Changed after issue"),
            message=_(
                "This PDF was changed after it was signed. Do not trust what it shows; ask the holder for the "
                "original file or check the code printed on it."
            ),
            **common,
        )
    if inspection.signature == PDF_UNKNOWN_SIGNER:
        return Verification(
            outcome="pdf-unknown-signer",
            headline=_("Not signed by the issuer"),
            message=_("This PDF is signed with a key the issuer has never used. Do not trust what it shows."),
            **common,
        )
    if verdict is None:
        return Verification(
            outcome="pdf-without-credential",
            headline=_("No credential inside"),
            message=inspection.error
            or _("This PDF carries no credential: it is not a certificate issued with a signed credential."),
            **common,
        )
    if inspection.signature != PDF_OK:
        return Verification(
            outcome="pdf-unsigned",
            headline=_("Not signed"),
            message=_(
                "This PDF is not signed, so nothing shows it is the file that was issued. "
                "The credential inside it was checked on its own: %(verdict)s"
            )
            % {"verdict": verdict.message},
            **common,
        )
    return Verification(outcome=verdict.outcome, headline=verdict.headline, message=verdict.message, **common)


def too_large() -> Verification:
    return Verification(
        outcome="too-large",
        headline=_("File too large"),
        message=_("The file is larger than %(size)s MB. A Masar certificate PDF is under 100 KB.")
        % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
        source="pdf",
    )


def not_a_pdf() -> Verification:
    return Verification(
        outcome="not-a-pdf",
        headline=_("Not a PDF"),
        message=_("The file is not a PDF. Upload the PDF certificate, or paste the credential into the text box."),
        source="pdf",
    )


def verify_bytes(data: bytes) -> Verification:
    """A file of any of the three kinds (the command line): a PDF, a .jwt or a .json file."""
    if len(data) > MAX_UPLOAD_BYTES:
        return too_large()
    if is_pdf(data):
        return verify_pdf(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return not_a_pdf()
    return verify_text(text)
