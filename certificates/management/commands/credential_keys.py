from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from certificates import keys


class Command(BaseCommand):
    help = (
        "Manage the Ed25519 keys that sign credentials: `generate` writes one if there is none "
        "(`make run` calls it), `rotate` retires the current key (its public half stays in the DID "
        "document) and writes a new one, `list` shows every key's id."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "rotate", "list"])

    def handle(self, *args, action: str, **options):
        try:
            if action == "generate":
                key = keys.key_generate()
                if key is None:
                    self.stdout.write(f"A signing key is already configured ({keys.current_key().kid}).")
                else:
                    self.stdout.write(f"Wrote a new signing key {key.kid} to {keys.current_key_file()}.")
            elif action == "rotate":
                retired, key = keys.key_rotate()
                self.stdout.write(f"Retired {retired} (still verifiable); signing with {key.kid} from now on.")
            else:
                try:
                    current = keys.current_key().kid
                except keys.KeyNotConfigured:
                    current = None
                for kid in keys.public_keys():
                    self.stdout.write(f"{kid}{'  (current)' if kid == current else ''}")
                self.stdout.write(f"DID: {keys.did()}")
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
