"""`{% filter content_digits %}`: one digit style on an Arabic page.

The interface writes numbers in Arabic-Indic digits (core.i18n.localize_digits); the lessons in
content/ar are written with Western digits, as people type them. On an Arabic course, module or
lesson page the numbers of the text are shown in the interface's digits, so the page has one
style. Only text between tags changes (never an attribute, a URL or code); a word with Latin
letters in it (GA4, H1, www.example.com/2024) is left as written; a decimal point or thousands
comma between two digits becomes the Arabic one, and a percent sign after a digit becomes ٪.
README.md ("Digits") documents the choice. The rule itself is core.i18n.arabic_text_digits; quiz
and interview pages use the same filter from the `masar` tags."""

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from core.i18n import arabic_text_digits

register = template.Library()


@register.filter(is_safe=True)
def content_digits(value):
    """On an Arabic page, the digits of `value`'s text as the interface writes them."""
    if translation.get_language() != "ar":
        return value
    return mark_safe(arabic_text_digits(str(value)))  # only digits and separators in text change
