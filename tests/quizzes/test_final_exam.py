"""The final exam: drawn from every module's pool, required for completion and the certificate,
and stated (modules passed, exam score) on the certificate, its verification page and JSON."""

import datetime

import pytest
from django.utils import translation

from certificates.models import Certificate
from courses import selectors as course_selectors
from courses.models import Enrollment, LessonPage, ModulePage
from courses.services import lesson_complete
from quizzes import selectors, services
from quizzes.models import Attempt, Quiz
from quizzes.services import QuizError
from tests.quizzes.factories import question_add, right_values, wrong_values

pytestmark = pytest.mark.django_db


def take(user, quiz, *, right: bool):
    attempt = services.attempt_start(user=user, quiz=quiz)
    rows = selectors.attempt_rows(attempt=attempt)
    pick = right_values if right else wrong_values
    services.answers_save(attempt=attempt, answers={r.question_id: pick(r.question) for r in rows})
    return services.attempt_submit(attempt=attempt)


@pytest.fixture
def exam_course(course_tree, make_quiz, locales):
    """The course of `course_tree` with three modules, each with a quiz of six questions, and a
    final exam of six questions drawn from the three pools (2 attempts, 48 hours apart)."""
    course = course_tree["course"]
    modules = [course_tree["module"]]
    for n in (2, 3):
        quiz = make_quiz(kinds=[], title=f"Quiz {n}")
        module = course.add_child(
            instance=ModulePage(title=f"Module {n}", slug=f"module-{n}", quiz=quiz, locale=locales["en"])
        )
        module.add_child(instance=LessonPage(title=f"Lesson {n}", slug=f"lesson-{n}", body=[], locale=locales["en"]))
        modules.append(module)
    quizzes = [m.quiz for m in modules]
    quizzes[0].questions.all().delete()
    for quiz in quizzes:
        for index in range(1, 7):
            question_add(quiz, "single", index)
    exam = Quiz.objects.create(
        locale=locales["en"],
        title="Final exam",
        pass_mark=75,
        max_questions=6,
        random_order=True,
        attempts_allowed=2,
        attempts_per_period=1,
        cooldown_hours=48,
        review=Quiz.Review.AFTER_PASSING,
        time_limit_minutes=45,
    )
    exam.pools.set(quizzes)
    course.final_exam = exam
    course.save()
    return {"course": course, "modules": modules, "quizzes": quizzes, "exam": exam}


def test_the_exam_draws_evenly_from_every_module_pool(exam_course, trainee):
    exam, quizzes = exam_course["exam"], exam_course["quizzes"]
    attempt = services.attempt_start(user=trainee, quiz=exam)
    drawn = list(attempt.answers.values_list("question__quiz_id", flat=True))
    assert sorted(drawn) == sorted([q.pk for q in quizzes] * 2)
    assert attempt.max_score == 6
    assert attempt.deadline is not None
    overview = selectors.quiz_overview(user=trainee, quiz=selectors.quiz_get(user=trainee, pk=exam.pk))
    assert overview.question_count == 18 and overview.questions_per_attempt == 6


def test_a_second_exam_attempt_waits_48_hours_and_asks_other_questions(exam_course, trainee):
    exam = exam_course["exam"]
    first = take(trainee, exam, right=False)
    with pytest.raises(QuizError) as refused:
        services.attempt_start(user=trainee, quiz=exam)
    assert refused.value.status == 409
    Attempt.objects.filter(pk=first.pk).update(
        started_at=first.started_at.replace(year=first.started_at.year - 1),
        submitted_at=first.submitted_at.replace(year=first.submitted_at.year - 1),
    )
    second = services.attempt_start(user=trainee, quiz=exam)
    first_keys = set(first.answers.values_list("question__quiz_id", "question__key"))
    second_keys = set(second.answers.values_list("question__quiz_id", "question__key"))
    assert not first_keys & second_keys
    take(trainee, exam, right=False)  # the second attempt, failed
    with translation.override("en"), pytest.raises(QuizError) as refused:
        services.attempt_start(user=trainee, quiz=exam)
    assert "all 2 attempts" in refused.value.message


def test_the_course_and_its_certificate_need_the_exam(exam_course, trainee):
    course = exam_course["course"]
    for lesson in LessonPage.objects.descendant_of(course).live():
        lesson_complete(user=trainee, lesson=lesson)
    for quiz in exam_course["quizzes"]:
        take(trainee, quiz, right=True)
    enrollment = Enrollment.objects.get(user=trainee, course_key=course.translation_key)
    outline = course_selectors.course_outline(course=course, user=trainee, fresh=True)
    assert outline.modules_complete and not outline.complete
    assert enrollment.completed_at is None and not Certificate.objects.filter(user=trainee).exists()
    assert outline.steps_done.quizzes == 4 and outline.steps_done.quizzes_passed == 3

    take(trainee, exam_course["exam"], right=True)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    certificate = Certificate.objects.get(user=trainee)
    assert certificate.assessment["exam"] == {"title": {"en": "Final exam"}, "percent": 100, "pass_mark": 75}
    assert [m["percent"] for m in certificate.assessment["modules"]] == [100, 100, 100]


def test_the_certificate_and_its_verification_state_what_was_assessed(client, exam_course, trainee):
    certificate = Certificate.objects.create(
        user=trainee,
        course_key=exam_course["course"].translation_key,
        holder_name_latin="Layla Haddad",
        holder_name_arabic="ليلى حداد",
        course_title_en="Course",
        course_title_ar="الدورة",
        completed_on=datetime.date(2026, 12, 1),
        status=Certificate.Status.READY,
        assessment={
            "modules": [
                {"title": {"en": f"Quiz {n}", "ar": f"اختبار {n}"}, "percent": 80 + n, "pass_mark": 70}
                for n in range(3)
            ],
            "exam": {"title": {"en": "Final exam", "ar": "الاختبار النهائي"}, "percent": 84, "pass_mark": 75},
        },
    )
    data = client.get(f"/verify/{certificate.code}/", {"format": "json"}).json()
    assert data["assessment"] == {
        "modules_passed": 3,
        "modules": [{"title": {"en": f"Quiz {n}", "ar": f"اختبار {n}"}, "score_percent": 80 + n} for n in range(3)],
        "exam": {"title": {"en": "Final exam", "ar": "الاختبار النهائي"}, "score_percent": 84, "pass_mark_percent": 75},
    }
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "3 module quizzes passed" in page and "final exam: 84% (pass mark 75%)" in page
    assert "النجاح في ٣ من اختبارات الوحدات" in page and "الاختبار النهائي: ٨٤٪" in page
    from certificates.pdf import certificate_html

    assert "final exam: 84%" in certificate_html(certificate, "en")
    assert "الاختبار النهائي: ٨٤٪" in certificate_html(certificate, "ar")


def test_the_course_page_shows_the_exam_after_the_modules(client, exam_course, trainee):
    from wagtail.models import Site

    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": exam_course["course"].get_parent()}
    )
    client.force_login(trainee)
    with translation.override("en"):
        page = client.get(exam_course["course"].get_url()).content.decode()
    assert "Final exam" in page and f"/quizzes/{exam_course['exam'].pk}/" in page


@pytest.mark.django_db(transaction=True)
def test_two_exam_starts_at_once_open_one_attempt(locales, make_quiz):
    """A double click, or two tabs: both starts get the same attempt, never two."""
    import threading

    from django.db import connections

    from tests.factories import UserFactory

    module = make_quiz(kinds=["single"] * 4)
    exam = Quiz.objects.create(locale=locales["en"], title="Exam", max_questions=2, attempts_allowed=2)
    exam.pools.set([module])
    trainee = UserFactory()
    started, barrier = [], threading.Barrier(2)

    def start():
        try:
            barrier.wait(10)
            started.append(services.attempt_start(user=trainee, quiz=exam).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(started) == 2 and len(set(started)) == 1
    assert Attempt.objects.filter(user=trainee, quiz=exam).count() == 1
