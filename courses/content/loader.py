"""`load_content`: validate both languages' files, then write them in one transaction."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from . import glossary, pages
from .common import LANGUAGES, Problems, Report


class ContentInvalid(Exception):
    def __init__(self, problems: Problems, warnings: Problems | None = None):
        super().__init__(f"{len(problems)} problem(s) in the content files")
        self.problems = problems
        self.warnings = warnings if warnings is not None else Problems()


def content_root() -> Path:
    return Path(getattr(settings, "MASAR_CONTENT_DIR", settings.BASE_DIR / "content"))


def content_validate(*, root: Path) -> dict:
    """Parse and validate everything under `root`; raise ContentInvalid listing every problem.

    The result's "warnings" are glossary hits (content/glossary.yaml): reported, never blocking."""
    from interviews import content as interview_content
    from quizzes import content as quiz_content

    problems = Problems()
    quizzes = quiz_content.parse(root, problems)
    interviews = interview_content.parse(root, problems)
    trees = pages.parse(root, problems, quiz_keys=set(quizzes))
    warnings = glossary.check(root, problems)
    if problems:
        raise ContentInvalid(problems, warnings)
    return {"quizzes": quizzes, "interviews": interviews, "pages": trees, "warnings": warnings}


def content_load(*, root: Path, force: bool = False) -> Report:
    """Validate, then create or update quizzes, interview questions and pages in one transaction."""
    from interviews import content as interview_content
    from quizzes import content as quiz_content

    parsed = content_validate(root=root)
    report = Report(warnings=parsed["warnings"])
    with transaction.atomic():
        for language in LANGUAGES:
            Locale.objects.get_or_create(language_code=language)
        quizzes = quiz_content.write(parsed["quizzes"], report=report, force=force)
        interview_content.write(parsed["interviews"], report=report, force=force)
        pages.write(parsed["pages"], report=report, force=force, quizzes=quizzes)
    return report
