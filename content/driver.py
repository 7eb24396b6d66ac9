"""The one mechanism of `load_content`: a kind of content says where its files are, how to read
one, which fields must match across languages and how to apply an object; this module does the
rest for every kind alike.

Reading (`parse`): every file is read and parsed once (content/sources.py) and checked against
its kind's field table (content/schema.py); keys are unique per language; links between kinds
(a module's quiz, an interview category's modules) must name a key that has a file; each key
is in every language with the same shared fields (content/parity.py).

Writing (`write`): for each object, `decide` compares what the file says now (its source hash)
and the object's state in the database (its fingerprint) with what the last load recorded
(ContentRecord): new -> create, nothing changed -> unchanged, the file changed -> update, the
object changed since the last load (an editor, in the admin) -> conflict, skipped with one
message unless --force.

A kind (see content/kinds/) is a `Kind` with a `name`, a `folder` and a `schema`, and an
`apply(item, obj, writer)` that writes one object. By default an object is its file's one
mapping, keyed by its file name, and the database state is taken to be what the last load
wrote; a kind that editors can change in the admin also gives `state` (find the object and
fingerprint it)."""

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from core import translations

from . import parity
from .keys import content_uuid
from .models import ContentRecord
from .schema import links as schema_links
from .schema import validate
from .sources import Problems, Source, source_hash, where

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OUTCOMES = {"create": "created", "update": "updated", "unchanged": "unchanged", "conflict": "conflict"}


@dataclass
class Item:
    """One object a content file describes, in one language: its checked fields (`data`), where
    it comes from, and the links it makes to other kinds."""

    kind: str  # the record kind: the "kind" of its ContentRecord and content_uuid
    key: str
    language: str
    path: Path
    line: int
    data: dict
    source: object = None  # what the file says, hashed to tell a change (default: data)
    links: list = field(default_factory=list)  # (field, kind, key, line)
    parent: "Item | None" = None
    children: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # what the kind parsed beside the fields (a body)
    noun: str = ""  # how messages name it ("question"); its kind by default

    def __getitem__(self, name):
        return self.data[name]

    def get(self, name, default=None):
        return self.data.get(name, default)

    @property
    def translation_key(self):
        """The file's `translation_key` (an item an editor made in the admin), else the one its key names."""
        given = self.data.get("translation_key") if isinstance(self.data, dict) else None
        return given or content_uuid(self.kind, self.key)

    @cached_property
    def source_hash(self) -> str:
        return source_hash(self.data if self.source is None else self.source)

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line else ""

    def __str__(self):
        return f"{self.noun or self.kind} {self.key!r}"


class Kind:
    """The protocol of a kind of content. Subclasses set `name`, `folder` and `schema` and
    define `apply`; the rest has defaults."""

    name = ""  # the report's label and the namespace of keys ("quiz", "page")
    folder = ""  # under content/<lang>/
    pattern = "*.yaml"
    schema: dict = {}
    key_field = "key"  # the field that holds the key (it must match the file name)
    required = False  # the folder must exist in every language
    noun = ""  # how messages name one object ("question"); the record kind by default

    @property
    def record_kind(self) -> str:
        return self.name

    @property
    def missing(self) -> str:
        """The end of "<kind> '<key>' ..." when a link names a key that has no file."""
        if self.folder == ".":
            return f"is not in {self.pattern}"
        return f"has no file in {self.folder}/"

    @property
    def record_kinds(self) -> tuple:
        """Every record kind this kind's files make (pages make courses, modules and lessons)."""
        return (self.record_kind,)

    # --- reading -----------------------------------------------------------------------

    def files(self, root: Path, language: str, problems: Problems | None = None) -> list[Path]:
        """The files of this kind in one language; others in its folder are problems."""
        folder = root / language / self.folder
        if not folder.is_dir():
            if self.required and problems is not None:
                problems.add(folder, "", "folder is missing")
            return []
        found = sorted(p for p in folder.glob(self.pattern) if p.is_file() and not p.name.startswith("."))
        if problems is not None and "/" not in self.pattern and self.folder != ".":
            for other in sorted(folder.iterdir()):
                if other.is_file() and not other.name.startswith(".") and other not in found:
                    problems.add(other, "", f"unexpected file: {self.name} files are named {self.pattern}")
        return found

    def parse_file(self, source: Source, problems: Problems) -> list[Item]:
        """Read one file: by default its YAML is one mapping, checked against `schema`."""
        data = source.yaml(problems)
        if data is None:
            return []
        values = validate(data, self.schema, path=source.path, problems=problems)
        if values is None:
            return []
        key = self.file_key(source, values, data, problems)
        return [self.item(source, key, values, line=data.line_of(self.key_field))]

    def file_key(
        self, source: Source, values, data, problems: Problems, name: str | None = None, what: str = "file name"
    ) -> str | None:
        """The key of a file: its `key_field`, which must match the file (or folder) name."""
        name = name or source.path.stem
        key = values.get(self.key_field) if self.key_field in values else name
        if key and key != name:
            problems.add(
                source.path,
                where(data, self.key_field),
                f"{self.key_field} {key!r} does not match the {what} {name!r}",
            )
        return key or None

    def item(self, file: Source, key, values, *, line: int = 0, kind: str | None = None, **fields) -> Item:
        """An Item of `file` (`fields`: Item's optional fields: source, links, extra)."""
        item = Item(kind or self.record_kind, key, file.language, file.path, line, values, noun=self.noun, **fields)
        if not item.links:
            item.links = list(schema_links(values, self.schema))
        return item

    def check(self, items: dict, problems: Problems, every: list) -> None:
        """Checks across the items of this kind (beyond each file's own), e.g. sibling orders.
        `items` is {key: {language: Item}}, `every` every item read (duplicates included)."""

    def shared(self, item: Item) -> dict:
        """{field: (phrase, value)} that must be the same in every language."""
        return {
            name: (spec.phrase or f"has {name}", item.data.get(name)) for name, spec in self.schema.items() if spec.same
        }

    def parts(self, item: Item) -> dict:
        """Parts of an item that must be in every language: {label: (line, {field: (phrase, value)})}."""
        return {}

    # --- writing -----------------------------------------------------------------------

    def state(self, item: Item, writer: "Writer"):
        """(the object of `item` in the database or None, its fingerprint or None if none).

        By default nobody edits it but the loader: its state is what the last load wrote."""
        record = writer.record_of(item)
        return None, record.fingerprint if record else None

    def fingerprint(self, obj, item: Item) -> str:
        """The state of `obj` right after `apply` (by default, what the file said)."""
        return item.source_hash

    def apply(self, item: Item, obj, writer: "Writer"):
        """Create (obj is None) or update the object of `item`; return it."""
        raise NotImplementedError

    # --- dumping (content/dump.py) ------------------------------------------------------

    def dump(self, dumper, language: str):
        """Yield (path under content/<language>/, text) of the files of this kind's objects in
        the database: the inverse of `parse_file` and `apply` (content/emit.py writes YAML)."""
        return []

    def write(self, items: dict, writer: "Writer") -> None:
        """Create or update the objects of `items` ({key: {language: Item}}).

        Every language of a key is decided before any is written: saving one translation may
        change the others (a quiz's shared rules), which is not an editor's change."""
        for _key, by_language in sorted(items.items()):
            plans = []
            for _language, item in sorted(by_language.items()):
                obj, now = self.state(item, writer)
                plans.append((item, obj, writer.decide(item, now)))
            for item, obj, outcome in plans:
                if outcome in ("create", "update"):
                    obj = self.apply(item, obj, writer)
                    writer.record(item, self.fingerprint(obj, item))
                writer.done(self, item, outcome, obj)


@dataclass
class Parsed:
    """What `parse` read: {kind name: {key: {language: Item}}}, and every file read."""

    items: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # the glossary's, when content/loader.py reads

    def __getitem__(self, kind_name: str) -> dict:
        return self.items.get(kind_name, {})


def parse(kinds, root: Path, problems: Problems, known: dict | None = None) -> Parsed:
    """Read and check the files of `kinds` under `root` in every language.

    Links to a kind that is not parsed are checked against `known` ({kind: keys}) if given,
    else not checked (a test may read one kind alone)."""
    root = Path(root)
    parsed = Parsed()
    sources: dict[Path, Source] = {}
    # How a link problem says where the target should be: "has no file in quizzes/".
    folders = {record_kind: kind.missing for kind in kinds for record_kind in kind.record_kinds}
    for kind in kinds:
        by_key: dict = {}
        every: list[Item] = []
        parsed.items[kind.name] = by_key
        for language in LANGUAGES:
            seen: dict[str, Item] = {}
            for path in kind.files(root, language, problems):
                source = sources.setdefault(path, Source(path, language))
                for item in kind.parse_file(source, problems):
                    every.append(item)
                    other = seen.get(item.key)
                    if other is not None:
                        problems.add(
                            item.path,
                            item.where,
                            f"duplicate {kind.noun or kind.name} key {item.key!r}, also used by {other.path}",
                        )
                        continue
                    seen[item.key] = item
                    by_key.setdefault(item.key, {})[language] = item
        kind.check(by_key, problems, every)
    parsed.sources = list(sources.values())
    _check_links(parsed, root, problems, known, folders)
    for kind in kinds:
        parity.check(kind, parsed[kind.name], root, problems, LANGUAGES)
    return parsed


def _check_links(parsed: Parsed, root: Path, problems: Problems, known: dict | None, folders: dict) -> None:
    """A link names a key of another kind that has a file in the same language."""
    index: dict[tuple[str, str], set] = {}
    for by_key in parsed.items.values():
        for key, by_language in by_key.items():
            for language, item in by_language.items():
                index.setdefault((item.kind, language), set()).add(key)
    for by_key in parsed.items.values():
        for by_language in by_key.values():
            for item in by_language.values():
                for _field, target, key, line in item.links:
                    if target in folders:
                        keys = index.get((target, item.language), set())
                    elif known is not None and target in known:
                        keys = known[target]
                    else:
                        continue
                    if key not in keys:
                        missing = folders.get(target, "has no file")
                        problems.add(item.path, f"line {line}" if line else "", f"{target} {key!r} {missing}")


class Writer:
    """What every kind's writing shares: the records of the last load, the one conflict rule and
    message, the report, and the objects written so far (for kinds that refer to them)."""

    def __init__(self, report: "Report", *, force: bool, objects: dict | None = None):
        self.report = report
        self.force = force
        self.objects: dict = objects if objects is not None else {}
        self.written: set = set()  # translation keys created or updated in some language
        self.conflicted: set = set()
        self.uuids: dict = {}  # {(record kind, key): translation key} of every item parsed
        self._records = {(r.kind, r.key, r.language): r for r in ContentRecord.objects.all()}
        self.locales = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=LANGUAGES)}

    def locale(self, language: str) -> Locale:
        if language not in self.locales:
            self.locales[language], _created = Locale.objects.get_or_create(language_code=language)
        return self.locales[language]

    def uuid(self, kind: str, key: str):
        """The translation key of the item of `kind` named `key` (a link's target)."""
        return self.uuids.get((kind, key)) or content_uuid(kind, key)

    def record_of(self, item: Item) -> ContentRecord | None:
        return self._records.get((item.kind, item.key, item.language))

    def decide(self, item: Item, fingerprint_now: str | None) -> str:
        """Return what to do with one object: 'create', 'update', 'unchanged' or 'conflict'.

        `fingerprint_now` is the object's current state in the database (None if it does not
        exist). A state that differs from what the loader last wrote, or an object the loader
        never wrote, means an editor made or changed it in the admin: a conflict, skipped
        unless `force`."""
        if fingerprint_now is None:
            return "create"
        record = self.record_of(item)
        if record is None:
            return "update" if self.force else "conflict"
        edited = record.fingerprint != fingerprint_now
        if edited and not self.force:
            return "conflict"
        if record.source_hash == item.source_hash and not edited:
            return "unchanged"
        return "update"

    def record(self, item: Item, fingerprint: str) -> None:
        record, _created = ContentRecord.objects.update_or_create(
            kind=item.kind,
            key=item.key,
            language=item.language,
            defaults={"source_hash": item.source_hash, "fingerprint": fingerprint},
        )
        self._records[item.kind, item.key, item.language] = record

    def done(self, kind: Kind, item: Item, outcome: str, obj=None) -> None:
        """Count the outcome; a conflict gets the one conflict message."""
        self.report.count(kind.name, OUTCOMES[outcome])
        if outcome in ("create", "update"):
            self.written.add(item.translation_key)
        if outcome == "conflict":
            self.conflicted.add(item.translation_key)
            self.report.conflicts.append(conflict_message(item))
        if obj is not None:
            self.objects.setdefault(item.kind, {}).setdefault(item.key, {})[item.language] = obj

    def note(self, message: str) -> None:
        """Something a load kept as it was to protect trainees' data (an answered question)."""
        self.report.conflicts.append(message)


def conflict_message(item: Item) -> str:
    return (
        f"{item.path}: {item.kind} {item.key!r} ({item.language}) was changed in the admin since the last load; "
        "left as it is (use --force to overwrite)"
    )


@dataclass
class Report:
    """Counts of what a load did, per kind of content."""

    counts: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # glossary hits, see content/glossary.py

    def count(self, kind: str, outcome: str) -> None:
        by_kind = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0, "conflict": 0})
        by_kind[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(by_kind[outcome] for by_kind in self.counts.values())


def write(kinds, parsed: Parsed, *, report: Report, force: bool, objects: dict | None = None) -> dict:
    """Write every kind's objects in one transaction, in the order of `kinds`; return the
    objects written ({record kind: {key: {language: object}}})."""
    with transaction.atomic(), translations.loading():
        writer = Writer(report, force=force, objects=objects)
        for by_key in parsed.items.values():
            for by_language in by_key.values():
                for item in by_language.values():
                    writer.uuids.setdefault((item.kind, item.key), item.translation_key)
        for language in LANGUAGES:
            writer.locale(language)
        for kind in kinds:
            kind.write(parsed[kind.name], writer)
        # Both languages written from the files are in sync; a key with a conflict keeps its flags
        # (an editor's change in one language is still ahead of the other).
        translations.translations_synced(translation_keys=writer.written - writer.conflicted)
    return writer.objects


def parse_kind(kind: Kind, root: Path, problems: Problems, known: dict | None = None) -> dict:
    """Read one kind alone: {key: {language: Item}}."""
    return parse([kind], root, problems, known)[kind.name]


def write_kind(kind: Kind, items: dict, *, report: Report, force: bool = False, objects: dict | None = None) -> dict:
    """Write one kind's items alone; return its objects {key: {language: object}}."""
    written = write([kind], Parsed(items={kind.name: items}), report=report, force=force, objects=objects)
    return written.get(kind.record_kind, {})
