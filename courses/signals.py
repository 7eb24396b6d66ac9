"""Signal handlers that only invalidate the page cache (courses/page_cache.py) when content or a
trainee's progress changes."""

from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import page_cache


def content_changed(**kwargs) -> None:
    page_cache.content_changed()


def progress_changed(instance, **kwargs) -> None:
    page_cache.progress_forget(instance.user_id)


def connect() -> None:
    """Connect the handlers; called once from CoursesConfig.ready()."""
    from django.apps import apps

    from quizzes.models import Attempt, Quiz

    from .models import Enrollment, LessonCompletion

    uid = "courses.page_cache"
    for model in get_page_models():
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}.save.{model._meta.label}")
    # The course and module pages show quiz titles; lesson bodies show images.
    senders = [Page, PageViewRestriction, Site, Quiz, apps.get_model("wagtailimages", "Image")]
    for model in senders:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}.save.{model._meta.label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}.delete.{model._meta.label}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed, dispatch_uid=f"{uid}.{id(signal)}")
    # A trainee's progress: enrollments, lessons done and quiz attempts (a pass completes a module).
    for model in (Enrollment, LessonCompletion, Attempt):
        post_save.connect(progress_changed, sender=model, dispatch_uid=f"{uid}.progress.save.{model._meta.label}")
        post_delete.connect(progress_changed, sender=model, dispatch_uid=f"{uid}.progress.delete.{model._meta.label}")
    request_started.connect(page_cache.request_started, dispatch_uid=f"{uid}.request_started")
    request_finished.connect(page_cache.request_finished, dispatch_uid=f"{uid}.request_finished")
