"""Certificates straight in the database, for tests that do not need the whole course flow."""

import datetime

from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from courses.models import Enrollment


def issued(user, course, *, completed_at=None, render=False) -> Certificate:
    """Return `user`'s certificate of `course`, issued by the service (and rendered if asked)."""
    enrollment, _created = Enrollment.objects.get_or_create(user=user, course_key=course.translation_key)
    enrollment.completed_at = completed_at or timezone.now() - datetime.timedelta(days=1)
    enrollment.save(update_fields=["completed_at"])
    certificate = services.certificate_issue(user=user, course=course, enrollment=enrollment)
    if render:
        services.certificate_render(certificate_id=certificate.pk)
        certificate.refresh_from_db()
    return certificate


def build_course(*, slug: str = "demo-course", titles=None, hours: int = 2, modules: int = 2, lessons: int = 2) -> dict:
    """Create a live course in Arabic and English (same translation keys), quickly; return {language: CoursePage}."""
    import uuid

    from wagtail.models import Locale, Page

    from courses.models import CoursePage, HomePage, LessonPage, ModulePage

    titles = titles or {"en": "Demo course", "ar": "دورة تجريبية"}
    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the tree Wagtail's migrations made
        locale, _ = Locale.objects.get_or_create(language_code="en")
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home_key, course_key = uuid.uuid5(uuid.NAMESPACE_URL, "masar:home:home"), uuid.uuid4()
    module_keys = [uuid.uuid4() for _ in range(modules)]
    lesson_keys = [[uuid.uuid4() for _ in range(lessons)] for _ in range(modules)]
    courses = {}
    for language in ("en", "ar"):
        locale, _ = Locale.objects.get_or_create(language_code=language)
        home = HomePage.objects.filter(translation_key=home_key, locale=locale).first()
        if home is None:
            home = root.add_child(
                instance=HomePage(title="Masar", slug=f"home-{language}", translation_key=home_key, locale=locale)
            )
        course = home.add_child(
            instance=CoursePage(
                title=titles[language],
                slug=slug,
                summary="S",
                estimated_hours=hours,
                translation_key=course_key,
                locale=locale,
            )
        )
        for m, module_key in enumerate(module_keys):
            module = course.add_child(
                instance=ModulePage(
                    title=f"Module {m}",
                    slug=f"module-{m}",
                    translation_key=module_key,
                    locale=locale,
                )
            )
            for n, lesson_key in enumerate(lesson_keys[m]):
                module.add_child(
                    instance=LessonPage(
                        title=f"Lesson {m}.{n}",
                        slug=f"lesson-{m}-{n}",
                        translation_key=lesson_key,
                        locale=locale,
                        body=[("rich_text", "<p>Text</p>")],
                    )
                )
        courses[language] = CoursePage.objects.get(pk=course.pk)
    return courses
