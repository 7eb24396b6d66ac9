"""Turn a lesson's Markdown body into the StreamField blocks editors use in the admin.

A body is rendered once, when its file is read: internal links (lesson:, module:, course:) stay
placeholders (INTERNAL_HOST addresses) until `link_pages` / `link_blocks` point them at the pages'
ids, which exist only once the pages are written.

Raw HTML, scripts, event handlers and `javascript:` links never get through: the HTML that
Markdown produces is cleaned with nh3 down to the tags Wagtail's rich text editor knows."""

import html
import re
from dataclasses import dataclass

import markdown as md
import nh3

CALLOUT_KINDS = {"tip", "warning", "example", "exercise", "checklist"}
INTERNAL_KINDS = ("lesson", "module", "course")
INTERNAL_HOST = "https://content.masar.invalid/"
ALLOWED_TAGS = {"p", "b", "i", "ul", "ol", "li", "a", "h4", "code", "br", "sup", "sub"}

_LINK = re.compile(r"\]\((?P<kind>[a-z]+):(?P<key>[^)\s]*)\)")
_INTERNAL_HREF = re.compile(r'<a href="' + re.escape(INTERNAL_HOST) + r'(?P<kind>[a-z]+)/(?P<key>[^"]*)">')
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)(?:\s+\"(?P<caption>[^\"]*)\")?\)\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,3})\s+(?P<text>.+?)\s*#*\s*$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


class BodyError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Link:
    kind: str
    key: str
    line: int


def find_links(text: str, first_line: int) -> list[Link]:
    """Return the internal links (lesson:, module:, course:) of a Markdown text with their lines."""
    links = []
    for number, line in enumerate(text.splitlines(), start=first_line):
        for match in _LINK.finditer(line):
            if match["kind"] in INTERNAL_KINDS:
                links.append(Link(match["kind"], match["key"], number))
    return links


def check_link_schemes(text: str, first_line: int) -> list[BodyError]:
    """Refuse links whose scheme is neither internal nor web (e.g. `javascript:`)."""
    errors = []
    for number, line in enumerate(text.splitlines(), start=first_line):
        for match in _LINK.finditer(line):
            if match["kind"] not in INTERNAL_KINDS + ("https", "http", "mailto"):
                errors.append(BodyError(number, f"link scheme {match['kind']!r}: is not allowed"))
    return errors


def rich_text(markdown_text: str, resolve=None) -> str:
    """Return Wagtail rich text (database format) for a Markdown fragment.

    `resolve(kind, key)` returns a page id for internal links; without it they are dropped."""
    return link_pages(render(markdown_text), resolve)


def render(markdown_text: str) -> str:
    """Return the rich text of a Markdown fragment with its internal links as placeholders."""
    prepared = _LINK.sub(
        lambda m: f"]({INTERNAL_HOST}{m['kind']}/{m['key']})" if m["kind"] in INTERNAL_KINDS else m[0], markdown_text
    )
    html = md.markdown(prepared, extensions=["sane_lists"], output_format="html")
    html = html.replace("<strong>", "<b>").replace("</strong>", "</b>").replace("<em>", "<i>").replace("</em>", "</i>")
    html = re.sub(r"<(/?)h[1-6]>", r"<\1h4>", html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "http", "mailto"},
        link_rel=None,
    )
    return html.strip()


def link_pages(html: str, resolve=None) -> str:
    """Point the internal-link placeholders of rendered rich text at page ids: `resolve(kind,
    key)` returns the id; a link it cannot resolve (or without `resolve`) keeps its text only."""

    def to_page_link(match):
        page_id = resolve(match["kind"], match["key"]) if resolve else None
        return f'<a linktype="page" id="{page_id}">' if page_id else "<a>"

    return _INTERNAL_HREF.sub(to_page_link, html)


def link_blocks(blocks: list[dict], resolve=None, images=None) -> list[tuple[str, object]]:
    """The StreamField value of blocks made by `body_blocks`, internal links pointed at pages
    and image files at their Wagtail images (`images`: {src: Image})."""
    value = []
    for block in blocks:
        if block["type"] == "image":
            image = block["value"]
            value.append(("image", {"image": images[image["src"]], **{k: image[k] for k in ("alt_text", "caption")}}))
            continue
        if block["type"] == "rich_text":
            value.append(("rich_text", link_pages(block["value"], resolve)))
        elif block["type"] == "callout":
            value.append(("callout", {**block["value"], "body": link_pages(block["value"]["body"], resolve)}))
        else:
            value.append((block["type"], block["value"]))
    return value


def plain(text: str) -> str:
    """Inline Markdown reduced to plain text (for headings, titles, table cells, quotes)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)", "", text)
    # nh3 drops any tag and escapes what is left; the templates escape again, so unescape here.
    return html.unescape(nh3.clean(text, tags=set())).strip()


def _table(rows: list[str], line: int) -> dict:
    cells = [[plain(c) for c in row.strip().strip("|").split("|")] for row in rows]
    if len(cells) < 2 or not _TABLE_SEPARATOR.match(rows[1].strip()):
        raise BodyError(line, "a table needs a header row, then a separator row like | --- | --- |")
    data = [cells[0]] + cells[2:]
    width = len(cells[0])
    for offset, row in enumerate(data[1:], start=2):
        if len(row) != width:
            raise BodyError(line + offset, f"table row has {len(row)} cells, the header has {width}")
    return {"data": data, "first_row_is_table_header": True, "first_col_is_header": False, "table_caption": ""}


def check_intro(text: str, first_line: int) -> None:
    """A course's or module's introduction is rich text: raise BodyError at a line that opens a
    block (callouts, tables and images are for lesson bodies)."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        stripped = line.strip()
        if stripped.startswith(":::") or stripped.startswith("|") or _IMAGE.match(stripped):
            raise BodyError(number, "an introduction is rich text: blocks, tables and images are for lessons")


def body_blocks(text: str, first_line: int) -> list[dict]:
    """Cut a lesson body into StreamField block dicts ({"type": ..., "value": ...}), internal
    links left as placeholders (see `link_blocks`)."""
    lines = text.splitlines()
    blocks: list[dict] = []
    buffer: list[str] = []

    def flush():
        chunk = "\n".join(buffer).strip()
        buffer.clear()
        if chunk:
            blocks.append({"type": "rich_text", "value": render(chunk)})

    i = 0
    while i < len(lines):
        line = lines[i]
        number = first_line + i
        stripped = line.strip()
        if stripped.startswith(":::") and stripped != ":::":
            flush()
            head = stripped[3:].strip()
            kind, _, title = head.partition(" ")
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == ":::"), None)
            if end is None:
                raise BodyError(number, f"':::{kind}' is never closed with ':::'")
            inner = "\n".join(lines[i + 1 : end]).strip()
            if kind == "keypoints":
                items = [
                    plain(item.strip()[2:]) for item in inner.splitlines() if item.strip().startswith(("- ", "* "))
                ]
                if not items:
                    raise BodyError(number, "':::keypoints' needs a list of '- ' items")
                blocks.append({"type": "key_points", "value": items})
            elif kind in CALLOUT_KINDS:
                if not inner:
                    raise BodyError(number, f"':::{kind}' is empty")
                blocks.append(
                    {
                        "type": "callout",
                        "value": {"kind": kind, "title": plain(title), "body": render(inner)},
                    }
                )
            else:
                allowed = ", ".join(sorted(CALLOUT_KINDS | {"keypoints"}))
                raise BodyError(number, f"unknown block ':::{kind}' (use one of: {allowed})")
            i = end + 1
            continue
        if stripped == ":::":
            raise BodyError(number, "':::' closes a block that was never opened")
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            level = "h3" if len(heading["hashes"]) == 3 else "h2"
            blocks.append({"type": "heading", "value": {"text": plain(heading["text"]), "level": level}})
            i += 1
            continue
        if stripped.startswith("|"):
            flush()
            j = i
            while j < len(lines) and lines[j].strip().startswith("|"):
                j += 1
            blocks.append({"type": "table", "value": _table(lines[i:j], number)})
            i = j
            continue
        if stripped.startswith(">"):
            flush()
            j = i
            quote_lines = []
            while j < len(lines) and lines[j].strip().startswith(">"):
                quote_lines.append(lines[j].strip()[1:].strip())
                j += 1
            attribution = ""
            if quote_lines and quote_lines[-1].startswith(("— ", "-- ", "– ")):
                attribution = plain(quote_lines.pop().lstrip("—–- "))
            blocks.append(
                {"type": "quote", "value": {"text": plain("\n".join(quote_lines)), "attribution": attribution}}
            )
            i = j
            continue
        image = _IMAGE.match(stripped)
        if image:
            flush()
            if not plain(image["alt"]):
                raise BodyError(number, "an image needs its alt text: ![what the picture shows](file)")
            # The file is found and checked by the page kind (content/kinds/pages.py).
            value = {"src": image["src"], "alt_text": plain(image["alt"]), "caption": plain(image["caption"] or "")}
            blocks.append({"type": "image", "value": value, "line": number})
            i += 1
            continue
        buffer.append(line)
        i += 1
    flush()
    return blocks
