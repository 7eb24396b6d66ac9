"""Turn a lesson's Markdown body into the StreamField blocks editors use in the admin.

A body is rendered once, when its file is read: internal links (lesson:, module:, course:) stay
placeholders (INTERNAL_HOST addresses) until `link_pages` / `link_blocks` point them at the pages'
ids, which exist only once the pages are written.

Raw HTML, scripts, event handlers and `javascript:` links never get through: the HTML that
Markdown produces is cleaned with nh3 down to the tags Wagtail's rich text editor knows."""

import html
import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser

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

    start = [0]  # the line of the body where the buffered rich text starts

    def flush():
        chunk = "\n".join(buffer).strip()
        if chunk:
            # Where the block's own lines are (blank lines around it are not its own).
            first = start[0] + next(n for n, text in enumerate(buffer) if text.strip())
            last = start[0] + max(n for n, text in enumerate(buffer) if text.strip()) + 1
            blocks.append({"type": "rich_text", "value": render(chunk), "span": (first, last)})
        buffer.clear()

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
                blocks.append({"type": "key_points", "value": items, "span": (i, end + 1)})
            elif kind in CALLOUT_KINDS:
                if not inner:
                    raise BodyError(number, f"':::{kind}' is empty")
                blocks.append(
                    {
                        "type": "callout",
                        "value": {"kind": kind, "title": plain(title), "body": render(inner)},
                        "span": (i, end + 1),
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
            blocks.append(
                {"type": "heading", "value": {"text": plain(heading["text"]), "level": level}, "span": (i, i + 1)}
            )
            i += 1
            continue
        if stripped.startswith("|"):
            flush()
            j = i
            while j < len(lines) and lines[j].strip().startswith("|"):
                j += 1
            blocks.append({"type": "table", "value": _table(lines[i:j], number), "span": (i, j)})
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
                {
                    "type": "quote",
                    "value": {"text": plain("\n".join(quote_lines)), "attribution": attribution},
                    "span": (i, j),
                }
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
            blocks.append({"type": "image", "value": value, "line": number, "span": (i, i + 1)})
            i += 1
            continue
        if not buffer:
            start[0] = i
        buffer.append(line)
        i += 1
    flush()
    return blocks


# --- back to Markdown (`dump_content`) ----------------------------------------------------------
# The inverse of `render` and `body_blocks` for what they make and what Wagtail's editor saves:
# rich text whose internal links are placeholders (see `unlink_pages`) back to Markdown, one
# block back to its lines, and a body whose unchanged blocks keep the file's own lines.

_PAGE_LINK = re.compile(r'<a linktype="page" id="(?P<id>\d+)">')
_BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')
_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


def unlink_pages(html_text: str, page_key) -> str:
    """Turn page links of stored rich text back into placeholders: `page_key(id)` returns
    (kind, key) of a page, or None (the link keeps its text only)."""

    def to_placeholder(match):
        found = page_key(int(match["id"]))
        return f'<a href="{INTERNAL_HOST}{found[0]}/{found[1]}">' if found else "<a>"

    return _PAGE_LINK.sub(to_placeholder, html_text)


def same_html(a: str, b: str) -> str:
    """Rich text as compared: without the editor's block keys and the line breaks between tags."""
    return (
        _BETWEEN_TAGS.sub("><", _BLOCK_KEY.sub("", a or "")).strip()
        == _BETWEEN_TAGS.sub("><", _BLOCK_KEY.sub("", b or "")).strip()
    )


class _ToMarkdown(HTMLParser):
    INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []  # paragraphs, headings and lists, in order
        self.line: list[str] = []
        self.lists: list[list] = []  # open lists: ["ul" or "ol", number of the next item]
        self.items: list[str] = []  # the lines of the list being written
        self.links: list[str] = []

    def _flush_line(self):
        text = "".join(self.line).strip()
        self.line = []
        return text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.INLINE:
            self.line.append(self.INLINE[tag])
        elif tag == "a":
            href = attrs.get("href") or ""
            if href.startswith(INTERNAL_HOST):
                kind, _, key = href.removeprefix(INTERNAL_HOST).partition("/")
                href = f"{kind}:{key}"
            self.links.append(href)
            self.line.append("[" if href else "")
        elif tag == "br":
            self.line.append("  \n")
        elif tag in ("sup", "sub"):
            self.line.append(f"<{tag}>")
        elif tag in ("ul", "ol"):
            if self.lists:
                self._item_end()
            self.lists.append([tag, 1])
        elif tag == "li":
            self.line = []

    def _item_end(self):
        text = self._flush_line()
        if text:
            kind, number = self.lists[-1]
            marker = "- " if kind == "ul" else f"{number - 1}. "
            self.items.append("    " * (len(self.lists) - 1) + marker + text)

    def handle_endtag(self, tag):
        if tag in self.INLINE:
            self.line.append(self.INLINE[tag])
        elif tag == "a":
            href = self.links.pop() if self.links else ""
            self.line.append(f"]({href})" if href else "")
        elif tag in ("sup", "sub"):
            self.line.append(f"</{tag}>")
        elif tag == "li":
            self.lists[-1][1] += 1
            self._item_end()
        elif tag in ("ul", "ol"):
            self.lists.pop()
            if not self.lists:
                self.blocks.append("\n".join(self.items))
                self.items = []
        elif tag == "p" and not self.lists:
            text = self._flush_line()
            if text:
                self.blocks.append(text)
        elif tag == "h4":
            self.blocks.append("#### " + self._flush_line())

    def handle_data(self, data):
        if self.lists and not data.strip() and not self.line:
            return
        if self.line and self.line[-1] == "`" and self.line.count("`") % 2:
            self.line.append(data)  # inside `code`, Markdown escapes by itself
            return
        self.line.append(data.replace("<", "&lt;").replace("*", r"\*").replace("`", r"\`"))

    def markdown(self) -> str:
        rest = self._flush_line()
        if rest:
            self.blocks.append(rest)
        return "\n\n".join(self.blocks)


def html_markdown(html_text: str) -> str:
    """The Markdown of rich text whose internal links are placeholders: render() gives it back."""
    parser = _ToMarkdown()
    parser.feed(html_text or "")
    parser.close()
    return parser.markdown()


def _inline(text: str) -> str:
    """A plain text (a heading, a cell, a quote) written so that `plain` reads it back."""
    return html.escape(text, quote=False).replace("*", r"\*").replace("`", r"\`")


def block_markdown(block: dict) -> str:
    """The canonical Markdown lines of one block made by `body_blocks`."""
    kind, value = block["type"], block["value"]
    if kind == "rich_text":
        return html_markdown(value)
    if kind == "heading":
        return ("### " if value["level"] == "h3" else "## ") + _inline(value["text"])
    if kind == "callout":
        head = f":::{value['kind']}" + (f" {_inline(value['title'])}" if value.get("title") else "")
        return f"{head}\n{html_markdown(value['body'])}\n:::"
    if kind == "key_points":
        return ":::keypoints\n" + "\n".join(f"- {_inline(point)}" for point in value) + "\n:::"
    if kind == "table":
        rows = value["data"]
        lines = ["| " + " | ".join(_inline(cell or "").replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join([lines[0], "| " + " | ".join("---" for _cell in rows[0]) + " |", *lines[1:]])
    if kind == "quote":
        lines = [f"> {_inline(line)}" if line else ">" for line in value["text"].split("\n")]
        if value.get("attribution"):
            lines.append(f"> — {_inline(value['attribution'])}")
        return "\n".join(lines)
    if kind == "image":
        caption = f' "{value["caption"]}"' if value.get("caption") else ""
        return f"![{value['alt_text']}]({value['src']}{caption})"
    raise ValueError(f"no Markdown for a {kind} block")


def body_markdown(blocks: list[dict], old_body: str | None = None, first_line: int = 1) -> str:
    """The Markdown body of `blocks`: where the old body has the same block, its own lines (and
    the blank lines between two kept blocks); new or changed blocks in the canonical form."""
    if not old_body:
        return "\n\n".join(block_markdown(b) for b in blocks) + "\n"
    lines = old_body.split("\n")
    try:
        old = body_blocks(old_body, first_line)
    except BodyError:
        old = []
    if not old:
        return "\n\n".join(block_markdown(b) for b in blocks) + "\n"
    matcher = SequenceMatcher(a=[_signature(b) for b in old], b=[_signature(b) for b in blocks], autojunk=False)
    kept = {}  # new index -> old index of an unchanged block
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            kept.update({j1 + n: i1 + n for n in range(i2 - i1)})
    out = lines[: old[0]["span"][0]]
    previous = None  # the old index of the block written last, when it was kept
    for n, block in enumerate(blocks):
        mine = kept.get(n)
        if n:
            if mine is not None and previous is not None and mine == previous + 1:
                out.extend(lines[old[previous]["span"][1] : old[mine]["span"][0]])
            else:
                out.append("")
        if mine is not None:
            out.extend(lines[slice(*old[mine]["span"])])
        else:
            out.extend(block_markdown(block).split("\n"))
        previous = mine
    out.extend(lines[old[-1]["span"][1] :])
    return "\n".join(out)


def _signature(block: dict) -> str:
    value = block["value"]
    if block["type"] == "rich_text":
        value = _BETWEEN_TAGS.sub("><", _BLOCK_KEY.sub("", value)).strip()
    elif block["type"] == "callout":
        value = {**value, "body": _BETWEEN_TAGS.sub("><", _BLOCK_KEY.sub("", value["body"])).strip()}
        value["title"] = value.get("title") or ""
    elif block["type"] == "table":
        value = value["data"]
    elif block["type"] in ("image", "quote"):
        value = {k: v or "" for k, v in value.items() if k in ("src", "alt_text", "caption", "text", "attribution")}
    return json.dumps([block["type"], value], sort_keys=True, ensure_ascii=False, default=str)
