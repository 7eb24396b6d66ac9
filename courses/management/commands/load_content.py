from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.content.loader import ContentInvalid, content_load, content_root, content_validate


class Command(BaseCommand):
    help = "Validate content/ar and content/en, then create or update the courses, quizzes and interview questions."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite objects edited in the admin since the last load."
        )
        parser.add_argument("--root", type=Path, default=None, help="The content folder (default: content/).")

    def handle(self, *args, check=False, force=False, root=None, **options):
        root = root or content_root()
        try:
            if check:
                content_validate(root=root)
                self.stdout.write(self.style.SUCCESS(f"{root}: valid."))
                return
            report = content_load(root=root, force=force)
        except ContentInvalid as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.problems)} problem(s) found; nothing was written.") from None
        for conflict in report.conflicts:
            self.stderr.write(self.style.WARNING(conflict))
        for kind, counts in sorted(report.counts.items()):
            self.stdout.write(f"{kind}: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.total('created')} created, {report.total('updated')} updated, "
                f"{report.total('unchanged')} unchanged, {report.total('conflict')} conflicts."
            )
        )
