"""The receivers of the courses app.

A quiz passed or a pass withdrawn (quizzes.events) rechecks the courses whose modules use the
quiz: one line each, calling one service. The rest only keep the caches (courses/caches.py)
true: a trainee's progress is cleared when it changes, and the content version's triggers are
installed after `migrate` (courses/content_version.py; the database itself then notices every
content change)."""

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.models import get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from core import translations
from quizzes import events as quiz_events
from quizzes.models import Attempt

from . import caches, content_version, services
from .models import Enrollment, LessonCompletion


def attempt_passed(attempt, **kwargs) -> None:
    services.quiz_passed(user=attempt.user, quiz=attempt.quiz)


def attempt_pass_withdrawn(attempt, **kwargs) -> None:
    services.quiz_pass_withdrawn(user=attempt.user, quiz=attempt.quiz)


def progress_changed(instance, **kwargs) -> None:
    caches.progress_forget(instance.user_id)


def page_published_translation(instance, **kwargs) -> None:
    translations.translation_changed(translation_key=instance.translation_key, language=instance.locale.language_code)


def connect(app_config) -> None:
    """Connect the handlers; called once from CoursesConfig.ready()."""
    quiz_events.attempt_passed.connect(attempt_passed, dispatch_uid="courses.attempt_passed")
    quiz_events.attempt_pass_withdrawn.connect(attempt_pass_withdrawn, dispatch_uid="courses.attempt_pass_withdrawn")
    uid = "courses.caches"
    post_migrate.connect(content_version.install, sender=app_config, dispatch_uid=f"{uid}.install")
    # The database notices every content change; these only let the process that saved content
    # see it at once, before PostgreSQL's notification of it arrives (content_version.changed_here).
    models = [*get_page_models(), *(apps.get_model(label) for label in content_version.CONTENT_MODELS)]
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                content_version.changed_here, sender=model, dispatch_uid=f"{uid}.{id(signal)}.{model._meta.label}"
            )
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_version.changed_here, dispatch_uid=f"{uid}.{id(signal)}")
    # A page published in one language puts its other languages out of date (core/translations.py).
    page_published.connect(page_published_translation, dispatch_uid="courses.translation_changed")
    # A trainee's progress: enrollments, lessons done and quiz attempts (a pass completes a module).
    for model in (Enrollment, LessonCompletion, Attempt):
        post_save.connect(progress_changed, sender=model, dispatch_uid=f"{uid}.progress.save.{model._meta.label}")
        post_delete.connect(progress_changed, sender=model, dispatch_uid=f"{uid}.progress.delete.{model._meta.label}")
