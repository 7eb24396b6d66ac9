from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.driver import LANGUAGES
from content.dump import content_dump
from content.kinds import KINDS
from content.loader import content_root


class Command(BaseCommand):
    help = (
        "Write the courses, quizzes and interview questions the database holds back into content/<lang>/, in the "
        "loader's format: only files whose text differs are written, and parts that did not change keep the "
        "file's own text. Review the changes with git diff, then commit them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lang", action="append", choices=LANGUAGES, help="Only this language (repeatable).")
        parser.add_argument(
            "--kind", action="append", choices=[kind.name for kind in KINDS], help="Only this kind (repeatable)."
        )
        parser.add_argument(
            "--check", action="store_true", help="Write nothing; list the files that would change and fail if any."
        )
        parser.add_argument("--output", type=Path, default=None, help="The content folder (default: content/).")

    def handle(self, *args, lang=None, kind=None, check=False, output=None, **options):
        root = output or content_root()
        report = content_dump(root=root, languages=lang, kinds=kind, check=check)
        for note in report.notes:
            self.stderr.write(self.style.WARNING(note))
        for path in report.changed:
            self.stdout.write(f"{'would change' if check else 'wrote'} {path}")
        for path in report.removed:
            self.stdout.write(f"{'would remove' if check else 'removed'} {path} (deleted in the admin)")
        if check and (report.changed or report.removed):
            count = len(report.changed) + len(report.removed)
            raise CommandError(f"{count} file(s) differ from the database; run dump_content.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.changed)} {'to write' if check else 'written'}, "
                f"{len(report.removed)} {'to remove' if check else 'removed'}, {report.unchanged} unchanged."
            )
        )
