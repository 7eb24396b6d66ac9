from django.core.management.base import BaseCommand

from interviews import services


class Command(BaseCommand):
    help = (
        "Fit the FSRS parameters of the trainees with enough new reviews now, as the hourly "
        "task does (interviews.tasks.parameters_refit)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="At most this many trainees (default: the setting)."
        )

    def handle(self, *args, limit=None, **options):
        fitted = services.parameters_refit(limit=limit)
        self.stdout.write(f"Fitted the parameters of {fitted} trainee(s).")
