"""Reading content files: problems that name the file and line, YAML with the line of every
field, and `Source`, one file read and parsed once however many parts of the loader use it."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml


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


class LineDict(dict):
    """A mapping read from YAML that knows its line and the line of each of its keys."""

    line = 0
    key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


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


def line_of(data, key=None) -> int:
    """The line of `key` in a mapping read by `yaml_load` (of the mapping without a key), or 0."""
    if not isinstance(data, LineDict):
        return 0
    return data.line_of(key) if key is not None else data.line


def where(data, key=None, label: str = "") -> str:
    """'line N' for `key` in a mapping read by `yaml_load`, with the field's path if nested:
    'line 12 (questions[0].type)'; the path alone without a line."""
    line = line_of(data, key)
    if line:
        return f"line {line} ({label})" if label else f"line {line}"
    return label


def source_hash(value) -> str:
    """The one hash of the loader: what a file said, or an object's state in the database."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


class Source:
    """One content file of one language, read and parsed once: `text` is read on first use and
    `yaml()` / `front_matter()` parse it on first use, remembering the result and the problems
    they found (added to the run's problems once)."""

    def __init__(self, path: Path, language: str):
        self.path = Path(path)
        self.language = language
        self._text: str | None = None
        self._once: dict = {}

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.path.read_text(encoding="utf-8")
        return self._text

    def once(self, name: str, compute, problems: Problems):
        """The result of `compute(found_problems)` for this file, computed on first use; the
        problems it found are added to `problems` that first time only."""
        if name not in self._once:
            found = Problems()
            self._once[name] = compute(found)
            problems.extend(found)
        return self._once[name]

    def _parse_once(self, parse, problems: Problems):
        return self.once(parse.__name__, parse, problems)

    def yaml(self, problems: Problems):
        """The file's YAML (mappings are LineDicts), or None with a problem."""

        def parse_yaml(found):
            data = yaml_load(self.text, self.path, found)
            if data is None and not found:
                found.add(self.path, "", "the file is empty")
            return data

        return self._parse_once(parse_yaml, problems)

    def front_matter(self, problems: Problems):
        """(front matter, body, first body line) of a Markdown file, or None with a problem."""

        def parse_front_matter(found):
            lines = self.text.splitlines()
            if not lines or lines[0].strip() != "---":
                found.add(self.path, "line 1", "the file must start with a '---' front matter block")
                return None
            end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
            if end is None:
                found.add(self.path, "line 1", "the front matter block is never closed with '---'")
                return None
            meta = yaml_load("\n".join(lines[1:end]), self.path, found, line_offset=1)
            if meta is None:
                return None
            if not isinstance(meta, dict):
                found.add(self.path, "line 2", "the front matter must be a mapping of fields")
                return None
            return meta, "\n".join(lines[end + 1 :]), end + 2

        return self._parse_once(parse_front_matter, problems)
