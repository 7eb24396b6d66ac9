"""Bilingual upkeep: which translations are behind another language of the same thing.

One rule, for pages, quizzes and interview questions alike (their apps call these services from
their receivers; the content loader calls `translations_synced`):

- A change to one language (a page published, a quiz or a question saved) marks every other
  language of it out of date.
- A save of a language that was out of date is that translation being brought up to date: it
  clears its own flag and does not mark the others (the translation caught up, the source did
  not change again).
- "Mark translation as reviewed" clears the flag and records who and when.
- Both languages loaded together from the content files are in sync.

`out_of_date(...)` is the one expression listings annotate with: one subquery, no query per row."""

import contextlib
import contextvars
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import TranslationStatus

_LOADING = contextvars.ContextVar("translations_loading", default=False)


@contextlib.contextmanager
def loading():
    """Inside, changes mark nothing: the content loader writes every language together and then
    calls `translations_synced` for what it wrote."""
    token = _LOADING.set(True)
    try:
        yield
    finally:
        _LOADING.reset(token)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translation_changed(*, translation_key: uuid.UUID, language: str) -> None:
    """One language of `translation_key` changed: the others are out of date, unless this save
    brings an out-of-date translation up to date."""
    if translation_key is None or _LOADING.get():
        return
    now = timezone.now()
    with transaction.atomic():
        rows = {
            row.language: row
            for row in TranslationStatus.objects.select_for_update().filter(translation_key=translation_key)
        }
        mine = rows.get(language) or TranslationStatus(translation_key=translation_key, language=language)
        if mine.out_of_date:
            mine.out_of_date, mine.outdated_at = False, None
            mine.save()
            return
        mine.changed_at = now
        mine.save()
        for other in _languages():
            if other == language:
                continue
            row = rows.get(other) or TranslationStatus(translation_key=translation_key, language=other)
            if not row.out_of_date:
                row.out_of_date, row.outdated_at = True, now
                row.save()


def translations_synced(*, translation_keys) -> None:
    """Every language of these keys is in sync (loaded together from the content files)."""
    keys = list(set(translation_keys))
    if keys:
        TranslationStatus.objects.filter(translation_key__in=keys, out_of_date=True).update(
            out_of_date=False, outdated_at=None
        )


def translation_reviewed(*, translation_key: uuid.UUID, language: str, user) -> TranslationStatus:
    """An editor checked this translation against the other language: it is up to date."""
    row, _created = TranslationStatus.objects.get_or_create(translation_key=translation_key, language=language)
    row.out_of_date, row.outdated_at = False, None
    row.reviewed_at, row.reviewed_by = timezone.now(), user
    row.save()
    return row


def out_of_date(language_field: str = "locale__language_code", key_field: str = "translation_key") -> Exists:
    """An expression for `.annotate(...)` or `.filter(...)`: this row's translation is out of date."""
    return Exists(
        TranslationStatus.objects.filter(
            translation_key=OuterRef(key_field), language=OuterRef(language_field), out_of_date=True
        )
    )


def out_of_date_keys(*, language: str | None = None) -> list[tuple]:
    """(translation key, language, since) of every out-of-date translation, latest first."""
    rows = TranslationStatus.objects.filter(out_of_date=True)
    if language:
        rows = rows.filter(language=language)
    return list(rows.order_by("-outdated_at").values_list("translation_key", "language", "outdated_at"))
