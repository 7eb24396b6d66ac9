"""`{% filter content_digits %}`: one digit style on an Arabic page.

The interface writes numbers in Arabic-Indic digits (core.i18n.localize_digits); the lessons in
content/ar are written with Western digits, as people type them. On an Arabic course, module or
lesson page the numbers of the text are shown in the interface's digits, so the page has one
style. Only text between tags changes (never an attribute, a URL or code); a word with Latin
letters in it (GA4, H1, www.example.com/2024) is left as written; a decimal point or thousands
comma between two digits becomes the Arabic one, and a percent sign after a digit becomes ٪.
README.md ("Digits") documents the choice."""

import re

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from core.i18n import localize_digits

register = template.Library()

_PARTS = re.compile(r"(<[^>]*>|&#?\w+;)")
_RAW = re.compile(r"<(/?)(script|style|code|pre|kbd|samp|textarea)\b", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\S+")


def _word(match: re.Match) -> str:
    word = match.group(0)
    if not any(char.isdigit() for char in word) or _LATIN.search(word):
        return word
    word = re.sub(r"(?<=\d)\.(?=\d)", "٫", word)
    word = re.sub(r"(?<=\d),(?=\d)", "٬", word)
    word = re.sub(r"(?<=\d)%", "٪", word)
    return localize_digits(word, "ar")


def arabic_text_digits(html: str) -> str:
    """Return `html` with the digits of its text (not of its tags or code) in Arabic-Indic form."""
    out, raw = [], 0
    for part in _PARTS.split(html):
        if part.startswith("<"):
            tag = _RAW.match(part)
            if tag:
                raw = max(0, raw + (-1 if tag.group(1) else 1))
            out.append(part)
        elif part.startswith("&") or raw:
            out.append(part)
        else:
            out.append(_WORD.sub(_word, part))
    return "".join(out)


@register.filter(is_safe=True)
def content_digits(value):
    """On an Arabic page, the digits of `value`'s text as the interface writes them."""
    if translation.get_language() != "ar":
        return value
    return mark_safe(arabic_text_digits(str(value)))  # only digits and separators in text change
