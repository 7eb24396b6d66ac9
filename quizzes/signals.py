"""Receivers of the quizzes app: one line each, calling one service."""

from django.db.models.signals import post_save

from . import services
from .models import Quiz


def quiz_saved(instance: Quiz, raw: bool = False, **kwargs) -> None:
    if not raw:  # loaddata writes every translation itself
        services.quiz_rules_share(quiz=instance)


def connect() -> None:
    post_save.connect(quiz_saved, sender=Quiz, dispatch_uid="quizzes.quiz_rules_share")
