from datetime import timedelta

from django.core.management.base import BaseCommand

from certificates import services


class Command(BaseCommand):
    help = "Re-queue certificates left pending or rendering for too long (also run by Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=float,
            default=services.SWEEP_AFTER.total_seconds() / 60,
            help="Re-queue rows queued more than this many minutes ago (default: %(default)s).",
        )

    def handle(self, *args, minutes: float, **options):
        count = services.certificates_sweep(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"Re-queued {count} certificate(s).")
