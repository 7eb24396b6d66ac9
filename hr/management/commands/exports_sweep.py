from datetime import timedelta

from django.core.management.base import BaseCommand

from hr import services


class Command(BaseCommand):
    help = "Start again the HR exports left waiting or building for too long (also run by Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=float,
            default=services.SWEEP_AFTER.total_seconds() / 60,
            help="Start again exports asked for more than this many minutes ago (default: %(default)s).",
        )

    def handle(self, *args, minutes: float, **options):
        count = services.exports_sweep(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"Queued {count} export(s) again.")
