"""A small course with a final exam, in both languages, and a trainee who goes through it by the
services: what the journey tests (unit and browser) start from."""

import uuid

from quizzes import selectors as quiz_selectors
from quizzes import services as quiz_services
from quizzes.models import Quiz
from tests.courses.factories import build_course
from tests.quizzes.factories import question_add, right_values


def bilingual_quiz(*, title: str, pass_mark: int = 70, questions: int = 1) -> dict:
    """A quiz in each language (one translation key), `questions` single-choice questions each."""
    from wagtail.models import Locale

    key = uuid.uuid4()
    quizzes = {}
    for language in ("en", "ar"):
        quiz = Quiz.objects.create(
            locale=Locale.objects.get(language_code=language),
            translation_key=key,
            title=f"{title} {language}",
            pass_mark=pass_mark,
        )
        for index in range(1, questions + 1):
            question_add(quiz, "single", index)
        quizzes[language] = quiz
    return quizzes


def course_with_exam(*, slug: str = "journey-course", modules: int = 2, lessons: int = 1) -> dict:
    """A live course of `modules` modules of `lessons` lessons, each module with a quiz, and a final
    exam: {"course": {language: CoursePage}, "quizzes": [{language: Quiz}], "exam": {language: Quiz}}."""
    from courses.models import ModulePage

    courses = build_course(slug=slug, modules=modules, lessons=lessons)
    module_quizzes = []
    for n in range(modules):
        quizzes = bilingual_quiz(title=f"Quiz {n + 1}")
        for language, course in courses.items():
            module = ModulePage.objects.child_of(course).order_by("path")[n].specific
            module.quiz = quizzes[language]
            module.save()
        module_quizzes.append(quizzes)
    exam = bilingual_quiz(title="Final exam", pass_mark=75)
    for language, course in courses.items():
        course.final_exam = exam[language]
        course.save()
    return {"course": courses, "quizzes": module_quizzes, "exam": exam}


def take(user, quiz, *, right: bool = True):
    """Take and submit `quiz` as `user`: every answer right (or, with right=False, none)."""
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    rows = quiz_selectors.attempt_rows(attempt=attempt)
    answers = {row.question_id: right_values(row.question) if right else [] for row in rows}
    quiz_services.answers_save(attempt=attempt, answers=answers)
    return quiz_services.attempt_submit(attempt=attempt)


def finish(user, journey: dict, *, language: str = "en"):
    """Go through the whole course as `user`: every lesson, every module quiz, then the exam.
    Return the exam's attempt."""
    from courses import services
    from courses.models import LessonPage

    course = journey["course"][language]
    for lesson in LessonPage.objects.descendant_of(course).live().order_by("path"):
        services.lesson_complete(user=user, lesson=lesson)
    for quizzes in journey["quizzes"]:
        take(user, quizzes[language])
    return take(user, journey["exam"][language])
