import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from certificates import verifier


class Command(BaseCommand):
    help = (
        "Verify a certificate PDF, a .jwt credential or a credential's .json, offline (nothing is fetched). "
        "Exits 0 when it is authentic, 1 when it is not."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="A PDF certificate, a .jwt file, or a .json credential ('-' reads standard input)."
        )
        parser.add_argument("--language", choices=["en", "ar"], default="en", help="The language of the answer.")

    def handle(self, *args, file: str, language: str, **options):
        data = self._read(file)
        with translation.override(language):
            verification = verifier.verify_bytes(data)
            self.stdout.write(f"{verification.headline}: {verification.message}")
            if verification.pdf_note:
                self.stdout.write(verification.pdf_note)
            for claim in verification.claims:
                value = claim.value.replace("\n", "\n    ")
                self.stdout.write(f"  {claim.label}: {value}")
        if not verification.authentic:
            raise SystemExit(1)

    def _read(self, file: str) -> bytes:
        if file == "-":
            return sys.stdin.buffer.read(verifier.MAX_UPLOAD_BYTES + 1)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        with path.open("rb") as handle:
            return handle.read(verifier.MAX_UPLOAD_BYTES + 1)  # a larger file is refused, not read whole
