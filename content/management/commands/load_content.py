from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.loader import ContentInvalid, content_load, content_root, content_validate


class Command(BaseCommand):
    help = (
        "Validate content/ar and content/en, then create or update the courses, quizzes and interview questions. "
        "Terms the glossary (content/glossary.yaml) says to avoid, and quizzes whose right answers stand out by "
        "length, are reported as warnings."
    )

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
                parsed = content_validate(root=root)
                self._warn(parsed.warnings)
                self.stdout.write(self.style.SUCCESS(f"{root}: valid{self._glossary_summary(parsed.warnings)}."))
                return
            report = content_load(root=root, force=force)
        except ContentInvalid as error:
            self._warn(error.warnings)
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.problems)} problem(s) found; nothing was written.") from None
        self._warn(report.warnings)
        for conflict in report.conflicts:
            self.stderr.write(self.style.WARNING(conflict))
        for kind, counts in sorted(report.counts.items()):
            self.stdout.write(f"{kind}: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.total('created')} created, {report.total('updated')} updated, "
                f"{report.total('unchanged')} unchanged, {report.total('conflict')} conflicts"
                f"{self._glossary_summary(report.warnings)}."
            )
        )

    def _warn(self, warnings) -> None:
        for warning in warnings:
            self.stderr.write(self.style.WARNING(str(warning)))

    @staticmethod
    def _glossary_summary(warnings) -> str:
        return f"; {len(warnings)} warning(s)" if warnings else ""
