import functools
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from . import caches
from .blocks import RICH_TEXT_FEATURES, LessonStreamBlock, SourceBlock


@functools.cache
def _no_view_restrictions():
    """An empty queryset evaluated once: Wagtail iterates it on every request, and iterating an
    unevaluated one compiles its SQL each time."""
    restrictions = PageViewRestriction.objects.none()
    list(restrictions)
    return restrictions


class CachedPageMixin:
    """Serving helpers backed by the cache layers (courses/caches.py); `cache_for_anonymous`
    pages are served whole to visitors who are not logged in ("anonymous-pages")."""

    cache_for_anonymous = False

    def get_view_restrictions(self):
        # Wagtail reads the page's ancestors and their restrictions on every request; most
        # sites have none at all, which the cache knows.
        if not caches.any_view_restrictions():
            return _no_view_restrictions()
        return super().get_view_restrictions()

    def translation_urls(self, request) -> dict[str, str]:
        """Return {language code: URL} of this page's live translations, itself included."""

        def compute():
            translations = self.get_translations(inclusive=True).live().select_related("locale")
            return {page.locale.language_code: page.get_url(request) for page in translations}

        return caches.translation_links(self, request, compute)


class HomePage(CachedPageMixin, Page):
    """The catalog: one per language, the root of that language's courses."""

    cache_for_anonymous = True
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    template = "courses/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["catalog"] = selectors.catalog(home=self, user=request.user)
        return context


class CoursePage(CachedPageMixin, Page):
    """A course: modules in order, each with lessons and a quiz."""

    cache_for_anonymous = True

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"), max_length=500)
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER)
    estimated_hours = models.PositiveSmallIntegerField(_("estimated hours"), default=1)
    outcomes = StreamField(
        [("outcome", blocks.CharBlock(label=_("outcome")))], verbose_name=_("learning outcomes"), blank=True
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    final_exam = models.ForeignKey(
        "quizzes.Quiz",
        verbose_name=_("final exam"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exam_of",
        help_text=_("Passed after every required module, it completes the course and earns the certificate."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("level"), FieldPanel("estimated_hours")], heading=_("Size")),
        FieldPanel("outcomes"),
        FieldPanel("cover"),
        FieldPanel("final_exam"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.ModulePage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["outline"] = selectors.course_outline(course=self, user=request.user)
        return context


class ModulePage(CachedPageMixin, Page):
    """A module of a course; complete when its lessons are done and its quiz is passed."""

    cache_for_anonymous = True

    summary = models.TextField(_("summary"), max_length=500, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Required modules count towards the certificate.")
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        verbose_name=_("quiz"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="modules",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("required"),
        FieldPanel("quiz"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/module_page.html"

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        outline = selectors.outline_above(page=self, levels=1, user=request.user)
        if outline is None:  # not under a live course page
            outline = selectors.course_outline(course=self.get_parent().specific, user=request.user)
        context["course"] = outline.course
        context["outline"] = outline
        context["module"] = outline.module_for(self)
        return context


class LessonPage(CachedPageMixin, Page):
    """A lesson; lessons on platform policies carry a review date, since policies change."""

    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        null=True,
        blank=True,
        help_text=_("For lessons on platform policies: how often the lesson must be checked again."),
    )
    # Where the lesson's facts come from, shown at its end (the course itself speaks in its own voice).
    sources = StreamField([("source", SourceBlock())], blank=True, default=list, verbose_name=_("sources"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("sources"),
        FieldPanel("estimated_minutes"),
        MultiFieldPanel([FieldPanel("last_reviewed"), FieldPanel("review_interval_days")], heading=_("Policy review")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def review_due_on(self):
        if self.last_reviewed and self.review_interval_days:
            return self.last_reviewed + timedelta(days=self.review_interval_days)
        return None

    @property
    def review_overdue(self) -> bool:
        due = self.review_due_on
        return due is not None and due < timezone.localdate()

    def serve(self, request, *args, **kwargs):
        # Anonymous visitors see the catalog and outlines; lessons need an account.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = super().serve(request, *args, **kwargs)
        outline = response.context_data["outline"]
        if outline.enrollment is not None:
            services.lesson_visit(
                user=request.user, lesson=self, course_key=outline.course.translation_key, enrollment=outline.enrollment
            )
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.lesson_context(lesson=self, user=request.user))
        return context


class Enrollment(models.Model):
    """A trainee's place in a course, keyed by the course's language-free translation key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course_key = models.UUIDField(_("course key"), db_index=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    last_lesson_key = models.UUIDField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="one_enrollment_per_course")]
        indexes = [models.Index(fields=["user", "-last_activity_at"])]

    def __str__(self):
        return f"{self.user} · {self.course_key}"


class LessonCompletion(models.Model):
    """A lesson a trainee marked done; language-free, so a language switch keeps it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    course_key = models.UUIDField()
    lesson_key = models.UUIDField()
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [models.UniqueConstraint(fields=["user", "lesson_key"], name="one_completion_per_lesson")]
        indexes = [models.Index(fields=["user", "course_key"])]

    def __str__(self):
        return f"{self.user} · {self.lesson_key}"


class CourseAssignment(models.Model):
    """A course HR asked a trainee to complete by a date. Written by hr (hr.services), read here:
    "My learning" lists assigned courses first, with their due dates. Keyed like Enrollment by the
    course's language-free key; the trainee need not have started the course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="course_assignments",
    )
    course_key = models.UUIDField(_("course key"))
    due_on = models.DateField(_("due on"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="one_assignment_per_course")]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self):
        return f"{self.user} · {self.course_key} · {self.due_on}"


# Wagtail pages are their own views: the page classes above build their context with the app's
# selectors and record visits with its services, which in turn read the models defined above.
# So those two are imported last, once every model exists (a cycle inside this one app only).
from . import selectors, services  # noqa: E402
