"""Receivers of the interviews app: one line each, calling one service."""

from django.db.models.signals import post_save

from core import translations

from .models import InterviewQuestion, KeyPoint


def question_translation_changed(instance, raw: bool = False, **kwargs) -> None:
    if not raw:  # a question or one of its key points changed: its other languages are out of date
        question = instance if isinstance(instance, InterviewQuestion) else instance.question
        translations.translation_changed(
            translation_key=question.translation_key, language=question.locale.language_code
        )


def connect() -> None:
    for model in (InterviewQuestion, KeyPoint):
        post_save.connect(
            question_translation_changed, sender=model, dispatch_uid=f"interviews.translation_changed.{model.__name__}"
        )
