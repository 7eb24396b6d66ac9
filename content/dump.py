"""`dump_content`: what the database holds, written back into content/<lang>/ in the loader's
format, so that editors' changes in the admin can be reviewed and committed.

Each kind's `dump(dumper, language)` (beside its parse, in content/kinds/) yields the files it
makes: (path under content/<lang>/, text). The text keeps the existing file's own text wherever
it says the same (content/emit.py for YAML and front matter, content/markdown.py for bodies), so
nothing changed means the same bytes. A file is written only when its text differs.

Once the files are written, the loader's records are brought up to date: each dumped object's
file and state are what a load would now find, so the next `load_content` reports it unchanged
(not a conflict)."""

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from wagtail.images.models import Image
from wagtail.models import Locale, Page

from core.keys import key_generate
from quizzes.models import Quiz

from . import driver
from .emit import load as emit_load
from .keys import content_uuid
from .kinds import KINDS
from .models import ContentRecord
from .sources import Problems

PAGE_KINDS = {"coursepage": "course", "modulepage": "module", "lessonpage": "lesson"}


@dataclass
class DumpReport:
    changed: list = field(default_factory=list)  # files written (or that would be, with check)
    unchanged: int = 0
    notes: list = field(default_factory=list)  # what was left out, and why
    removed: list = field(default_factory=list)  # files of objects deleted in the admin


class Dumper:
    """What every kind's dump shares: where the files go (and what they say now), the keys of
    translation keys, the pictures of each language and the report."""

    def __init__(self, root: Path, report: DumpReport, *, check: bool = False):
        self.root = Path(root)
        self.report = report
        self.check = check  # write nothing, only list what would change
        self._keys: dict | None = None
        self._pages: dict | None = None
        self._pictures: dict = {}
        self._old: dict = {}  # {(language, relative): text or None}, each file read once
        self._old_data: dict = {}  # {(language, relative): its YAML}, each parsed once
        self.locales = {locale.language_code: locale for locale in Locale.objects.all()}

    def old(self, language: str, relative: str) -> str | None:
        """The text of a file as it is now, or None."""
        if (language, relative) not in self._old:
            path = self.root / language / relative
            self._old[language, relative] = path.read_text(encoding="utf-8") if path.is_file() else None
        return self._old[language, relative]

    def old_data(self, language: str, relative: str):
        """The YAML of a file as it is now (plain dicts and lists), or None (no file, not YAML)."""
        if (language, relative) not in self._old_data:
            text = self.old(language, relative)
            try:
                data = emit_load(text) if text else None
            except yaml.YAMLError:
                data = None
            self._old_data[language, relative] = data
        return self._old_data[language, relative]

    @property
    def keys(self) -> dict:
        """{translation key: content key} of every object the loader wrote and every page."""
        if self._keys is None:
            self._keys = {
                content_uuid(kind, key): key for kind, key in ContentRecord.objects.values_list("kind", "key")
            }
            for kind, slug in self.pages.values():
                self._keys.setdefault(content_uuid(kind, slug), slug)
            for translation_key, slug in self._page_keys.items():
                self._keys.setdefault(translation_key, slug)
            self._keys_of_admin_quizzes()
        return self._keys

    def _keys_of_admin_quizzes(self) -> None:
        """The file key of each quiz made in the admin: the one its file names with its
        `translation_key`, else a new one from its English title (core/keys.py), the same in
        every language."""
        paths = sorted(self.root.glob("*/quizzes/*.yaml"))
        for path in paths:
            data = self.old_data(path.parent.parent.name, f"quizzes/{path.name}")
            given = data.get("translation_key") if isinstance(data, dict) else None
            try:
                self._keys.setdefault(uuid.UUID(str(given)), path.stem) if given else None
            except ValueError:
                continue
        taken = {path.stem for path in paths}
        taken |= {key for kind, key in ContentRecord.objects.filter(kind="quiz").values_list("kind", "key")}
        titles: dict = {}
        for translation_key, title, language in Quiz.objects.order_by("pk").values_list(
            "translation_key", "title", "locale__language_code"
        ):
            if translation_key not in self._keys:
                titles.setdefault(translation_key, {})[language] = title
        for translation_key, by_language in titles.items():
            title = by_language.get("en") or next(iter(by_language.values()))
            key = key_generate(title, taken=taken, max_length=80, prefix="quiz")
            taken.add(key)
            self._keys[translation_key] = key

    @property
    def pages(self) -> dict:
        """{page id: (kind, key)} of every course, module and lesson page (the slug is the key)."""
        if self._pages is None:
            rows = Page.objects.filter(content_type__model__in=PAGE_KINDS, content_type__app_label="courses")
            self._pages, self._page_keys = {}, {}
            for pk, slug, model, translation_key in rows.values_list(
                "pk", "slug", "content_type__model", "translation_key"
            ):
                self._pages[pk] = (PAGE_KINDS[model], slug)
                self._page_keys[translation_key] = slug
        return self._pages

    def key_of(self, translation_key) -> str | None:
        return self.keys.get(translation_key) if translation_key else None

    def page_key(self, page_id: int):
        return self.pages.get(page_id)

    def picture(self, language: str, image: Image, old_src: str | None = None) -> str:
        """The file under content/<lang>/media/ of a Wagtail image: the one with its content
        (the file already named if it is that one), else a copy of its file under uploads/."""
        pictures = self._pictures.get(language)
        if pictures is None:
            media = self.root / language / "media"
            pictures = {}
            for path in sorted(media.rglob("*")) if media.is_dir() else []:
                if path.is_file():
                    pictures.setdefault(hashlib.sha1(path.read_bytes()).hexdigest(), path.relative_to(media).as_posix())
            self._pictures[language] = pictures
        if old_src and pictures.get(image.file_hash) == old_src:
            return old_src
        if image.file_hash in pictures:
            return pictures[image.file_hash]
        name = Path(image.file.name).name
        relative = f"uploads/{name}"
        with image.file.open("rb") as handle:
            self.write(language, f"media/{relative}", handle.read())
        pictures[image.file_hash] = relative
        return relative

    def write(self, language: str, relative: str, content) -> None:
        """Write one file if what it holds differs (the report lists it)."""
        path = self.root / language / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        if isinstance(content, str):  # what the file says from now on (another kind may dump it too)
            self._old[language, relative] = content
            self._old_data.pop((language, relative), None)
        if path.is_file() and path.read_bytes() == data:
            self.report.unchanged += 1
            return
        self.report.changed.append(path)
        if not self.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def content_dump(*, root: Path, languages=None, kinds=None, check: bool = False) -> DumpReport:
    """Write the database's content into `root`/<lang>/ (only the files that differ); with
    `check`, write nothing and list the files that would change."""
    languages = languages or driver.LANGUAGES
    chosen = [kind for kind in KINDS if kinds is None or kind.name in kinds]
    report = DumpReport()
    dumper = Dumper(root, report, check=check)
    for kind in chosen:
        for language in languages:
            if language not in dumper.locales:
                continue
            for relative, text in kind.dump(dumper, language):
                dumper.write(language, relative, text)
    # The files as the loader now reads them, parsed once for what follows.
    problems = Problems()
    parsed = driver.parse(KINDS, root, problems)
    if problems:
        report.notes.extend(f"not recorded as loaded: {problem}" for problem in problems)
        return report
    writer = driver.Writer(driver.Report(), force=False)
    removed = files_of_deleted_remove(
        root=root, parsed=parsed, writer=writer, kinds=chosen, languages=languages, report=report, check=check
    )
    if not check:
        records_update(parsed=parsed, writer=writer, removed=removed, kinds=chosen, languages=languages, report=report)
    return report


# The kinds whose objects editors delete in the admin: a quiz or a page is a whole file, an
# interview question an entry of its category's file (which the dump rewrites without it; a file
# whose every question was deleted is not rewritten, and is removed here).
DELETABLE_KINDS = ("quiz", "page", "interview")


def files_of_deleted_remove(*, root: Path, parsed, writer, kinds, languages, report: DumpReport, check: bool) -> set:
    """Remove each file whose objects the loader wrote (they have a ContentRecord) and that are
    none of them in the database any more: an editor deleted them in the admin. Each removal is
    reported; with `check`, only listed. A file holding an object the loader never loaded is left
    alone (it may be new, not yet loaded) with a note. Return the paths removed (or to remove)."""
    chosen = [kind for kind in kinds if kind.name in DELETABLE_KINDS]
    by_path: dict = {}
    for kind in chosen:
        for by_language in parsed[kind.name].values():
            for language, item in by_language.items():
                if language in languages:
                    by_path.setdefault(Path(item.path), []).append((kind, item))
    removed: set = set()
    for path, entries in sorted(by_path.items()):
        if any(kind.state(item, writer)[0] is not None for kind, item in entries):
            continue
        never_loaded = [item for _kind, item in entries if writer.record_of(item) is None]
        if never_loaded:
            for item in never_loaded:
                report.notes.append(
                    f"{item.path}: {item} ({item.language}) is not in the database and was never loaded; kept"
                )
            continue
        report.removed.append(path)
        removed.add(path)
        if not check:
            path.unlink()
    if not check:
        for language in languages:
            courses = root / language / "courses"
            for folder in sorted(courses.glob("**/"), key=lambda p: len(p.parts), reverse=True):
                if folder != courses and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
    return removed


def records_update(*, parsed, writer, removed: set, kinds, languages, report: DumpReport) -> None:
    """Record every dumped object as loaded: its file (as the loader reads it) and its state now;
    forget the records of objects no file holds any more (deleted in the admin, their file or
    entry gone), so nothing remembers them as loaded.

    A page with unpublished changes keeps its record (the published version was dumped, the draft
    is still the editor's)."""
    kept: set = set()
    for kind in kinds:
        for by_language in parsed[kind.name].values():
            for language, item in by_language.items():
                if language not in languages or Path(item.path) in removed:
                    continue
                kept.add((item.kind, item.key, language))
                obj, _fingerprint = kind.state(item, writer)
                if obj is None and type(kind).state is not driver.Kind.state:
                    continue  # in the files, not in the database
                if getattr(obj, "has_unpublished_changes", False):
                    report.notes.append(
                        f"{item.path}: {item} ({language}) has unpublished changes; dumped as published"
                    )
                    continue
                writer.record(item, kind.fingerprint(obj, item))
    record_kinds = {record_kind for kind in kinds for record_kind in kind.record_kinds}
    stale = [
        record.pk
        for record in ContentRecord.objects.filter(kind__in=record_kinds, language__in=languages)
        if (record.kind, record.key, record.language) not in kept
    ]
    ContentRecord.objects.filter(pk__in=stale).delete()
