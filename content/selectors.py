"""Reads for editors: the translations that are behind another language (core/translations.py
keeps the rule), across pages, quizzes and interview questions, in a fixed number of queries."""

from dataclasses import dataclass

from django.urls import reverse
from wagtail.models import Page

from core import translations
from interviews.models import InterviewQuestion
from quizzes.models import Quiz

LIMIT = 50


@dataclass
class OutOfDate:
    kind: str  # "page", "quiz" or "interview-question" (the mark-reviewed URL's)
    pk: int
    title: str
    language: str
    since: object
    edit_url: str
    source_url: str  # the edit page of the language that changed


def _edit_url(kind: str, pk: int) -> str:
    if kind == "page":
        return reverse("wagtailadmin_pages:edit", args=[pk])
    if kind == "quiz":
        return reverse("wagtailsnippets_quizzes_quiz:edit", args=[pk])
    return reverse("wagtailsnippets_interviews_interviewquestion:edit", args=[pk])


MODELS = {"page": Page, "quiz": Quiz, "interview-question": InterviewQuestion}


def translations_out_of_date(*, limit: int = LIMIT) -> tuple[list[OutOfDate], int]:
    """(the latest `limit` out-of-date translations, how many there are); four queries."""
    rows = translations.out_of_date_keys()
    since = {(key, language): at for key, language, at in rows}
    keys = {key for key, _language, _at in rows}
    found = []
    for kind, model in MODELS.items():
        title = "title" if kind != "interview-question" else "prompt"
        objects = model.objects.filter(translation_key__in=keys).values_list(
            "pk", "translation_key", "locale__language_code", title
        )
        by_key: dict = {}
        for pk, key, language, text in objects:
            by_key.setdefault(key, {})[language] = (pk, text)
        for key, languages in by_key.items():
            for language, (pk, text) in languages.items():
                if (key, language) not in since:
                    continue
                others = [other for lang, other in languages.items() if lang != language]
                found.append(
                    OutOfDate(
                        kind=kind,
                        pk=pk,
                        title=text,
                        language=language,
                        since=since[key, language],
                        edit_url=_edit_url(kind, pk),
                        source_url=_edit_url(kind, others[0][0]) if others else "",
                    )
                )
    found.sort(key=lambda row: row.since or 0, reverse=True)
    return found[:limit], len(found)
