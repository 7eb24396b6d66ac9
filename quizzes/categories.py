"""Readable names of the question categories used in the quiz files.

The names are content: content/<lang>/quiz-categories.yaml gives each category's name in each
language, and load_content writes them as QuestionCategory rows (a question's category must be
one of them)."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import caching

from .models import QuestionCategory


def category_labels(keys) -> dict[str, str]:
    """Return {key: name in the active language} for `keys`: one query for every name of the
    language, none while the content is unchanged ("quiz-content", core/caching.py); an unknown
    key is shown tidied up, no key at all as "General"."""
    keys = set(keys)
    language = get_language()
    named = dict(
        caching.remember(
            "quiz-content",
            f"categories:{language}",
            lambda: tuple(QuestionCategory.objects.filter(locale__language_code=language).values_list("key", "label")),
        )
    )
    return {key: named.get(key) or (key.replace("-", " ").capitalize() if key else _("General")) for key in keys}


def category_label(key: str) -> str:
    """Return the name of one category in the active language (see category_labels)."""
    return category_labels([key])[key]
