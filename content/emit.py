"""Writing content files back (`dump_content`): YAML that keeps what a file already says.

A kind's `dump` gives the tree a file should hold (mappings in the file's key order, lists,
texts, numbers, booleans, dates). `yaml_text(tree, old_text)` writes it: a part whose value is
the same as in the existing file keeps the file's own text for it (its quoting, comments, flow
lists, blank lines), so an unchanged file comes back byte for byte and an edit changes only its
own lines; a new or changed part is written in the canonical form below.

Canonical form: `key: value` in the tree's order, two spaces of indentation, lists of mappings
as `- ` items, `Flow` lists as `[a, b]`, other lists as `- ` items, a text on one line plain when
YAML reads it back unchanged and in double quotes otherwise, a text of several lines as a `|`
block. Values equal to the mapping's `optional` default are left out when the file has no line
for them."""

import datetime
import json
from decimal import Decimal, InvalidOperation

import yaml


class Flow(list):
    """A list written on one line: `[a, b, c]` (key-point phrases, modules, pools)."""


class Block(str):
    """A text always written as a `|` block (an interview question's model answer)."""


class Map(dict):
    """A mapping in the file's key order. `optional` gives the value a missing line means (the
    schema's default); such a key is left out of a new line unless it is in `keep`."""

    def __init__(self, *args, optional: dict | None = None, keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.optional = optional or {}
        self.keep = set(keep)

    def left_out(self, name) -> bool:
        return name in self.optional and name not in self.keep and _equal_default(self[name], self.optional[name])


MISSING = object()
# libyaml when installed (60 times faster on these files); its marks count characters too.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str):
    """The YAML of `text` (plain dicts and lists)."""
    return yaml.load(text, Loader=FAST_LOADER)  # noqa: S506 (a safe loader)


# --- values -----------------------------------------------------------------------------------


def _number(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def same(old, new) -> bool:
    """Whether the file's value `old` (as YAML reads it) says what `new` says, as the loader reads
    it: texts are stripped, numbers may be written as text, absent means the default."""
    if isinstance(new, dict):
        if not isinstance(old, dict):
            return False
        optional = getattr(new, "optional", {})
        for name in set(old) | set(new):
            mine = new.get(name, MISSING)
            theirs = old.get(name, MISSING)
            if theirs is MISSING:
                if mine is MISSING or (name in optional and _equal_default(mine, optional[name])):
                    continue
                return False
            if mine is MISSING:
                return False
            if not same(theirs, mine):
                return False
        return True
    if isinstance(new, list):
        return isinstance(old, list) and len(old) == len(new) and all(same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(new, bool) or isinstance(old, bool):
        return old is new
    if isinstance(new, str):
        if isinstance(old, str):
            return old.strip() == new.strip()
        if isinstance(old, (int, float)):
            return str(old) == new or (_number(old) is not None and _number(old) == _number(new))
        if isinstance(old, datetime.date):
            return old.isoformat() == new
        return False
    if isinstance(new, Decimal):
        return not isinstance(old, bool) and isinstance(old, (int, float, str)) and _number(old) == new
    if isinstance(new, (int, float)) and isinstance(old, (int, float)):
        return old == new
    if isinstance(new, datetime.date) and isinstance(old, str):
        return old == new.isoformat()
    return old == new


def _equal_default(value, default) -> bool:
    if value in (None, "", []) and default in (None, "", []):
        return True
    return value == default


# --- canonical writing ------------------------------------------------------------------------


def _plain_ok(text: str, flow: bool = False) -> bool:
    if not text or text != text.strip() or "\n" in text:
        return False
    try:
        if flow:
            return load(f"k: [{text}]\n") == {"k": [text]}
        return load(f"k: {text}\n") == {"k": text}
    except yaml.YAMLError:
        return False


def _flow(values) -> str:
    return "[" + ", ".join(v if isinstance(v, str) and _plain_ok(v, flow=True) else _quoted(v) for v in values) + "]"


def _quoted(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else scalar(value)


def scalar(value, style=None) -> str:
    """One value on one line: in `style` (the file's: None plain, "'" or '"') when it can be."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if style == "'" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    if style is None and _plain_ok(text):
        return text
    if style == '"' or not _plain_ok(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def _literal(text: str, indent: int, header: str = "|") -> str:
    pad = " " * indent
    lines = [pad + line if line else "" for line in text.strip("\n").split("\n")]
    return header + "\n" + "\n".join(lines) + "\n"


def _is_block(value) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and not isinstance(value, Flow) and bool(value))


def _value(value, indent: int) -> str:
    """The text after `key:` (with its leading space or newline), for a canonical entry."""
    if isinstance(value, dict):
        return "\n" + _mapping(value, indent + 2)
    if isinstance(value, Flow) or (isinstance(value, list) and not value):
        return " " + _flow(value) + "\n"
    if isinstance(value, list):
        return "\n" + _sequence(value, indent + 2)
    if isinstance(value, Block) or (isinstance(value, str) and "\n" in value.strip()):
        return " " + _literal(value, indent + 2)
    return " " + scalar(value) + "\n"


def _mapping(value: dict, indent: int, first_inline: bool = False) -> str:
    out = []
    for name, item in value.items():
        if isinstance(value, Map) and value.left_out(name):
            continue
        pad = "" if (first_inline and not out) else " " * indent
        out.append(f"{pad}{name}:{_value(item, indent)}")
    return "".join(out)


def _sequence(value: list, indent: int) -> str:
    out = []
    for item in value:
        if isinstance(item, dict):
            out.append(" " * indent + "- " + _mapping(item, indent + 2, first_inline=True))
        elif isinstance(item, list):
            out.append(" " * indent + "-" + _value(item, indent))
        elif isinstance(item, str) and "\n" in item.strip():
            out.append(" " * indent + "- " + _literal(item, indent + 2))
        else:
            out.append(" " * indent + "- " + scalar(item) + "\n")
    return "".join(out)


def canonical(tree: dict) -> str:
    """The canonical YAML of a whole file's tree."""
    return _mapping(tree, 0)


# --- keeping the file's own text --------------------------------------------------------------


def _end(node) -> int:
    """Where a node's own text ends: after a scalar or a flow list, after a block's last value."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.index
    if isinstance(node, yaml.MappingNode):
        return _end(node.value[-1][1]) if node.value else node.end_mark.index
    return _end(node.value[-1]) if node.value else node.end_mark.index


def _construct(node):
    loader = yaml.SafeLoader("")  # only its constructor is used (libyaml's cannot take a node)
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


class _Keeper:
    def __init__(self, text: str):
        self.text = text

    def write(self, new, node, indent: int) -> str:
        """The text of `new` in place of `node` ([node.start, _end(node)) of the old text)."""
        old_text = self.text[node.start_mark.index : _end(node)]
        if same(_construct(node), new):
            return old_text
        if isinstance(new, dict) and isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
            return self._mapping(new, node)
        if isinstance(new, list) and isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
            return self._sequence(new, node)
        if isinstance(node, yaml.ScalarNode) and not isinstance(new, (dict, list)):
            if node.style in ("|", ">"):
                header = self.text[node.start_mark.index :].split("\n", 1)[0].strip()
                return _literal(str(new), indent + 2, header if header.startswith("|") else "|")
            if isinstance(new, str) and "\n" in new.strip():
                return _literal(new, indent + 2)
            return scalar(new, node.style)
        if isinstance(new, Flow) or (isinstance(new, list) and not new):
            return _flow(new)
        # A different shape: written canonically where the old value was.
        return _value(new, indent).removeprefix("\n").lstrip(" ").rstrip("\n")

    def _mapping(self, new: dict, node) -> str:
        indent = node.start_mark.column
        entries = {key.value: (i, key, value) for i, (key, value) in enumerate(node.value)}
        pairs = node.value
        # The gap after each old entry's value up to the next key (comments, blank lines).
        gaps = [
            self.text[_end(pairs[i][1]) : pairs[i + 1][0].start_mark.index] if i + 1 < len(pairs) else ""
            for i in range(len(pairs))
        ]
        default_gap = gaps[0] if len(pairs) > 1 else "\n" + " " * indent
        order = [k.value for k, _v in pairs if k.value in new]
        for name in new:
            if name in order or (isinstance(new, Map) and new.left_out(name)):
                continue
            names = list(new)
            before = [n for n in names[: names.index(name)] if n in order]
            order.insert(order.index(before[-1]) + 1 if before else 0, name)
        out = []
        for name in order:
            if name in entries:
                i, key, value = entries[name]
                head = self.text[key.start_mark.index : value.start_mark.index]
                old_block = isinstance(value, yaml.CollectionNode) and not value.flow_style
                mine = new[name]
                if isinstance(mine, Flow) and old_block and mine:
                    mine = list(mine)  # the file writes this list as `- ` items: kept so
                elif isinstance(mine, list) and isinstance(value, yaml.SequenceNode) and value.flow_style:
                    mine = Flow(mine)  # and this one on one line
                body = self.write(mine, value, indent)
                if _is_block(mine) and not old_block:
                    head = f"{name}:\n" + " " * (indent + 2)
                elif not _is_block(mine) and old_block:
                    head = f"{name}: "
                text = head + body
                gap = gaps[i]
            else:
                text = f"{name}:{_value(new[name], indent)}".rstrip("\n")
                gap = default_gap
            if text.endswith("\n") and gap.startswith("\n"):
                gap = gap[1:]
            out.append((text, gap))
        # The last entry ends where the old last entry's value ended (the caller writes the rest).
        return _joined(out, "\n" + " " * indent)

    def _sequence(self, new: list, node) -> str:
        items = node.value
        indent = node.start_mark.column
        gaps = [self.text[_end(items[i]) : items[i + 1].start_mark.index] for i in range(len(items) - 1)]
        default_gap = gaps[0] if gaps else "\n" + " " * indent + "- "
        old_keys = [self._key(item) for item in items]
        new_keys = [item.get("key") if isinstance(item, dict) else None for item in new]
        by_key = {k: i for i, k in enumerate(old_keys) if k is not None}
        keyed = all(k is not None for k in new_keys) and all(k is not None for k in old_keys)
        out = []
        for position, item in enumerate(new):
            if keyed:
                match = by_key.get(new_keys[position])
            else:
                match = position if len(new) == len(items) else None
            if match is not None:
                text = self.write(item, items[match], indent + 2)
                gap = gaps[match] if match < len(gaps) else default_gap
            else:
                text = _sequence([item], indent).strip(" ").removeprefix("- ").rstrip("\n")
                gap = default_gap
            out.append((text, gap))
        # The span starts at the first item's "- ".
        return self.text[node.start_mark.index : items[0].start_mark.index] + _joined(out, "\n" + " " * indent + "- ")

    @staticmethod
    def _key(node):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "key" and isinstance(value, yaml.ScalarNode):
                    return value.value
        return None


def _joined(parts: list, gap: str) -> str:
    """Entries and the gaps after them; the last's gap is the caller's, an empty one (the old
    last entry's, now followed by a new one) becomes `gap`."""
    out = []
    for n, (text, after) in enumerate(parts):
        out.append(text)
        if n + 1 < len(parts):
            out.append(after if after or text.endswith("\n") else gap)
    return "".join(out)


def yaml_text(tree: dict, old_text: str | None = None) -> str:
    """The YAML of a file holding `tree`, keeping `old_text`'s own text where it says the same."""
    if not old_text:
        return canonical(tree)
    try:
        node = yaml.compose(old_text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return canonical(tree)
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return canonical(tree)
    keeper = _Keeper(old_text)
    start, end = node.start_mark.index, _end(node)
    return old_text[:start] + keeper.write(tree, node, 0) + old_text[end:]
