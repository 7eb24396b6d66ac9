"""The course part of `load_content`: content/<lang>/courses/** -> Wagtail pages."""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from wagtail.models import Locale, Page, Site

from courses.models import CoursePage, HomePage, LessonPage, ModulePage, content_uuid

from .common import LANGUAGES, Problems, Report, decide, record_save, source_hash, where, yaml_load
from .markdown import BodyError, body_blocks, check_link_schemes, find_links, rich_text

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEVELS = {choice for choice, _label in CoursePage.Level.choices}
HOME_TITLES = {"ar": "مسار", "en": "Masar"}

# field -> (types, required)
SCHEMAS = {
    "course": {
        "key": (str, True),
        "title": (str, True),
        "summary": (str, True),
        "level": (str, True),
        "estimated_hours": (int, True),
        "order": (int, True),
        "outcomes": (list, True),
    },
    "module": {
        "key": (str, True),
        "title": (str, True),
        "order": (int, True),
        "required": (bool, True),
        "quiz": (str, False),
        "summary": (str, False),
    },
    "lesson": {
        "key": (str, True),
        "title": (str, True),
        "summary": (str, False),
        "estimated_minutes": (int, True),
        "order": (int, True),
        "policy_review": (dict, False),
        "sources": (list, False),
    },
}
SOURCE_FIELDS = {"title", "url"}
WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


@dataclass
class PageSpec:
    kind: str
    key: str
    language: str
    path: Path
    meta: dict
    body: str
    body_line: int
    parent: "PageSpec | None" = None
    children: list = field(default_factory=list)

    @property
    def translation_key(self):
        return content_uuid(self.kind, self.key)

    def source(self) -> str:
        parent_key = self.parent.key if self.parent else None
        return source_hash({"meta": dict(self.meta), "body": self.body, "parent": parent_key})


def read_markdown(path: Path, problems: Problems):
    """Return (front matter, body, first body line) of a Markdown file, or None on error."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.add(path, "line 1", "the file must start with a '---' front matter block")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.add(path, "line 1", "the front matter block is never closed with '---'")
        return None
    meta = yaml_load("\n".join(lines[1:end]), path, problems, line_offset=1)
    if meta is None:
        return None
    if not isinstance(meta, dict):
        problems.add(path, "line 2", "the front matter must be a mapping of fields")
        return None
    return meta, "\n".join(lines[end + 1 :]), end + 2


def _check_meta(spec: PageSpec, expected_key: str, problems: Problems) -> bool:
    schema = SCHEMAS[spec.kind]
    ok = True
    for name, (kind, required) in schema.items():
        value = spec.meta.get(name)
        if value is None:
            if required:
                problems.add(spec.path, "front matter", f"missing required field '{name}'")
                ok = False
            continue
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.add(spec.path, where(spec.meta, name), f"field '{name}' must be {kind.__name__}")
            ok = False
    for name in spec.meta:
        if name not in schema:
            problems.add(spec.path, where(spec.meta, name), f"unknown field '{name}'")
            ok = False
    key = spec.meta.get("key")
    if isinstance(key, str):
        if not KEY.match(key):
            problems.add(
                spec.path, where(spec.meta, "key"), f"key {key!r} must be lowercase letters, digits and hyphens"
            )
            ok = False
        elif key != expected_key:
            problems.add(
                spec.path,
                where(spec.meta, "key"),
                f"key {key!r} does not match the file or folder name {expected_key!r}",
            )
            ok = False
    for name in ("title", "summary"):
        if isinstance(spec.meta.get(name), str) and not spec.meta[name].strip() and schema[name][1]:
            problems.add(spec.path, where(spec.meta, name), f"field '{name}' is empty")
            ok = False
    if spec.kind == "course":
        if spec.meta.get("level") not in LEVELS:
            problems.add(spec.path, where(spec.meta, "level"), f"level must be one of {', '.join(sorted(LEVELS))}")
            ok = False
        outcomes = spec.meta.get("outcomes")
        if isinstance(outcomes, list) and (not outcomes or not all(isinstance(o, str) and o.strip() for o in outcomes)):
            problems.add(spec.path, where(spec.meta, "outcomes"), "outcomes must be a non-empty list of texts")
            ok = False
    if spec.kind == "lesson" and isinstance(spec.meta.get("policy_review"), dict):
        review = spec.meta["policy_review"]
        if not isinstance(review.get("last_reviewed"), datetime.date):
            problems.add(
                spec.path, where(spec.meta, "policy_review"), "policy_review.last_reviewed must be a date (YYYY-MM-DD)"
            )
            ok = False
        if not isinstance(review.get("interval_days"), int) or review["interval_days"] <= 0:
            problems.add(
                spec.path, where(spec.meta, "policy_review"), "policy_review.interval_days must be a positive number"
            )
            ok = False
    if spec.kind == "lesson" and isinstance(spec.meta.get("sources"), list):
        ok = _check_sources(spec, problems) and ok
    return ok


def _check_sources(spec: PageSpec, problems: Problems) -> bool:
    """A source is a text (its title) or a mapping with a title and an optional url."""
    ok = True
    for index, source in enumerate(spec.meta["sources"], start=1):
        line = where(source, "title") if isinstance(source, dict) else where(spec.meta, "sources")
        label = f"sources item {index}"
        if isinstance(source, str):
            if not source.strip():
                problems.add(spec.path, line, f"{label} is empty")
                ok = False
            continue
        if not isinstance(source, dict):
            problems.add(spec.path, line, f"{label} must be a text or a mapping with title and url")
            ok = False
            continue
        for name in sorted(set(source) - SOURCE_FIELDS):
            problems.add(spec.path, where(source, name) or line, f"unknown field '{name}' in {label}")
            ok = False
        title, url = source.get("title"), source.get("url")
        if not isinstance(title, str) or not title.strip():
            problems.add(spec.path, line, f"{label} needs a title")
            ok = False
        if url is not None and not (isinstance(url, str) and WEB_ADDRESS.match(url.strip())):
            problems.add(spec.path, where(source, "url") or line, f"{label}: url must be a web address (https://...)")
            ok = False
    return ok


def sources_value(sources) -> list[tuple[str, dict]]:
    """The lesson's `sources` StreamField value for its front matter's list."""
    value = []
    for source in sources or []:
        if isinstance(source, str):
            value.append(("source", {"title": source.strip(), "url": ""}))
        else:
            value.append(("source", {"title": source["title"].strip(), "url": (source.get("url") or "").strip()}))
    return value


def _read_spec(kind, path, expected_key, language, parent, problems) -> PageSpec | None:
    parsed = read_markdown(path, problems)
    if parsed is None:
        return None
    meta, body, body_line = parsed
    spec = PageSpec(kind, str(meta.get("key", expected_key)), language, path, meta, body, body_line, parent)
    if not _check_meta(spec, expected_key, problems):
        return None
    for error in check_link_schemes(body, body_line):
        problems.add(path, f"line {error.line}", error.message)
    try:
        blocks = body_blocks(body, body_line)
    except BodyError as error:
        problems.add(path, f"line {error.line}", error.message)
        return None
    if kind == "lesson" and not blocks:
        problems.add(path, f"line {body_line}", "the lesson has no body")
    if parent:
        parent.children.append(spec)
    return spec


def _parse_language(root: Path, language: str, problems: Problems) -> list[PageSpec]:
    courses_dir = root / language / "courses"
    if not courses_dir.is_dir():
        problems.add(courses_dir, "", "folder is missing")
        return []
    courses = []
    for course_dir in sorted(p for p in courses_dir.iterdir() if p.is_dir()):
        course_file = course_dir / "course.md"
        if not course_file.exists():
            problems.add(course_dir, "", "course.md is missing")
            continue
        course = _read_spec("course", course_file, course_dir.name, language, None, problems)
        if course is None:
            continue
        courses.append(course)
        for module_dir in sorted(p for p in course_dir.iterdir() if p.is_dir()):
            module_file = module_dir / "module.md"
            if not module_file.exists():
                problems.add(module_dir, "", "module.md is missing")
                continue
            module = _read_spec("module", module_file, module_dir.name, language, course, problems)
            if module is None:
                continue
            for lesson_file in sorted(module_dir.glob("*.md")):
                if lesson_file.name != "module.md":
                    _read_spec("lesson", lesson_file, lesson_file.stem, language, module, problems)
        for stray in sorted(course_dir.glob("*.md")):
            if stray.name != "course.md":
                problems.add(stray, "", "lessons belong in a module folder")
    return courses


def _walk(courses):
    for course in courses:
        yield course
        for module in course.children:
            yield module
            yield from module.children


def _check_orders(courses, problems):
    for parent in [None, *_walk(courses)]:
        siblings = courses if parent is None else parent.children
        seen = {}
        for spec in siblings:
            order = spec.meta.get("order")
            if order in seen:
                problems.add(
                    spec.path, where(spec.meta, "order"), f"order {order} is also used by {seen[order].path.name}"
                )
            seen[order] = spec
        siblings.sort(key=lambda s: s.meta["order"])


def parse(root: Path, problems: Problems, quiz_keys: set[str] | None = None) -> dict[str, list[PageSpec]]:
    """Read and validate the course trees of every language; return {language: [course specs]}."""
    trees = {language: _parse_language(root, language, problems) for language in LANGUAGES}
    indexes = {}
    for language, courses in trees.items():
        _check_orders(courses, problems)
        index = {}
        for spec in _walk(courses):
            other = index.get(spec.key)
            if other:
                problems.add(
                    spec.path, where(spec.meta, "key"), f"duplicate key {spec.key!r}, also used by {other.path}"
                )
            index[spec.key] = spec
        indexes[language] = index
        for spec in index.values():
            for link in find_links(spec.body, spec.body_line):
                target = index.get(link.key)
                if target is None or target.kind != link.kind:
                    problems.add(spec.path, f"line {link.line}", f"link to {link.kind}:{link.key} does not resolve")
            quiz = spec.meta.get("quiz") if spec.kind == "module" else None
            if quiz and quiz_keys is not None and quiz not in quiz_keys:
                problems.add(spec.path, where(spec.meta, "quiz"), f"quiz {quiz!r} has no file in quizzes/")
    first, *others = LANGUAGES
    for other in others:
        for a, b in ((first, other), (other, first)):
            for key, spec in indexes[a].items():
                twin = indexes[b].get(key)
                if twin is None:
                    problems.add(spec.path, where(spec.meta, "key"), f"{spec.kind} {key!r} has no {b} version")
                elif a == first and (
                    twin.kind != spec.kind or (twin.parent and twin.parent.key) != (spec.parent and spec.parent.key)
                ):
                    problems.add(
                        twin.path, where(twin.meta, "key"), f"{spec.kind} {key!r} sits elsewhere in the {first} tree"
                    )
                elif a == first and spec.kind == "module" and spec.meta.get("quiz") != twin.meta.get("quiz"):
                    problems.add(twin.path, where(twin.meta, "quiz"), f"quiz differs from the {first} version")
                elif a == first and spec.kind == "module" and spec.meta.get("required") != twin.meta.get("required"):
                    problems.add(twin.path, where(twin.meta, "required"), f"required differs from the {first} version")
    return trees


# --- writing ---------------------------------------------------------------------------


def _home_pages(report: Report) -> dict[str, HomePage]:
    """Return the home page of each language, creating them (and pointing the site at them)."""
    root = Page.get_first_root_node()
    homes = {}
    key = content_uuid("home", "home")
    for language in LANGUAGES:
        locale, _ = Locale.objects.get_or_create(language_code=language)
        home = HomePage.objects.filter(translation_key=key, locale=locale).first()
        if home is None:
            home = HomePage(
                title=HOME_TITLES.get(language, "Masar"), slug=f"home-{language}", translation_key=key, locale=locale
            )
            root.add_child(instance=home)
            home.save_revision().publish()
            report.count("page", "created")
        homes[language] = home
    site = Site.objects.filter(is_default_site=True).first()
    default_home = homes.get("en") or next(iter(homes.values()))
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=default_home, is_default_site=True, site_name="Masar"
        )
    elif site.root_page_id not in {h.pk for h in homes.values()}:
        placeholder = site.root_page
        site.root_page = default_home
        site.site_name = "Masar"
        site.save()
        # Wagtail's "Welcome" page from its first migration has no place in Masar.
        if type(placeholder.specific) is Page and not placeholder.get_children().exists():
            placeholder.delete()
    return homes


def _fields(spec: PageSpec, resolve, quizzes) -> dict:
    meta = spec.meta
    values = {
        "title": meta["title"].strip(),
        "slug": spec.key,
        "seo_title": "",
        "search_description": meta.get("summary", "") or "",
    }
    if spec.kind == "course":
        values.update(
            summary=meta["summary"].strip(),
            level=meta["level"],
            estimated_hours=meta["estimated_hours"],
            intro=rich_text(spec.body, resolve),
            outcomes=[("outcome", o.strip()) for o in meta["outcomes"]],
        )
    elif spec.kind == "module":
        quiz = quizzes.get(meta.get("quiz"), {}).get(spec.language) if meta.get("quiz") else None
        values.update(
            summary=(meta.get("summary") or "").strip(),
            required=meta["required"],
            intro=rich_text(spec.body, resolve),
            quiz=quiz,
        )
    else:
        review = meta.get("policy_review") or {}
        values.update(
            summary=(meta.get("summary") or "").strip(),
            estimated_minutes=meta["estimated_minutes"],
            body=[(b["type"], b["value"]) for b in body_blocks(spec.body, spec.body_line, resolve)],
            last_reviewed=review.get("last_reviewed"),
            review_interval_days=review.get("interval_days"),
            sources=sources_value(meta.get("sources")),
        )
    return values


MODELS = {"course": CoursePage, "module": ModulePage, "lesson": LessonPage}


def _fingerprint(page) -> str | None:
    return str(page.latest_revision_id) if page is not None else None


def write(trees: dict[str, list[PageSpec]], *, report: Report, force: bool, quizzes: dict) -> None:
    """Create or update the pages of every language; call inside a transaction."""
    homes = _home_pages(report)
    for language, courses in trees.items():
        locale = homes[language].locale
        specs = list(_walk(courses))
        existing = {
            p.translation_key: p
            for p in Page.objects.filter(
                locale=locale, translation_key__in=[s.translation_key for s in specs]
            ).specific()
        }
        plans = {}
        # Pass 1: decide, and create the missing pages (not live yet) so links can point at them.
        for spec in specs:
            page = existing.get(spec.translation_key)
            outcome = decide(
                kind=spec.kind,
                key=spec.key,
                language=language,
                source=spec.source(),
                fingerprint_now=_fingerprint(page),
                force=force,
            )
            if outcome == "create":
                parent = homes[language] if spec.parent is None else existing[spec.parent.translation_key]
                page = MODELS[spec.kind](
                    translation_key=spec.translation_key, locale=locale, live=False, **_fields(spec, None, quizzes)
                )
                parent.add_child(instance=page)
                existing[spec.translation_key] = page
            plans[spec.key] = (spec, page, outcome)

        ids = {p.translation_key: p.pk for p in existing.values()}

        def resolve(kind, key, ids=ids):
            return ids.get(content_uuid(kind, key))

        # Pass 2: fill in and publish what changed.
        for spec, page, outcome in plans.values():
            if outcome == "conflict":
                report.count("page", "conflict")
                report.conflicts.append(
                    f"{spec.path}: changed in the admin since the last load; skipped (use --force to overwrite)"
                )
                continue
            if outcome in ("create", "update"):
                for name, value in _fields(spec, resolve, quizzes).items():
                    setattr(page, name, value)
                page.save_revision().publish()
                page.refresh_from_db(fields=["latest_revision"])
            report.count("page", {"create": "created", "update": "updated"}.get(outcome, outcome))
            record_save(
                kind=spec.kind, key=spec.key, language=language, source=spec.source(), fingerprint=_fingerprint(page)
            )
        _reorder(courses, homes[language], existing)


def _reorder(courses, home, pages) -> None:
    """Put sibling pages in the order the files give, moving only when it differs."""
    for parent_page, children in [
        (home, courses),
        *[(pages[s.translation_key], s.children) for s in _walk(courses) if s.kind != "lesson"],
    ]:
        wanted = [pages[c.translation_key].pk for c in children]
        current = [pk for pk in parent_page.get_children().values_list("pk", flat=True) if pk in set(wanted)]
        if current != wanted:
            # Relative moves keep pages that other files (or editors) put under the same parent.
            for previous, pk in zip(wanted, wanted[1:], strict=False):
                Page.objects.get(pk=pk).move(Page.objects.get(pk=previous), pos="right")
