"""Admin widgets of interview questions."""

import json

from django import forms


class PhraseListWidget(forms.Textarea):
    """A key point's phrases as a text area, one word or phrase per line, for a JSON list field.

    The JSON field hands the widget its value as JSON text ('["reach", "engagement rate"]') and
    reads back JSON: the widget shows one phrase a line and turns the lines (blank ones dropped,
    spaces trimmed) back into a JSON list, so an editor never types brackets or quotes."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 4, "dir": "auto", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return ""
        try:
            phrases = json.loads(value) if isinstance(value, str) else value
        except (TypeError, ValueError):
            return str(value)  # not JSON: shown as it was typed
        if isinstance(phrases, list):
            return "\n".join(str(p) for p in phrases)
        return str(phrases)

    def value_from_datadict(self, data, files, name):
        text = data.get(name)
        if text is None:
            return None
        return json.dumps([line.strip() for line in str(text).splitlines() if line.strip()], ensure_ascii=False)
