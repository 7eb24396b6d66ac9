import uuid

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import Page

from courses.models import CoursePage, HomePage, LessonPage, ModulePage
from quizzes.models import Quiz
from tests.factories import UserFactory
from tests.quizzes.factories import question_add


@pytest.fixture
def make_quiz(locales):
    def make(*, lang="en", kinds=("single", "multiple", "true_false"), translation_key=None, **fields):
        fields.setdefault("title", f"Quiz in {lang}")
        fields.setdefault("pass_mark", 70)
        quiz = Quiz.objects.create(locale=locales[lang], translation_key=translation_key or uuid.uuid4(), **fields)
        for index, kind in enumerate(kinds, start=1):
            question_add(quiz, kind, index)
        return quiz

    return make


@pytest.fixture
def marker(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="mark_answer"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def course_tree(locales, make_quiz):
    """An English course with one module (one lesson and a quiz) under a home page."""
    root = Page.objects.get(depth=1)
    home = root.add_child(instance=HomePage(title="Home", slug="quiz-test-home", locale=locales["en"]))
    course = home.add_child(
        instance=CoursePage(title="Course", slug="course", summary="A course", locale=locales["en"])
    )
    quiz = make_quiz(lang="en")
    module = course.add_child(instance=ModulePage(title="Module", slug="module", quiz=quiz, locale=locales["en"]))
    lesson = module.add_child(instance=LessonPage(title="Lesson", slug="lesson", body=[], locale=locales["en"]))
    return {"home": home, "course": course, "module": module, "lesson": lesson, "quiz": quiz}
