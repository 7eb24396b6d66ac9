"""What a browser posts from a Wagtail admin form, read from the page the admin sent.

The plain fields are those of the page's largest form, as a browser sends them: a ticked box
without a value sends "on", a multiple select its selected options, a text area drops the line
break right after its tag, disabled fields and inline forms' `__prefix__` templates send
nothing. A StreamField has no inputs in the page: Wagtail's JavaScript builds them from
the state its block widget is rendered with (`data-w-block-arguments-value`), so its post data
is made here from that state, field by field, the way the script names its inputs
(`body-count`, `body-0-type`, `body-0-value-title`, ...). Nothing is taken from the database:
what is posted is what the editor's browser would send back."""

import json
import re
from html import unescape
from html.parser import HTMLParser

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock


class _Forms(HTMLParser):
    """The fields each form of a page would post: [(name, value), ...] per form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list] = []
        self._fields: list | None = None
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append(self._fields)
            return
        name = attrs.get("name")
        if self._fields is None or "disabled" in attrs:
            return
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image", "reset"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._fields.append((name, attrs.get("value", "on")))
            else:
                self._fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["chosen"] or ([] if select["multiple"] or select["first"] is None else [select["first"]])
            self._fields.extend((select["name"], value) for value in (chosen if select["multiple"] else chosen[:1]))
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._textarea = None
            self._fields.append((name, text[1:] if text.startswith("\n") else text))


def form_data(page: str) -> dict:
    """{name: value, or [values] of a multiple select} of the page's largest form, without its CSRF token."""
    parser = _Forms()
    parser.feed(page)
    fields = max(parser.forms, key=len) if parser.forms else []
    data: dict = {}
    for name, value in fields:
        if name == "csrfmiddlewaretoken" or "__prefix__" in name:
            continue
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    return data


def stream_states(page: str) -> dict:
    """{field name: state} of every StreamField the page renders."""
    states = {}
    for tag in re.finditer(r"<div\b[^>]*\bdata-controller=\"w-block\"[^>]*>", page):
        name = re.search(r'\bid="([^"]+)"', tag.group(0))
        arguments = re.search(r'\bdata-w-block-arguments-value="([^"]*)"', tag.group(0))
        if name and arguments:
            states[name.group(1)] = json.loads(unescape(arguments.group(1)))[0]
    return states


def block_post(block, state, prefix: str) -> dict:
    """The inputs Wagtail's script writes for one block of a StreamField holding `state`."""
    data = {}
    if isinstance(block, blocks.StreamBlock):
        data[f"{prefix}-count"] = str(len(state))
        for n, child in enumerate(state):
            at = f"{prefix}-{n}"
            data |= {f"{at}-type": child["type"], f"{at}-id": child.get("id") or ""}
            data |= {f"{at}-deleted": "", f"{at}-order": str(n)}
            data |= block_post(block.child_blocks[child["type"]], child["value"], f"{at}-value")
    elif isinstance(block, blocks.ListBlock):
        data[f"{prefix}-count"] = str(len(state))
        for n, child in enumerate(state):
            at = f"{prefix}-{n}"
            data |= {f"{at}-id": child.get("id") or "", f"{at}-deleted": "", f"{at}-order": str(n)}
            data |= block_post(block.child_block, child["value"], f"{at}-value")
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            data |= block_post(child, (state or {}).get(name), f"{prefix}-{name}")
    elif isinstance(block, TableBlock):  # its script keeps the table as JSON in a hidden input
        data[prefix] = json.dumps(state)
    elif isinstance(state, bool):  # a check box: sent only when ticked
        if state:
            data[prefix] = "on"
    elif isinstance(state, list):  # a select
        data[prefix] = str(state[0]) if state else ""
    elif isinstance(state, dict):  # a chooser (an image): its id
        data[prefix] = str(state.get("id") or "")
    else:
        data[prefix] = "" if state is None else str(state)
    return data


def admin_post(page: str, model) -> dict:
    """What saving the admin form in `page` (an edit or add form of `model`) posts as it stands:
    its fields and each StreamField of `model` from its rendered state."""
    data = form_data(page)
    for name, state in stream_states(page).items():
        field = model._meta.get_field(name)
        data |= block_post(field.stream_block, state, name)
    return data


def rich_text_append(value: str, text: str, *, paragraph: int = 0) -> str:
    """A Draftail rich text's posted value (its content state) with `text` added at the end of
    one paragraph, as typing there does: the other paragraphs, styles and links stay as they were."""
    state = json.loads(value)
    block = [b for b in state["blocks"] if b["type"] == "unstyled" and b["text"].strip()][paragraph]
    block["text"] += text
    return json.dumps(state)
