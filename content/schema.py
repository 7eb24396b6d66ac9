"""The one schema validator: a kind describes its files as a field table (name -> Field), and
`validate` checks a mapping read from YAML against it, naming the file, the line and the
field's path in every problem:

    content/en/quizzes/seo-quiz.yaml:line 12 (questions[0].points): points must be a positive
    whole number up to 1000, not 0

Every problem is one of four sentences: "unknown field 'x'", "missing the required field 'x'",
"x must be <what the table says>, not <value>", "<where> must be a mapping of fields"."""

import datetime
import uuid
from dataclasses import dataclass
from pathlib import Path

from .keys import KEY
from .sources import LineDict, Problems, where

TYPES = ("text", "key", "int", "bool", "list", "mapping", "date", "uuid")


@dataclass(frozen=True)
class Field:
    """One field of a content file.

    type: text (a string; numbers are read as text), key (a slug, see content/keys.py), int,
      bool, list (of `items`), mapping (checked against `table`), date (YYYY-MM-DD).
    required: the field must be there (and a text must not be empty); else `default` is used.
    max_length, low/high, choices, min_items/max_items: limits of the value.
    link: the value (or each item of a list) is the key of this kind in the same language
      (checked by the driver once every kind is parsed: content/driver.py).
    same: the value must be the same in every language (content/parity.py); `phrase` is how
      the parity problem says it ("is in category"; "has <name>" by default).
    """

    type: str = "text"  # see TYPES; uuid: a translation key written as text
    required: bool = False
    default: object = None
    max_length: int | None = None
    low: int | None = None
    high: int | None = None
    choices: tuple = ()
    items: "Field | None" = None
    min_items: int = 0
    max_items: int | None = None
    noun: str = "item"
    table: dict | None = None
    link: str | None = None
    same: bool = False
    phrase: str | None = None
    strict: bool = False  # a text must be a string (else numbers are read as text)

    def __post_init__(self):
        assert self.type in TYPES, self.type

    def describe(self) -> str:
        """What a valid value is, in words: the end of "x must be ..."."""
        if self.type == "text":
            text = "non-empty text" if self.required else "text"
            return f"{text} of at most {self.max_length} characters" if self.max_length else text
        if self.type == "key":
            slug = "a slug (lowercase a-z, 0-9 and -)"
            return f"{slug} of at most {self.max_length} characters" if self.max_length else slug
        if self.type == "int":
            if self.low == 1:
                return "a positive whole number" + (f" up to {self.high}" if self.high is not None else "")
            if self.low is not None and self.high is not None:
                return f"a whole number between {self.low} and {self.high}"
            return "a whole number"
        if self.type == "bool":
            return "true or false"
        if self.type == "date":
            return "a date (YYYY-MM-DD)"
        if self.type == "uuid":
            return "a UUID (8-4-4-4-12 hexadecimal digits)"
        if self.type == "mapping":
            return "a mapping of fields"
        noun = f"{self.noun}s"
        if self.max_items is not None:
            return f"a list of {self.min_items or 0} to {self.max_items} {noun}"
        return f"a non-empty list of {noun}" if self.min_items else f"a list of {noun}"


def _label(prefix: str, name) -> str:
    """The path of a field in its file ("questions[0].type")."""
    return f"{prefix}.{name}" if prefix else str(name)


def _shown(path: str) -> str:
    """The path a problem shows: only a nested field's (a top-level field's line says enough)."""
    return path if "." in path or "[" in path else ""


def validate(data, table: dict, *, path: Path, problems: Problems, label: str = "", context: str = ""):
    """Check the mapping `data` against `table`; return its values (defaults filled in, texts
    stripped, nested mappings and lists checked too) as a LineDict with `data`'s lines, or None
    if `data` is not a mapping. A value that is wrong is reported and replaced by the default.

    `label` is the mapping's path in the file ("questions[0]"), `context` how a problem names
    it ("in a key point")."""
    if not isinstance(data, dict):
        problems.add(path, _shown(label), f"{label or 'the file'} must be a mapping of fields")
        return None
    suffix = f" {context}" if context else ""
    for unknown in sorted(set(data) - set(table), key=str):
        problems.add(path, where(data, unknown, _shown(_label(label, unknown))), f"unknown field {unknown!r}{suffix}")
    values = LineDict()
    values.line, values.key_lines = getattr(data, "line", 0), getattr(data, "key_lines", {})
    for name, spec in table.items():
        if data.get(name) is None:
            if spec.required:
                problems.add(path, where(data, None, _shown(label)), f"missing the required field {name!r}{suffix}")
            values[name] = spec.default
            continue
        at = where(data, name, _shown(_label(label, name)))
        values[name] = check_value(
            data[name], spec, name=name, at=at, path=path, problems=problems, label=_label(label, name)
        )
    return values


def check_value(value, spec: Field, *, name: str, at: str, path: Path, problems: Problems, label: str):
    """Check one value against its Field; return it (cleaned), or the default if it is wrong."""

    def wrong(shown=value, what=None):
        problems.add(path, at, f"{name} must be {what or spec.describe()}, not {shown!r}")
        return spec.default

    if spec.type in ("text", "key"):
        if isinstance(value, bool) or not isinstance(value, str if spec.strict else (str, int, float)):
            return wrong(what=spec.describe().replace("non-empty text", "text"))
        value = str(value).strip()
        if spec.required and not value:
            return wrong(what="non-empty text")
        if spec.max_length and len(value) > spec.max_length:
            return wrong(f"{value[:20]}... ({len(value)} characters)")
        if spec.type == "key" and value and not KEY.match(value):
            return wrong()
    elif spec.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return wrong()
        if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
            return wrong()
    elif spec.type == "bool":
        if not isinstance(value, bool):
            return wrong()
    elif spec.type == "date":
        if not isinstance(value, datetime.date):
            return wrong()
    elif spec.type == "uuid":
        try:
            value = uuid.UUID(str(value).strip()) if isinstance(value, str) else None
        except ValueError:
            value = None
        if value is None:
            return wrong()
    elif spec.type == "mapping":
        if not isinstance(value, dict):
            return wrong()
        context = f"in a {spec.noun}" if spec.noun != "item" else ""
        return validate(value, spec.table or {}, path=path, problems=problems, label=label, context=context)
    elif spec.type == "list":
        if not isinstance(value, list):
            return wrong()
        if len(value) < spec.min_items or (spec.max_items is not None and len(value) > spec.max_items):
            return wrong(f"{len(value)} {spec.noun}s")
        if spec.items is not None and spec.items.type != "mapping":
            # A list of texts or numbers is one value: a wrong item is reported as the list.
            found = Problems()
            checked = [
                check_value(item, spec.items, name=name, at=at, path=path, problems=found, label=label)
                for item in value
            ]
            return wrong() if found else checked
        if spec.items is not None:
            checked = []
            for index, item in enumerate(value):
                item_label = f"{label}[{index}]"
                item_at = where(item, None, _shown(item_label)) if isinstance(item, dict) else at
                checked.append(
                    check_value(
                        item,
                        spec.items,
                        name=item_label.rsplit(".", 1)[-1],
                        at=item_at,
                        path=path,
                        problems=problems,
                        label=item_label,
                    )
                )
            return checked
    if spec.choices and value not in spec.choices:
        problems.add(path, at, f"{name} {value!r} must be one of {', '.join(map(str, spec.choices))}")
        return spec.default
    return value


def links(values, table: dict):
    """Yield (field name, kind, key, line) for every link field of checked `values`."""
    for name, spec in table.items():
        value = values.get(name) if isinstance(values, dict) else None
        if spec.link and value:
            for key in value if isinstance(value, list) else [value]:
                if isinstance(key, str) and key:
                    yield name, spec.link, key, values.line_of(name) if isinstance(values, LineDict) else 0
