"""What a person's name, and a revoke reason shown publicly, may contain: allow-lists.

A name is printed on certificates and searched by HR, so it must read as what it is. Unicode
has characters that change how the text around them is drawn without being seen themselves:
U+202E turns "Bill \u202esetaG" into "Bill Gates" on the page while HR's search for "Gates"
finds nothing; zero-width characters split or join words invisibly; a pile of combining marks
draws over the lines above and below. So a name is letters of any script, a few marks on each
letter (accents, Arabic harakat), spaces, hyphens, apostrophes and dots, and nothing else.

Every form and every service that writes a name or a revoke reason calls these functions
(accounts.forms, accounts.services, accounts.admin, certificates.forms, certificates.services);
they return the text normalised (NFC, runs of spaces made one), and raise ValidationError with
a message that says what is allowed."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MARKS_PER_LETTER = 3  # Arabic shadda + a vowel + a dagger alif; Vietnamese needs two at most
NAME_PUNCTUATION = frozenset("-'’.")
# Arabic, Arabic Supplement, Arabic Extended-A and the presentation forms.
ARABIC_BLOCKS = (range(0x0600, 0x0700), range(0x0750, 0x0780), range(0x08A0, 0x0900), range(0xFB50, 0xFF00))

# Default-ignorable characters Unicode files as letters or marks, not as format controls (Cf):
# the Hangul fillers, drawn as nothing, the combining grapheme joiner, Khmer's inherent vowels
# and the variation selectors. The format controls themselves (bidi controls, zero-width space,
# joiners, the byte order mark, tag characters) are refused by their category.
INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0]
    + list(range(0x180B, 0x1810))
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0100, 0xE01F0))
)


def _shown(char: str) -> str:
    """How a refused character is named in the error: itself if it can be seen, else its code point."""
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char)[0] == "M" and ord(char) not in INVISIBLE:
        return _("%(code)s (a mark on no letter)") % {"code": code}
    if unicodedata.category(char)[0] in "CZ" or ord(char) in INVISIBLE:
        return _("%(code)s (an invisible character)") % {"code": code}
    return f"“{char}”"


def _refuse(message: str, char: str, code: str):
    raise ValidationError(message, code=code, params={"character": _shown(char)})


def _too_many_marks():
    raise ValidationError(
        _("A letter may carry at most %(count)s accents or vowel marks."),
        code="too_many_marks",
        params={"count": MARKS_PER_LETTER},
    )


def _check_characters(text: str, *, bases: str, separators: set, message, code: str) -> None:
    """Refuse invisible characters and anything but a base character (its Unicode category's
    first letter in `bases`), marks on a base (at most MARKS_PER_LETTER in a row) and `separators`."""
    on_base, marks = False, 0
    for char in text:
        category = unicodedata.category(char)
        if ord(char) in INVISIBLE:
            _refuse(message, char, code)
        elif category[0] in bases:
            on_base, marks = True, 0
        elif category[0] == "M" and on_base:
            marks += 1
            if marks > MARKS_PER_LETTER:
                _too_many_marks()
        elif char in separators:
            on_base, marks = False, 0
        else:
            _refuse(message, char, code)


def clean_person_name(value: str) -> str:
    """Return `value` as a name (NFC, single spaces, trimmed); raise ValidationError unless it is
    letters of any script with at most MARKS_PER_LETTER marks each, spaces, hyphens, apostrophes and dots."""
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    message = _(
        "A name may contain only letters (of any alphabet), spaces, hyphens (-), apostrophes (') and dots (.): "
        "%(character)s is not allowed."
    )
    _check_characters(text, bases="L", separators={" ", *NAME_PUNCTUATION}, message=message, code="name_character")
    return text


def clean_name_latin(value: str) -> str:
    """The name printed on the English certificate: a name with at least one Latin letter."""
    text = clean_person_name(value)
    if not any("LATIN" in unicodedata.name(char, "") for char in text if unicodedata.category(char)[0] == "L"):
        raise ValidationError(
            _("Write your name in Latin letters, as it should appear on the English certificate."), code="no_latin"
        )
    return text


def clean_name_arabic(value: str) -> str:
    """The name printed on the Arabic certificate: a name with at least one Arabic letter."""
    text = clean_person_name(value)
    arabic = (char for char in text if any(ord(char) in block for block in ARABIC_BLOCKS))
    if not any(unicodedata.category(char)[0] == "L" for char in arabic):
        raise ValidationError(
            _("Write your name in Arabic letters, as it should appear on the Arabic certificate."), code="no_arabic"
        )
    return text


def clean_names(*, name_latin: str, name_arabic: str) -> tuple[str, str]:
    """Both names of a user, cleaned; a ValidationError keyed by field if either is refused."""
    cleaned, errors = {}, {}
    for field, clean, value in (
        ("name_latin", clean_name_latin, name_latin),
        ("name_arabic", clean_name_arabic, name_arabic),
    ):
        try:
            cleaned[field] = clean(value)
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)
    return cleaned["name_latin"], cleaned["name_arabic"]


def clean_public_text(value: str) -> str:
    """Return free text shown to the public (a revoke reason), normalised: NFC, line breaks kept
    (at most one empty line in a row), other runs of spaces made one. Letters, marks on them (a
    few each), digits, punctuation and symbols are allowed; control and format characters
    (bidi controls, zero-width characters) are refused."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    message = _(
        "The text may contain letters, digits, punctuation, symbols, spaces and line breaks: "
        "%(character)s is not allowed."
    )
    _check_characters(text, bases="LNPS", separators={" ", "\n"}, message=message, code="text_character")
    return text
