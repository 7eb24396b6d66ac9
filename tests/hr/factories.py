"""HR's trainees and quizzes straight in the database (bulk inserts), for the dashboard and export tests."""

import datetime

from django.utils import timezone
from wagtail.models import Locale

from accounts.models import User
from certificates.models import Certificate
from courses.models import Enrollment, LessonCompletion, LessonPage, ModulePage
from quizzes.models import Attempt, Quiz


def add_quiz(course, *, module: int = 0) -> Quiz:
    """Attach a new quiz to the `module`-th module of `course` in both languages, published."""
    quiz = Quiz.objects.create(title=f"Module quiz {module + 1}", locale=Locale.objects.get(language_code="en"))
    key = ModulePage.objects.child_of(course).order_by("path")[module].translation_key
    for page in ModulePage.objects.filter(translation_key=key):
        page.quiz = quiz
        page.save_revision().publish()
    return quiz


def populate(organization, course, count: int, *, quiz=None, prefix="t") -> list[User]:
    """`count` trainees of `organization` enrolled in `course`: half completed with a ready
    certificate, every one with a lesson done and (if `quiz`) two quiz attempts. Bulk inserts."""
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}{organization.pk}-{i}",
            email=f"{prefix}{organization.pk}-{i}@example.com",
            name_latin=f"Trainee {prefix}{i}",
            name_arabic=f"متدرب {i}",
            organization=organization,
        )
        for i in range(count)
    )
    now = timezone.now()
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            user=u,
            course_key=course.translation_key,
            completed_at=now - datetime.timedelta(days=i % 20) if i % 2 else None,
        )
        for i, u in enumerate(users)
    )
    lesson = LessonPage.objects.descendant_of(course).first()
    LessonCompletion.objects.bulk_create(
        LessonCompletion(user=u, course_key=course.translation_key, lesson_key=lesson.translation_key) for u in users
    )
    Certificate.objects.bulk_create(
        Certificate(
            user=e.user,
            course_key=course.translation_key,
            enrollment=e,
            holder_name_latin=e.user.name_latin,
            holder_name_arabic=e.user.name_arabic,
            course_title_en=course.title,
            course_title_ar=course.title,
            completed_on=e.completed_at.date(),
            status=Certificate.Status.READY,
            pdf_ar="x",
            pdf_en="y",
        )
        for e in enrollments
        if e.completed_at
    )
    if quiz:
        Attempt.objects.bulk_create(
            Attempt(
                user=u,
                quiz=quiz,
                quiz_key=quiz.translation_key,
                status="submitted",
                submitted_at=now,
                score=score,
                max_score=10,
                passed=score >= 7,
            )
            for u in users
            for score in (4, 8)
        )
    return users
