"""Receivers of the quizzes app: one line each, calling one service."""

from django.db.models.signals import post_save

from core import translations

from . import services
from .models import Choice, Question, Quiz


def quiz_saved(instance: Quiz, raw: bool = False, **kwargs) -> None:
    if not raw:  # loaddata writes every translation itself
        services.quiz_rules_share(quiz=instance)


def quiz_translation_changed(instance: Quiz, raw: bool = False, **kwargs) -> None:
    if not raw:
        translations.translation_changed(
            translation_key=instance.translation_key, language=instance.locale.language_code
        )


def question_translation_changed(instance, raw: bool = False, **kwargs) -> None:
    if not raw:  # a question or one of its choices changed: its quiz did
        quiz_translation_changed(instance.quiz if isinstance(instance, Question) else instance.question.quiz)


def connect() -> None:
    post_save.connect(quiz_saved, sender=Quiz, dispatch_uid="quizzes.quiz_rules_share")
    # One language of a quiz changed: its other languages are out of date (core/translations.py).
    post_save.connect(quiz_translation_changed, sender=Quiz, dispatch_uid="quizzes.translation_changed")
    for model in (Choice, Question, *_subclasses(Question)):
        post_save.connect(
            question_translation_changed, sender=model, dispatch_uid=f"quizzes.translation_changed.{model.__name__}"
        )


def _subclasses(model) -> list:
    return [sub for child in model.__subclasses__() for sub in (child, *_subclasses(child))]
