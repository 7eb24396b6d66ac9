"""Numbers a trainee types as an answer, in either language's way of writing them.

Accepted, after dropping spaces around the number and the invisible direction marks that
Arabic keyboards insert:

- digits 0-9, Arabic-Indic digits (٠-٩) or Eastern Arabic (Persian) digits (۰-۹);
- at most one decimal separator: a point, a comma or the Arabic decimal separator ٫
  ("3.5", "3,5", "٣٫٥", ".5" and "5." too);
- a minus sign in front, "-" or "−" (U+2212).

Refused, with a message saying what is accepted: anything else ("3.5%", "abc", "1e5", "3..5",
"+3", "3 5", digits of other scripts), and numbers past NUMBER_LIMIT either way.

Thousands separators are refused rather than guessed: the comma is also a decimal separator,
so "1,250" could be 1250 or 1.25. A comma (or the Arabic thousands separator ٬) followed by
exactly three digits after a first group of one to three digits not starting with 0 reads as
grouping and is refused with its own message ("1,250", "12,500,000", "١٬٢٥٠"); "0,125",
"12,5" and "1,2500" are decimals. The point is always a decimal separator ("1.250" is 1.25).
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.i18n import localize_digits

NUMBER_LIMIT = Decimal(10) ** 9
MAX_LENGTH = 40  # longer than any number a case asks for; refused before any parsing

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹\u2212", "0123456789" * 2 + "-")
# Left-to-right and right-to-left marks, the Arabic letter mark, embeddings and isolates.
_INVISIBLE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# [0-9], not \d: \d (and Decimal) would take the digits of every script.
_NUMBER = re.compile(r"-?(?:[0-9]+(?:[.,\u066b][0-9]*)?|[.,\u066b][0-9]+)")
_GROUPED = re.compile(r"-?[1-9][0-9]{0,2}(?:[,\u066c][0-9]{3})+|-?[0-9]+(?:\u066c[0-9]+)+")


def number_parse(raw: str) -> Decimal:
    """Return the number `raw` says, or raise ValidationError (code invalid, grouped or out_of_range)."""
    text = _INVISIBLE.sub("", raw).strip().translate(_DIGITS)
    if len(text) > MAX_LENGTH:
        raise _invalid()
    if _GROUPED.fullmatch(text):
        raise ValidationError(
            _("Write the number without a thousands separator: 1250, not 1,250. A comma marks decimals: 3,5 is 3.5."),
            code="grouped",
        )
    if not _NUMBER.fullmatch(text):
        raise _invalid()
    value = Decimal(re.sub("[,\u066b]", ".", text))
    if abs(value) > NUMBER_LIMIT:
        raise ValidationError(
            _("This number is out of range: an answer lies between minus one billion and one billion."),
            code="out_of_range",
        )
    return value


def _invalid() -> ValidationError:
    return ValidationError(
        _(
            "Write only a number: digits, at most one decimal point or comma, and a minus sign in front "
            "if it is negative, for example 3.5, 3,5 or ٣٫٥. Leave out units, percent signs and spaces."
        ),
        code="invalid",
    )


def number_text(value: Decimal) -> str:
    """The normalised text of `value`, as an answer stores it: "3.5", "1250", "-0.25", never an exponent."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def number_display(value: Decimal | str, language: str | None = None) -> str:
    """`value` for a reader: "3.5" in English, "٣٫٥" in Arabic."""
    text = number_text(Decimal(value))
    if (language or translation.get_language()) == "ar":
        return localize_digits(text, "ar").replace(".", "\u066b")
    return text
