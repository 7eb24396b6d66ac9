"""`load_content`: read and check every kind's files in both languages (and the glossary), then
write them all in one transaction, or nothing if any file has a problem."""

from pathlib import Path

from django.conf import settings

from . import driver, glossary
from .driver import Parsed, Report
from .kinds import KINDS
from .kinds.quizzes import QUIZZES, answer_length_warnings
from .sources import Problems


class ContentInvalid(Exception):
    def __init__(self, problems: Problems, warnings: Problems | None = None):
        super().__init__(f"{len(problems)} problem(s) in the content files")
        self.problems = problems
        self.warnings = warnings if warnings is not None else Problems()


def content_root() -> Path:
    return Path(getattr(settings, "MASAR_CONTENT_DIR", settings.BASE_DIR / "content"))


def content_validate(*, root: Path, kinds=None) -> Parsed:
    """Parse and check everything under `root`; raise ContentInvalid listing every problem.

    The result's `warnings` are glossary hits (content/glossary.yaml) and quizzes whose right
    answers stand out by length: reported, never blocking."""
    problems = Problems()
    parsed = driver.parse(kinds or KINDS, root, problems)
    parsed.warnings = glossary.check(root, problems, sources=parsed.sources)
    parsed.warnings.extend(answer_length_warnings(parsed[QUIZZES.name]))
    if problems:
        raise ContentInvalid(problems, parsed.warnings)
    return parsed


def content_load(*, root: Path, force: bool = False, kinds=None) -> Report:
    """Check, then create or update every kind's objects in one transaction."""
    parsed = content_validate(root=root, kinds=kinds)
    report = Report(warnings=parsed.warnings)
    driver.write(kinds or KINDS, parsed, report=report, force=force)
    return report
