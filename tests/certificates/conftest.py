import pytest

from courses.models import Enrollment
from tests.factories import UserFactory

# `trainee` (of `organization`, names confirmed), `organization` and `demo_course` come from tests/conftest.py.


@pytest.fixture
def hr(organization):
    return UserFactory(organization=organization, role="hr")


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
