"""Readable names of the question categories used in the quiz files.

The names are content: content/<lang>/quiz-categories.yaml gives each category's name in each
language, and load_content writes them as QuestionCategory rows (a question's category must be
one of them)."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import QuestionCategory


def category_label(key: str) -> str:
    """Return the name of a category in the active language; an unknown key is shown tidied up."""
    if not key:
        return _("General")
    label = (
        QuestionCategory.objects.filter(key=key, locale__language_code=get_language())
        .values_list("label", flat=True)
        .first()
    )
    return label or key.replace("-", " ").capitalize()
