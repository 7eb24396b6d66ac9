"""How scores read: a percent in the page's digits and sign ("67%", "٦٧٪") and points with at
most one decimal ("4.3", "٤٫٣"), by the one rule of `quizzes.rules`."""

from django import template
from django.utils import translation

from core.i18n import localize_digits

from .. import rules
from ..numbers import number_display

register = template.Library()


@register.filter
def percent_sign(value, language=None) -> str:
    """A whole percent already computed by `rules.percent` (or a pass mark): "67%", Arabic "٦٧٪"."""
    language = language or translation.get_language()
    sign = "\u066a" if language == "ar" else "%"
    return f"{localize_digits(value if value is not None else 0, language)}{sign}"


@register.filter
def score_percent(attempt_or_result, language=None) -> str:
    """The percent of an attempt or topic result (anything with `.percent`), as `percent_sign`."""
    return percent_sign(attempt_or_result.percent, language)


@register.filter
def points_text(value, language=None) -> str:
    """Points with at most one decimal, in the page's digits: "4.3", "10", "٤٫٣"."""
    return number_display(rules.points(value), language)
