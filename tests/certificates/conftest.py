import pytest
from django.utils import timezone

from courses.models import Enrollment
from lms.celery import app as celery_app
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def eager_celery():
    """Run tasks in the test process when they are queued (on commit)."""
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture
def organization():
    return OrganizationFactory(name="Acme Media")


@pytest.fixture
def trainee(organization):
    return UserFactory(
        organization=organization, name_latin="Layla Haddad", name_arabic="ليلى حداد", names_confirmed_at=timezone.now()
    )


@pytest.fixture
def hr(organization):
    return UserFactory(organization=organization, role="hr")


@pytest.fixture
def demo_course():
    """A small live course in Arabic and English: {language: CoursePage}."""
    from tests.certificates.factories import build_course

    return build_course()


@pytest.fixture
def course(demo_course):
    """The English page of the demo course; certificates use its language-free key (the same in Arabic)."""
    return demo_course["en"]


def complete(user, course) -> Enrollment:
    """Complete `course` for `user` the way a trainee does: every lesson marked done."""
    from courses import services
    from courses.models import LessonPage

    for lesson in LessonPage.objects.descendant_of(course).live().order_by("path"):
        services.lesson_complete(user=user, lesson=lesson)
    return Enrollment.objects.get(user=user, course_key=course.translation_key)
