"""What every part of `load_content` shares: problems with file and line, the report,
YAML reading with line numbers, hashing, and the record of what was last loaded."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from courses.models import ContentRecord, content_uuid  # noqa: F401  (re-exported for the apps' loaders)

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Problem:
    path: Path
    where: str
    message: str

    def __str__(self):
        return f"{self.path}:{self.where}: {self.message}" if self.where else f"{self.path}: {self.message}"


class Problems(list):
    """Collects every problem found, so one run reports them all."""

    def add(self, path: Path, where, message: str) -> None:
        self.append(Problem(Path(path), str(where) if where not in (None, "") else "", message))


@dataclass
class Report:
    """Counts of what a load did, per kind of object."""

    counts: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # glossary hits, see courses/content/glossary.py

    def count(self, kind: str, outcome: str) -> None:
        by_kind = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0, "conflict": 0})
        by_kind[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(by_kind[outcome] for by_kind in self.counts.values())


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line of every mapping, for error messages."""


def _construct_mapping(loader, node):
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _v in node.value if hasattr(k, "value")}
    keys = [k.value for k, _v in node.value]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise yaml.constructor.ConstructorError(
            None, None, f"duplicate field {sorted(duplicates)[0]!r}", node.start_mark
        )
    return mapping


class LineDict(dict):
    line = 0
    key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_load(text: str, path: Path, problems: Problems, line_offset: int = 0):
    """Parse YAML text; on error, add a problem with the line and return None."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1 + line_offset}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        problems.add(path, line, f"invalid YAML: {problem}")
        return None
    if line_offset:
        _shift_lines(data, line_offset)
    return data


def _shift_lines(data, offset: int) -> None:
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    for value in values:
        _shift_lines(value, offset)


def read_yaml(path: Path, problems: Problems):
    return yaml_load(path.read_text(encoding="utf-8"), path, problems)


def where(data, key) -> str:
    """Return 'line N' for `key` in a mapping read by `yaml_load`, or ''."""
    line = data.line_of(key) if isinstance(data, LineDict) else 0
    return f"line {line}" if line else ""


def source_hash(value) -> str:
    """A stable hash of parsed content, to tell whether a file changed since the last load."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def record_get(*, kind: str, key: str, language: str) -> ContentRecord | None:
    return ContentRecord.objects.filter(kind=kind, key=key, language=language).first()


def record_save(*, kind: str, key: str, language: str, source: str, fingerprint: str) -> None:
    ContentRecord.objects.update_or_create(
        kind=kind, key=key, language=language, defaults={"source_hash": source, "fingerprint": fingerprint}
    )


def decide(*, kind: str, key: str, language: str, source: str, fingerprint_now: str | None, force: bool) -> str:
    """Return what to do with one object: 'create', 'update', 'unchanged' or 'conflict'.

    `fingerprint_now` is the object's current state in the database (None if it does not
    exist). A state that differs from what the loader last wrote means an editor changed
    it in the admin: that is a conflict, and it is skipped unless `force`."""
    if fingerprint_now is None:
        return "create"
    record = record_get(kind=kind, key=key, language=language)
    if record is None:
        return "update" if force else "conflict"
    edited = record.fingerprint != fingerprint_now
    if edited and not force:
        return "conflict"
    if record.source_hash == source and not edited:
        return "unchanged"
    return "update"
