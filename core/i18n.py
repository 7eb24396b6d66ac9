"""Helpers for showing dates and numbers the way readers of each language expect."""

import re
from datetime import date, datetime

from django.utils import formats, timezone, translation

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

ARABIC_MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]


def localize_digits(value, language: str | None = None) -> str:
    """Return `value` as text, with Arabic-Indic digits when the language is Arabic."""
    text = str(value)
    if (language or translation.get_language()) == "ar":
        return text.translate(_ARABIC_INDIC)
    return text


# Text digits of content (lessons, quiz questions, interview answers written with Western digits,
# as people type them) shown in the interface's digits on an Arabic page: only text between tags
# changes (never an attribute, a URL or code); a word with Latin letters (GA4, H1,
# www.example.com/2024) stays as written; a decimal point or thousands comma between two digits
# becomes the Arabic one, a percent sign after a digit ٪. README.md ("Digits") has the choice.
_PARTS = re.compile(r"(<[^>]*>|&#?\w+;)")
_RAW = re.compile(r"<(/?)(script|style|code|pre|kbd|samp|textarea)\b", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\S+")


def _arabic_word(match: re.Match) -> str:
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
            out.append(_WORD.sub(_arabic_word, part))
    return "".join(out)


def _date_text(value: date | datetime | None, language: str | None, *, with_year: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    language = language or translation.get_language()
    if language == "ar":
        text = f"{value.day} {ARABIC_MONTHS[value.month - 1]}" + (f" {value.year}" if with_year else "")
        return localize_digits(text, "ar")
    with translation.override(language):
        return formats.date_format(value, "j F Y" if with_year else "j M")


def format_short_date(value: date | datetime | None, language: str | None = None) -> str:
    """Return a day and month: «٢٦ نوفمبر» in Arabic, "26 Nov" in English."""
    return _date_text(value, language, with_year=False)


def format_date(value: date | datetime | None, language: str | None = None) -> str:
    """Return a long date: «٢٦ نوفمبر ٢٠٢٦» in Arabic, "26 November 2026" in English."""
    return _date_text(value, language, with_year=True)


def format_moment(value: datetime | None, language: str | None = None) -> str:
    """Return a day and a time in the active time zone, with the zone's name:
    «٣ ديسمبر ٢٠٢٦، ١٤:٣٠ (Asia/Riyadh)» in Arabic, "3 December 2026, 14:30 (Asia/Riyadh)" in English."""
    if value is None:
        return ""
    moment = timezone.localtime(value)
    separator = "، " if (language or translation.get_language()) == "ar" else ", "
    clock = f"{moment:%H:%M} ({timezone.get_current_timezone_name()})"
    return format_date(moment, language) + separator + localize_digits(clock, language)
