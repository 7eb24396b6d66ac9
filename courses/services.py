"""Writes for courses: enrolling, marking lessons done, completing a course."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.db import hint_write

from . import caches, events, selectors
from .models import CoursePage, Enrollment, LessonCompletion, LessonPage


def enrollment_create(*, user, course: CoursePage) -> Enrollment:
    """Enroll `user` in `course` (any language); enrolling twice changes nothing."""
    enrollment, _ = Enrollment.objects.get_or_create(user=user, course_key=course.translation_key)
    return enrollment


# Reading the same lesson again within this time writes nothing: a page view stays a read.
VISIT_RESOLUTION = timedelta(minutes=5)


def lesson_visit(*, user, lesson: LessonPage, course_key, enrollment: Enrollment | None = None) -> None:
    """Remember the lesson as the place to continue from (for enrolled trainees).

    Given the trainee's `enrollment` as read for the page, nothing is written when it already
    points at this lesson and was active within VISIT_RESOLUTION."""
    now = timezone.now()
    if (
        enrollment is not None
        and enrollment.last_lesson_key == lesson.translation_key
        and now - enrollment.last_activity_at < VISIT_RESOLUTION
    ):
        return
    with hint_write():  # a lost place costs a trainee one click; waiting for the disk costs every page
        Enrollment.objects.filter(user=user, course_key=course_key).update(
            last_lesson_key=lesson.translation_key, last_activity_at=now
        )
    caches.places_forget(user.pk)  # an update() sends no signal; only the place moved


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> LessonCompletion:
    """Mark `lesson` done for `user`, enrolling them if needed, and complete the course if it was the last step."""
    course = lesson.get_parent().get_parent().specific
    enrollment_create(user=user, course=course)
    completion, _ = LessonCompletion.objects.get_or_create(
        user=user, lesson_key=lesson.translation_key, defaults={"course_key": course.translation_key}
    )
    lesson_visit(user=user, lesson=lesson, course_key=course.translation_key)
    course_completion_check(user=user, course=course)
    return completion


@transaction.atomic
def lesson_uncomplete(*, user, lesson: LessonPage) -> bool:
    """Mark `lesson` not done for `user` (a trainee who clicked "done" too soon). Return True if it was done.

    A completed course stays completed and its certificate stays valid: a completion, once given,
    is withdrawn only when a result it rests on is withdrawn (`course_completion_recheck`), never
    because a trainee reopens a lesson to read it again. The post_delete signal of each row
    clears the progress cache (courses/signals.py)."""
    deleted, _ = LessonCompletion.objects.filter(user=user, lesson_key=lesson.translation_key).delete()
    return bool(deleted)


def course_completion_check(*, user, course: CoursePage) -> Enrollment | None:
    """Complete the enrollment when every required module is complete and announce it
    (`course_completed`: certificates issues the certificate in the same transaction). Return the
    enrollment if it is complete."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user=user, course_key=course.translation_key).first()
        if enrollment is None:
            return None
        if enrollment.completed_at:
            return enrollment
        if not selectors.course_outline(course=course, user=user, fresh=True).complete:
            return None
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["completed_at"])
        events.course_completed.send(sender=CoursePage, user=user, course=course, enrollment=enrollment)
        return enrollment


def course_completion_recheck(*, user, course: CoursePage) -> None:
    """Withdraw a completion the results no longer support (a passed essay marked again as a
    fail), and announce it (`course_completion_withdrawn`: certificates withdraws the certificate);
    completing the course again issues a new one."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user=user, course_key=course.translation_key).first()
        if enrollment is None or enrollment.completed_at is None:
            return
        if selectors.course_outline(course=course, user=user, fresh=True).complete:
            return
        enrollment.completed_at = None
        enrollment.save(update_fields=["completed_at"])
        events.course_completion_withdrawn.send(sender=CoursePage, user=user, course_key=course.translation_key)


def _courses_using(quiz) -> list[CoursePage]:
    """The courses in `quiz`'s language that use it (selectors.course_ids_using): one query at most."""
    ids = selectors.course_ids_using(quiz=quiz)
    return list(CoursePage.objects.filter(pk__in=ids).order_by("path")) if ids else []


def quiz_pass_withdrawn(*, user, quiz) -> None:
    """When a passed attempt of `quiz` is marked again as a fail: recheck the courses using it."""
    for course in _courses_using(quiz):
        course_completion_recheck(user=user, course=course)


def quiz_passed(*, user, quiz) -> None:
    """When `user` passes `quiz`: enroll them in the courses whose modules use it and check completion."""
    for course in _courses_using(quiz):
        enrollment_create(user=user, course=course)
        course_completion_check(user=user, course=course)
