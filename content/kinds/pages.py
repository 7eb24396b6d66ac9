"""Pages: content/<lang>/courses/<course>/course.md, <course>/<module>/module.md and
<course>/<module>/<lesson>.md -> Wagtail course, module and lesson pages in each language.

A file's front matter is checked against its field table, its Markdown body rendered once when
it is read (content/markdown.py); internal links in bodies must resolve to a page of the same
language, and point at the pages' ids once the pages are written.

Pictures (a lesson's `![alt text](diagrams/x.svg)` lines, a course's `cover`) are files under
content/<lang>/media/, imported once each as a Wagtail image keyed by the hash of the file's
content: the hash is part of the page's source, so a changed picture updates the page and an
unchanged one changes nothing."""

import hashlib
import re
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

import yaml
from django.core.files import File
from wagtail.images.models import Image
from wagtail.models import Page, Site

from content.driver import LANGUAGES, Item, Kind, Writer, parse_kind, write_kind
from content.emit import Map, yaml_text
from content.emit import load as emit_load
from content.keys import content_uuid
from content.markdown import (
    BodyError,
    body_blocks,
    body_markdown,
    check_intro,
    check_link_schemes,
    find_links,
    html_markdown,
    link_blocks,
    link_pages,
    render,
    same_html,
    unlink_pages,
)
from content.schema import Field, validate
from content.schema import links as schema_links
from content.sources import Problems, Source, where
from courses.models import CoursePage, HomePage, LessonPage, ModulePage

HOME_TITLES = {"ar": "مسار", "en": "Masar"}
LEVELS = tuple(choice for choice, _label in CoursePage.Level.choices)
WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
STRICT = {"strict": True}

SCHEMAS = {
    "course": {
        "key": Field("key", required=True),
        "title": Field("text", required=True, **STRICT),
        "summary": Field("text", required=True, **STRICT),
        "level": Field("text", required=True, choices=LEVELS),
        "estimated_hours": Field("int", required=True),
        "order": Field("int", required=True),
        "outcomes": Field(
            "list", required=True, min_items=1, items=Field("text", required=True, strict=True), noun="non-empty text"
        ),
        # Taken after every required module; the course (and its certificate) needs it passed.
        "final_exam": Field("key", link="quiz", same=True),
        # A picture under content/<lang>/media/ and what it shows, in the course's language.
        "cover": Field("text", **STRICT),
        "cover_alt": Field("text", **STRICT),
    },
    "module": {
        "key": Field("key", required=True),
        "title": Field("text", required=True, **STRICT),
        "order": Field("int", required=True),
        "required": Field("bool", required=True, same=True),
        "quiz": Field("key", link="quiz", same=True),
        "summary": Field("text", **STRICT),
    },
    "lesson": {
        "key": Field("key", required=True),
        "title": Field("text", required=True, **STRICT),
        "summary": Field("text", **STRICT),
        "estimated_minutes": Field("int", required=True),
        "order": Field("int", required=True),
        "policy_review": Field(
            "mapping",
            table={
                "last_reviewed": Field("date", required=True),
                "interval_days": Field("int", required=True, low=1),
            },
        ),
        "sources": Field("list"),
    },
}
# Only for a page made in the admin: its translation key, which no key (slug) names.
for _schema in SCHEMAS.values():
    _schema["translation_key"] = Field("uuid", same=True)
SOURCE_FIELDS = {"title", "url"}
MODELS = {"course": CoursePage, "module": ModulePage, "lesson": LessonPage}
PICTURE_TYPES = {".svg", ".png", ".jpg", ".jpeg", ".webp"}
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _file_kind(path: Path) -> tuple[str, str, str | None]:
    """(kind, the key its name gives, the parent's key) of a file of the courses tree."""
    if path.name == "course.md":
        return "course", path.parent.name, None
    if path.name == "module.md":
        return "module", path.parent.name, path.parent.parent.name
    return "lesson", path.stem, path.parent.name


def _check_sources(item_path: Path, meta, problems: Problems) -> None:
    """A source is a text (its title) or a mapping with a title and an optional url."""
    for index, source in enumerate(meta["sources"], start=1):
        line = where(source, "title") if isinstance(source, dict) else where(meta, "sources")
        label = f"sources item {index}"
        if isinstance(source, str):
            if not source.strip():
                problems.add(item_path, line, f"{label} is empty")
            continue
        if not isinstance(source, dict):
            problems.add(item_path, line, f"{label} must be a text or a mapping with title and url")
            continue
        for name in sorted(set(source) - SOURCE_FIELDS):
            problems.add(item_path, where(source, name) or line, f"unknown field {name!r} in {label}")
        title, url = source.get("title"), source.get("url")
        if not isinstance(title, str) or not title.strip():
            problems.add(item_path, line, f"{label} needs a title")
        if url is not None and not (isinstance(url, str) and WEB_ADDRESS.match(url.strip())):
            problems.add(item_path, where(source, "url") or line, f"{label}: url must be a web address (https://...)")


def _media_folder(path: Path) -> Path:
    """content/<lang>/media/ for a file of content/<lang>/courses/."""
    courses = next(parent for parent in path.parents if parent.name == "courses")
    return courses.parent / "media"


def _svg_problem(data: bytes) -> str | None:
    """Why an SVG may not be shown (scripts, event handlers, anything fetched from elsewhere)."""
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"is not well-formed XML ({error})"
    for element in tree.iter():
        name = element.tag.removeprefix(SVG)
        if name in {"script", "foreignObject", "iframe", "embed", "object"}:
            return f"has a <{name}> element"
        for attribute, value in element.attrib.items():
            if attribute.rpartition("}")[2].lower().startswith("on"):
                return f"has an event handler ({attribute})"
            if attribute in {"href", XLINK_HREF} and not value.startswith("#"):
                return f"refers to {value!r}; only #fragments of the same file are allowed"
        if name == "style" and ("url(" in (element.text or "") or "@import" in (element.text or "")):
            return "has a style that fetches a file"
    return None


def _picture(item_path: Path, src: str, line, problems: Problems) -> tuple[Path, str] | None:
    """(the file, its content hash) of a picture named in a content file, or None (a problem)."""
    media = _media_folder(item_path)
    relative = Path(src)
    if not src or relative.is_absolute() or ".." in relative.parts or relative.suffix.lower() not in PICTURE_TYPES:
        allowed = ", ".join(sorted(PICTURE_TYPES))
        problems.add(item_path, line, f"picture {src!r} must be a file under {media} ({allowed})")
        return None
    path = media / relative
    if not path.is_file():
        problems.add(item_path, line, f"picture {src!r} is not in {media}")
        return None
    data = path.read_bytes()
    if path.suffix.lower() == ".svg" and (problem := _svg_problem(data)):
        problems.add(item_path, line, f"picture {src!r} {problem}")
        return None
    return path, hashlib.sha1(data).hexdigest()


def sources_value(sources) -> list[tuple[str, dict]]:
    """The lesson's `sources` StreamField value for its front matter's list."""
    value = []
    for source in sources or []:
        if isinstance(source, str):
            value.append(("source", {"title": source.strip(), "url": ""}))
        else:
            value.append(("source", {"title": source["title"].strip(), "url": (source.get("url") or "").strip()}))
    return value


class Pages(Kind):
    name = "page"
    folder = "courses"
    pattern = "**/*.md"
    required = True

    @property
    def record_kinds(self) -> tuple:
        return tuple(SCHEMAS)

    def files(self, root: Path, language: str, problems: Problems | None = None) -> list[Path]:
        """course.md, then each module's module.md and lessons, course by course."""
        courses_dir = root / language / self.folder
        problems = problems if problems is not None else Problems()
        if not courses_dir.is_dir():
            problems.add(courses_dir, "", "folder is missing")
            return []
        files = []
        for course_dir in sorted(p for p in courses_dir.iterdir() if p.is_dir()):
            if not (course_dir / "course.md").exists():
                problems.add(course_dir, "", "course.md is missing")
                continue
            files.append(course_dir / "course.md")
            for module_dir in sorted(p for p in course_dir.iterdir() if p.is_dir()):
                if not (module_dir / "module.md").exists():
                    problems.add(module_dir, "", "module.md is missing")
                    continue
                files.append(module_dir / "module.md")
                files.extend(p for p in sorted(module_dir.glob("*.md")) if p.name != "module.md")
            for stray in sorted(course_dir.glob("*.md")):
                if stray.name != "course.md":
                    problems.add(stray, "", "lessons belong in a module folder")
        return files

    def parse_file(self, source: Source, problems: Problems) -> list[Item]:
        kind, expected_key, parent = _file_kind(source.path)
        parsed = source.front_matter(problems)
        if parsed is None:
            return []
        meta, body, body_line = parsed
        before = len(problems)
        values = validate(meta, SCHEMAS[kind], path=source.path, problems=problems)
        what = "file name" if kind == "lesson" else "folder name"
        key = self.file_key(source, values, meta, problems, name=expected_key, what=what)
        if kind == "lesson" and isinstance(meta.get("sources"), list):
            _check_sources(source.path, meta, problems)
        for error in check_link_schemes(body, body_line):
            problems.add(source.path, f"line {error.line}", error.message)
        extra = {"body_line": body_line, "parent": parent, "links": find_links(body, body_line), "pictures": {}}
        if kind == "course" and values and (bool(values.get("cover")) != bool(values.get("cover_alt"))):
            problems.add(source.path, where(meta, "cover"), "a cover needs cover_alt (what it shows), and the reverse")
        elif kind == "course" and values and values.get("cover"):
            found = _picture(source.path, values["cover"], where(meta, "cover"), problems)
            if found:
                extra["pictures"][values["cover"]] = found
        try:
            if kind == "lesson":
                extra["blocks"] = body_blocks(body, body_line)
                if not extra["blocks"]:
                    problems.add(source.path, f"line {body_line}", "the lesson has no body")
                for block in extra["blocks"]:
                    if block["type"] == "image":
                        src = block["value"]["src"]
                        found = _picture(source.path, src, f"line {block['line']}", problems)
                        if found:
                            extra["pictures"][src] = found
            else:
                check_intro(body, body_line)
                extra["intro"] = render(body)
        except BodyError as error:
            problems.add(source.path, f"line {error.line}", error.message)
            return []
        if len(problems) > before or not key:
            return []
        # The source hash of a page: its front matter as written, its body and its parent.
        item_source = {"meta": dict(meta), "body": body, "parent": parent}
        if extra["pictures"]:
            item_source["pictures"] = {src: digest for src, (_path, digest) in extra["pictures"].items()}
        links = list(schema_links(values, SCHEMAS[kind]))
        return [
            self.item(
                source, key, values, line=meta.line_of("key"), kind=kind, source=item_source, links=links, extra=extra
            )
        ]

    def check(self, items: dict, problems: Problems, every: list) -> None:
        """Parents and children, sibling orders, and body links that resolve."""
        for item in every:
            parent = items.get(item.extra["parent"], {}).get(item.language) if item.extra["parent"] else None
            expected = {"module": "course", "lesson": "module"}.get(item.kind)
            if parent is not None and parent.kind == expected and item.parent is None:
                item.parent = parent
                parent.children.append(item)
        for language in LANGUAGES:
            courses = [i for i in every if i.language == language and i.kind == "course"]
            for siblings in [courses, *[i.children for i in every if i.language == language]]:
                seen = {}
                for item in siblings:
                    order = item["order"]
                    if order in seen:
                        problems.add(
                            item.path,
                            where(item.data, "order"),
                            f"order {order} is also used by {seen[order].path.name}",
                        )
                    seen[order] = item
                siblings.sort(key=lambda i: i["order"])
        for item in every:
            for link in item.extra["links"]:
                target = items.get(link.key, {}).get(item.language)
                if target is None or target.kind != link.kind:
                    problems.add(item.path, f"line {link.line}", f"link to {link.kind}:{link.key} does not resolve")

    def shared(self, item: Item) -> dict:
        shared = {
            "parent": ("sits under", item.extra["parent"]),
            "translation_key": ("has translation_key", item["translation_key"]),
        }
        if item.kind == "module":
            shared |= {"quiz": ("has quiz", item["quiz"]), "required": ("has required", item["required"])}
        if item.kind == "course":
            shared |= {"final_exam": ("has final exam", item["final_exam"])}
        return shared

    # Writing ------------------------------------------------------------------------------

    def state(self, item: Item, writer: Writer):
        """The page of `item` and its latest revision (an editor's publish makes a new one)."""
        page = (
            MODELS[item.kind]
            .objects.filter(translation_key=item.translation_key, locale=writer.locale(item.language))
            .first()
        )
        return page, str(page.latest_revision_id) if page is not None else None

    def fingerprint(self, page, item: Item) -> str:
        return str(page.latest_revision_id)

    def dump(self, dumper, language: str):
        return pages_dump(self, dumper, language)

    def write(self, items: dict, writer: Writer) -> None:
        """Create or update the pages of every language: first the missing pages (not live, so
        that links can point at them), then the content of what changed, then the order."""
        homes = _home_pages(writer)
        quizzes = writer.objects.get("quiz", {})
        imported: dict[str, Image] = {}
        for language in LANGUAGES:
            mine = [by_language[language] for by_language in items.values() if language in by_language]
            courses = sorted((i for i in mine if i.kind == "course"), key=lambda i: i["order"])
            specs = list(_walk(courses))
            locale = homes[language].locale
            existing = {
                p.translation_key: p
                for p in Page.objects.filter(
                    locale=locale, translation_key__in=[s.translation_key for s in specs]
                ).specific()
            }
            plans = []
            for item in specs:
                page = existing.get(item.translation_key)
                outcome = writer.decide(item, str(page.latest_revision_id) if page is not None else None)
                if outcome in ("create", "update"):
                    item.extra["images"] = {
                        src: _image_import(path, digest, item, imported, alt=_alt_of(item, src))
                        for src, (path, digest) in item.extra["pictures"].items()
                    }
                if outcome == "create":
                    parent = homes[language] if item.parent is None else existing[item.parent.translation_key]
                    page = MODELS[item.kind](
                        translation_key=item.translation_key, locale=locale, live=False, **_fields(item, None, quizzes)
                    )
                    parent.add_child(instance=page)
                    existing[item.translation_key] = page
                plans.append((item, page, outcome))
            ids = {p.translation_key: p.pk for p in existing.values()}

            def resolve(kind, key, ids=ids):
                return ids.get(writer.uuid(kind, key))

            for item, page, outcome in plans:
                if outcome in ("create", "update"):
                    for name, value in _fields(item, resolve, quizzes).items():
                        setattr(page, name, value)
                    page.save_revision().publish()
                    page.refresh_from_db(fields=["latest_revision"])
                if outcome != "conflict":
                    writer.record(item, str(page.latest_revision_id))
                writer.done(self, item, outcome, page)
            _reorder(courses, homes[language], existing)


def _walk(courses):
    for course in courses:
        yield course
        for module in course.children:
            yield module
            yield from module.children


def _home_pages(writer: Writer) -> dict[str, HomePage]:
    """Return the home page of each language, creating them (and pointing the site at them)."""
    root = Page.get_first_root_node()
    homes = {}
    key = content_uuid("home", "home")
    for language in LANGUAGES:
        locale = writer.locale(language)
        home = HomePage.objects.filter(translation_key=key, locale=locale).first()
        if home is None:
            home = HomePage(
                title=HOME_TITLES.get(language, "Masar"), slug=f"home-{language}", translation_key=key, locale=locale
            )
            root.add_child(instance=home)
            home.save_revision().publish()
            writer.report.count("page", "created")
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


def _alt_of(item: Item, src: str) -> str:
    """What a picture of `item` shows: the cover's `cover_alt`, or the image line's alt text."""
    if item.kind == "course":
        return item["cover_alt"].strip()
    return next(
        b["value"]["alt_text"] for b in item.extra["blocks"] if b["type"] == "image" and b["value"]["src"] == src
    )


def _image_import(path: Path, digest: str, item: Item, imported: dict, *, alt: str) -> Image:
    """The Wagtail image of a picture file: the one with the same content, else a new one. Its
    description is what it shows (the cover's alt text; editors see it in the admin)."""
    if digest not in imported:
        image = Image.objects.filter(file_hash=digest).order_by("pk").first()
        if image is None:
            with path.open("rb") as handle:
                image = Image(title=f"{path.stem} ({item.language})", file=File(handle, name=path.name))
                image.file_hash = digest
                image.description = alt[:255]
                image.save()
        elif image.description != alt[:255]:
            image.description = alt[:255]
            image.save(update_fields=["description"])
        imported[digest] = image
    return imported[digest]


def _fields(item: Item, resolve, quizzes: dict) -> dict:
    values = {
        "title": item["title"].strip(),
        "slug": item.key,
        "seo_title": "",
        "search_description": item.get("summary") or "",
    }
    if item.kind == "course":
        values.update(
            summary=item["summary"].strip(),
            level=item["level"],
            estimated_hours=item["estimated_hours"],
            intro=link_pages(item.extra["intro"], resolve),
            outcomes=[("outcome", o.strip()) for o in item["outcomes"]],
            final_exam=quizzes.get(item["final_exam"], {}).get(item.language) if item["final_exam"] else None,
            cover=item.extra["images"][item["cover"]] if item.get("cover") else None,
        )
    elif item.kind == "module":
        values.update(
            summary=(item.get("summary") or "").strip(),
            required=item["required"],
            intro=link_pages(item.extra["intro"], resolve),
            quiz=quizzes.get(item["quiz"], {}).get(item.language) if item["quiz"] else None,
        )
    else:
        review = item.get("policy_review") or {}
        values.update(
            summary=(item.get("summary") or "").strip(),
            estimated_minutes=item["estimated_minutes"],
            body=link_blocks(item.extra["blocks"], resolve, item.extra["images"]),
            last_reviewed=review.get("last_reviewed"),
            review_interval_days=review.get("interval_days"),
            sources=sources_value(item.get("sources")),
        )
    return values


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


PAGES = Pages()
parse = partial(parse_kind, PAGES)
write = partial(write_kind, PAGES)


# Dumping (`dump_content`): the pages of a language back into their files -----------------------


def _split(text: str | None) -> tuple[str | None, str | None]:
    """(front matter text, body) of a Markdown file as it is now, or (None, None)."""
    if not text:
        return None, None
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if lines[0].strip() != "---" or end is None:
        return None, None
    return "\n".join(lines[1:end]) + "\n", "\n".join(lines[end + 1 :])


def _old_order(old_text: str | None):
    front, _body = _split(old_text)
    try:
        meta = emit_load(front) if front else None
    except yaml.YAMLError:
        return None
    return meta.get("order") if isinstance(meta, dict) else None


def _orders(olds: list) -> list[int]:
    """The `order` of siblings in the tree's order: the files' own numbers while they still
    sort the same way, else 1, 2, 3..."""
    if all(isinstance(o, int) and not isinstance(o, bool) for o in olds) and all(
        a < b for a, b in zip(olds, olds[1:], strict=False)
    ):
        return olds
    return list(range(1, len(olds) + 1))


def _raw(stream) -> list[dict]:
    return list(stream.raw_data) if stream is not None else []


def _intro_text(page, dumper, old_body: str | None) -> str:
    html = unlink_pages(page.intro or "", dumper.page_key)
    if old_body is not None and same_html(render(old_body), html):
        return old_body
    return html_markdown(html) + "\n"


def _body_blocks_of(page, dumper, language: str) -> list[dict]:
    """The lesson's StreamField as the blocks `body_blocks` makes from a file."""
    raw = _raw(page.body)
    images = Image.objects.in_bulk([b["value"]["image"] for b in raw if b["type"] == "image" and b["value"]])
    blocks = []
    for block in raw:
        kind, value = block["type"], block["value"]
        if kind == "rich_text":
            value = unlink_pages(value, dumper.page_key)
        elif kind == "callout":
            value = {
                "kind": value["kind"],
                "title": value.get("title") or "",
                "body": unlink_pages(value["body"], dumper.page_key),
            }
        elif kind == "key_points":
            value = [p["value"] if isinstance(p, dict) else p for p in value]
        elif kind == "image":
            image = images.get(value["image"])
            if image is None:
                continue
            src = dumper.picture(language, image)
            value = {"src": src, "alt_text": value.get("alt_text") or "", "caption": value.get("caption") or ""}
        elif kind == "quote":
            value = {"text": value["text"], "attribution": value.get("attribution") or ""}
        blocks.append({"type": kind, "value": value})
    return blocks


def _sources_tree(page) -> list:
    out = []
    for source in _raw(page.sources):
        title, url = source["value"].get("title", ""), source["value"].get("url") or ""
        out.append(Map(title=title, url=url) if url else title)
    return out


def _page_tree(page, kind: str, order: int, dumper) -> Map:
    tree = _page_fields(page, kind, order, dumper)
    if page.translation_key != content_uuid(kind, page.slug):
        tree["translation_key"] = str(page.translation_key)  # made in the admin
    return tree


def _page_fields(page, kind: str, order: int, dumper) -> Map:
    common = {"key": page.slug, "title": page.title}
    if kind == "course":
        cover = page.cover
        return Map(
            **common,
            summary=page.summary,
            level=page.level,
            estimated_hours=page.estimated_hours,
            order=order,
            final_exam=dumper.key_of(page.final_exam.translation_key) if page.final_exam else None,
            outcomes=[o["value"] for o in _raw(page.outcomes)],
            cover=dumper.picture(page.locale.language_code, cover) if cover else None,
            cover_alt=cover.description if cover else None,
            optional={"final_exam": None, "cover": None, "cover_alt": None},
        )
    if kind == "module":
        return Map(
            **common,
            order=order,
            required=page.required,
            quiz=dumper.key_of(page.quiz.translation_key) if page.quiz else None,
            summary=page.summary,
            optional={"quiz": None, "summary": ""},
        )
    review = (
        Map(last_reviewed=page.last_reviewed, interval_days=page.review_interval_days) if page.last_reviewed else None
    )
    return Map(
        **common,
        summary=page.summary,
        estimated_minutes=page.estimated_minutes,
        order=order,
        policy_review=review,
        sources=_sources_tree(page),
        optional={"summary": "", "policy_review": None, "sources": []},
    )


def _page_text(page, kind: str, order: int, dumper, language: str, old: str | None) -> str:
    front, body = _split(old)
    tree = _page_tree(page, kind, order, dumper)
    if kind == "lesson":
        text = body_markdown(_body_blocks_of(page, dumper, language), body)
    else:
        text = _intro_text(page, dumper, body)
    return "---\n" + yaml_text(tree, front) + "---\n" + text


def pages_dump(kind: Kind, dumper, language: str):
    """(path, text) of every course, module and lesson file of one language, from the page tree."""
    home = HomePage.objects.filter(
        translation_key=content_uuid("home", "home"), locale=dumper.locales[language]
    ).first()
    if home is None:
        return

    def children(parent, model):
        return [p for p in parent.get_children().specific() if isinstance(p, model)]

    def with_orders(pages, path_of):
        olds = [_old_order(dumper.old(language, path_of(p))) for p in pages]
        return zip(pages, _orders(olds), strict=True)

    for course, order in with_orders(children(home, CoursePage), lambda c: f"courses/{c.slug}/course.md"):
        path = f"courses/{course.slug}/course.md"
        yield path, _page_text(course, "course", order, dumper, language, dumper.old(language, path))
        modules = children(course, ModulePage)
        for module, m_order in with_orders(modules, lambda m, c=course: f"courses/{c.slug}/{m.slug}/module.md"):
            path = f"courses/{course.slug}/{module.slug}/module.md"
            yield path, _page_text(module, "module", m_order, dumper, language, dumper.old(language, path))
            lessons = children(module, LessonPage)
            for lesson, l_order in with_orders(
                lessons, lambda p, c=course, m=module: f"courses/{c.slug}/{m.slug}/{p.slug}.md"
            ):
                path = f"courses/{course.slug}/{module.slug}/{lesson.slug}.md"
                yield path, _page_text(lesson, "lesson", l_order, dumper, language, dumper.old(language, path))
