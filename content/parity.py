"""The one parity check: every key of a kind is in every language, and the fields its kind
marks as shared (`Field(same=True)`, or `Kind.shared`) are the same in each. The first language
of settings.LANGUAGES (Arabic) is the reference; a problem names the file of the other side:

    content/en/interviews/seo.yaml: question 'seo-why' exists in ar (seo.yaml) but not in en
    content/en/quizzes/seo-quiz.yaml:line 40: question 'q3' has points 2 in en but 1 in ar"""

from pathlib import Path

from .sources import Problems


class AnyOrder(list):
    """A shared list whose order may differ between languages (key points)."""

    def __eq__(self, other):
        return sorted(self, key=repr) == sorted(other, key=repr)

    __hash__ = None


def _expected_path(item, root: Path, language: str) -> Path:
    """Where the file of `item` would be in `language`: the same place in the other tree."""
    try:
        return root / language / Path(item.path).relative_to(root / item.language)
    except ValueError:
        return Path(item.path)


def _compare(subject: str, mine: dict, theirs: dict, *, path, where, language, reference, problems) -> None:
    for name, (phrase, value) in mine.items():
        other = theirs.get(name, (phrase, None))[1]
        if value != other:
            problems.add(path, where, f"{subject} {phrase} {value!r} in {language} but {other!r} in {reference}")


def check(kind, items: dict, root: Path, problems: Problems, languages: list[str]) -> None:
    """Check the parity of `items` ({key: {language: Item}}) of one kind."""
    if len(languages) < 2:
        return
    reference, *others = languages
    for key in sorted(items):
        by_language = items[key]
        present = [language for language in languages if language in by_language]
        for language in languages:
            if language in by_language:
                continue
            there = by_language[present[0]]
            problems.add(
                _expected_path(there, Path(root), language),
                "",
                f"{there} exists in {there.language} ({Path(there.path).name}) but not in {language}",
            )
        first = by_language.get(reference)
        if first is None:
            continue
        for language in others:
            item = by_language.get(language)
            if item is None:
                continue
            if item.kind != first.kind:
                problems.add(
                    item.path, item.where, f"{key!r} is a {item.kind} in {language} but a {first.kind} in {reference}"
                )
                continue
            common = {"path": item.path, "language": language, "reference": reference, "problems": problems}
            _compare(str(item), kind.shared(item), kind.shared(first), where=item.where, **common)
            mine, theirs = kind.parts(item), kind.parts(first)
            for label in theirs:
                if label not in mine:
                    problems.add(item.path, item.where, f"{label} exists in {reference} but not in {language}")
            for label, (line, fields) in mine.items():
                at = f"line {line}" if line else item.where
                if label not in theirs:
                    problems.add(item.path, at, f"{label} exists in {language} but not in {reference}")
                else:
                    _compare(label, fields, theirs[label][1], where=at, **common)
