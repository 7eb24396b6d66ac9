"""The end of a trainee's journey: one way of showing progress, the module quiz in the outlines,
a lesson marked not done, and the course complete page a passed exam leads to."""

import re

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from certificates.models import Certificate
from courses import selectors, services
from courses.models import Enrollment, LessonCompletion, LessonPage
from courses.templatetags.reading import arabic_text_digits
from tests.courses.journey import course_with_exam, finish, take
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WESTERN = re.compile(r"[0-9]")


@pytest.fixture
def journey(db):
    return course_with_exam()


def first_lesson(course):
    return LessonPage.objects.descendant_of(course).live().order_by("path").first()


def main_text(response) -> str:
    html = response.content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text)


# --- progress: one definition, shown one way ---------------------------------------------


def test_progress_reads_lessons_and_quizzes_the_exam_counting_as_a_quiz(client, journey, trainee):
    course = journey["course"]["en"]
    services.lesson_complete(user=trainee, lesson=first_lesson(course))
    client.force_login(trainee)
    text = main_text(client.get(course.url))
    assert "1 of 2 lessons · 0 of 3 quizzes" in text
    assert "20% complete" in text  # 1 of 5 steps
    assert selectors.course_outline(course=course, user=trainee).percent == 20
    my_learning = main_text(client.get("/en/learn/"))
    assert "1 of 2 lessons · 0 of 3 quizzes" in my_learning and "20% complete" in my_learning


def test_progress_in_arabic_uses_the_plural_of_each_number(client, journey, trainee):
    course = journey["course"]["ar"]
    services.lesson_complete(user=trainee, lesson=first_lesson(course))
    client.force_login(trainee)
    text = main_text(client.get(course.url))
    assert "١ من ٢ درسين · ٠ من ٣ اختبارات" in text
    assert "أُنجز ٢٠٪" in text


@pytest.mark.parametrize(
    ("count", "lessons", "quizzes"),
    [
        (1, "١ من ١ درس", "١ من ١ اختبار"),
        (2, "١ من ٢ درسين", "١ من ٢ اختبارين"),
        (7, "١ من ٧ دروس", "١ من ٧ اختبارات"),
        (22, "١ من ٢٢ درسًا", "١ من ٢٢ اختبارًا"),
        (100, "١ من ١٠٠ درس", "١ من ١٠٠ اختبار"),
    ],
)
def test_the_arabic_catalog_has_a_form_for_each_plural(count, lessons, quizzes):
    with translation.override("ar"):
        numbers = {"done": "١", "total": str(count).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))}
        lesson_text = ngettext("%(done)s of %(total)s lesson", "%(done)s of %(total)s lessons", count) % numbers
        quiz_text = ngettext("%(done)s of %(total)s quiz", "%(done)s of %(total)s quizzes", count) % numbers
    assert (lesson_text, quiz_text) == (lessons, quizzes)
    assert "٢٢ دروس" not in lesson_text


def test_hr_sees_the_same_progress_text(client, journey, trainee, organization):
    services.lesson_complete(user=trainee, lesson=first_lesson(journey["course"]["en"]))
    hr = UserFactory(organization=organization, role="hr")
    client.force_login(hr)
    assert "1 of 2 lessons · 0 of 3 quizzes" in main_text(client.get("/en/hr/"))


# --- the module quiz in the outlines -------------------------------------------------------


def test_the_module_quiz_and_the_exam_are_links_in_the_outline_and_the_lesson_sidebar(client, journey, trainee):
    course = journey["course"]["en"]
    quiz = journey["quizzes"][0]["en"]
    quiz_link = f'href="/en/quizzes/{quiz.pk}/"'
    client.force_login(trainee)
    for page in (course, first_lesson(course), first_lesson(course).get_parent()):
        html = client.get(page.url).content.decode()
        assert quiz_link in html, page.url
    sidebar = client.get(first_lesson(course).url).content.decode()
    assert f'href="/en/quizzes/{journey["exam"]["en"].pk}/"' in sidebar


# --- a lesson marked done can be marked not done -----------------------------------------


def test_a_lesson_marked_done_can_be_marked_not_done(client, journey, trainee):
    course = journey["course"]["en"]
    lesson = first_lesson(course)
    client.force_login(trainee)
    client.post(f"/en/learn/lessons/{lesson.pk}/done/")
    assert "1 of 2 lessons" in main_text(client.get(course.url))  # the progress is cached now
    page = client.get(lesson.url).content.decode()
    assert f'action="/en/learn/lessons/{lesson.pk}/undone/"' in page

    response = client.post(f"/en/learn/lessons/{lesson.pk}/undone/")
    assert response.status_code == 302 and response["Location"] == lesson.url
    assert not LessonCompletion.objects.filter(user=trainee).exists()
    assert "0 of 2 lessons" in main_text(client.get(course.url))  # the cache was cleared
    assert f'action="/en/learn/lessons/{lesson.pk}/done/"' in client.get(lesson.url).content.decode()
    assert client.post(f"/en/learn/lessons/{lesson.pk}/undone/").status_code == 302  # twice: no error


def test_marking_not_done_needs_a_post_and_a_live_lesson(client, journey, trainee):
    lesson = first_lesson(journey["course"]["en"])
    client.force_login(trainee)
    assert client.get(f"/en/learn/lessons/{lesson.pk}/undone/").status_code == 405
    assert client.post("/en/learn/lessons/999999/undone/").status_code == 404


def test_a_completed_course_stays_completed_when_a_lesson_is_marked_not_done(journey, trainee):
    finish(trainee, journey)
    course = journey["course"]["en"]
    assert services.lesson_uncomplete(user=trainee, lesson=first_lesson(course))
    enrollment = Enrollment.objects.get(user=trainee, course_key=course.translation_key)
    assert enrollment.completed_at is not None
    assert Certificate.objects.get(user=trainee).status != Certificate.Status.REVOKED
    assert selectors.course_outline(course=course, user=trainee).steps_done.lessons_done == 1


# --- the course complete page ----------------------------------------------------------------


def test_passing_the_exam_leads_to_the_course_complete_page(client, journey, trainee):
    attempt = finish(trainee, journey)
    course = journey["course"]["en"]
    assert attempt.passed
    assert selectors.courses_completed_with(user=trainee, quiz=attempt.quiz) == [course]
    client.force_login(trainee)
    result = client.get(f"/en/quizzes/attempts/{attempt.pk}/result/").content.decode()
    url = f"/en/certificates/courses/{course.pk}/complete/"
    assert f'href="{url}"' in result

    page = client.get(url)
    assert page.status_code == 200
    text = main_text(page)
    assert "Course complete" in text and "Demo course" in text
    assert "2 module quizzes passed" in text and "Quiz 1 en: 100%" in text
    assert "Final exam en : 100% (pass mark 75%)" in text
    certificate = Certificate.objects.get(user=trainee)
    assert f'href="/en/certificates/{certificate.code}/"' in page.content.decode()
    # ... and the certificate page links back to it.
    assert f'href="{url}"' in client.get(f"/en/certificates/{certificate.code}/").content.decode()


def test_the_courses_using_a_quiz_follow_the_content_on_the_next_call(journey):
    # Kept between requests (the course-structures layer); a change to the course is seen at once.
    course = journey["course"]["en"]
    quiz, exam = journey["quizzes"][0]["en"], journey["exam"]["en"]
    assert selectors.course_ids_using(quiz=quiz) == selectors.course_ids_using(quiz=exam) == (course.pk,)
    module = course.get_children().live().first().specific
    assert module.quiz == quiz
    module.unpublish()
    assert selectors.course_ids_using(quiz=quiz) == ()
    course.final_exam = None
    course.save()
    assert selectors.course_ids_using(quiz=exam) == ()
    assert selectors.course_ids_using(quiz=journey["quizzes"][1]["en"]) == (course.pk,)


def test_a_module_quiz_result_before_the_end_does_not_link_to_the_course_complete_page(client, journey, trainee):
    attempt = take(trainee, journey["quizzes"][0]["en"])
    assert attempt.passed
    client.force_login(trainee)
    result = client.get(f"/en/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert "/complete/" not in result


def test_the_course_complete_page_is_for_the_trainee_who_completed_the_course(client, journey, trainee):
    course = journey["course"]["en"]
    url = f"/en/certificates/courses/{course.pk}/complete/"
    client.force_login(trainee)
    assert client.get(url).status_code == 404  # not enrolled
    services.lesson_complete(user=trainee, lesson=first_lesson(course))
    assert client.get(url).status_code == 404  # enrolled, not complete
    finish(trainee, journey)
    assert client.get(url).status_code == 200
    assert client.get(f"/ar/certificates/courses/{journey['course']['ar'].pk}/complete/").status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_arabic_course_complete_page_says_what_was_achieved_in_arabic(client, journey, trainee):
    finish(trainee, journey, language="ar")
    client.force_login(trainee)
    text = main_text(client.get(f"/ar/certificates/courses/{journey['course']['ar'].pk}/complete/"))
    assert "أتممت الدورة" in text and "Final exam ar : ١٠٠٪ (علامة النجاح ٧٥٪)" in text


# --- one digit style on an Arabic page ----------------------------------------------------


def test_the_digits_of_arabic_text_follow_the_interface_but_not_code_urls_or_latin_words():
    html = '<p data-n="3">نشر 3 منشورات في 2024 بنسبة 4.5% و10,000 متابع&#39; GA4 <a href="/a/2">7</a></p><code>x = 5</code>'
    assert arabic_text_digits(html) == (
        '<p data-n="3">نشر ٣ منشورات في ٢٠٢٤ بنسبة ٤٫٥٪ و١٠٬٠٠٠ متابع&#39; GA4 <a href="/a/2">٧</a></p><code>x = 5</code>'
    )


def test_an_arabic_lesson_page_has_one_digit_style(client, journey, trainee):
    lesson = first_lesson(journey["course"]["ar"])
    lesson.body = [("rich_text", "<p>انشر 3 مرات في الأسبوع، و20% من المحتوى ترويجي.</p>")]
    lesson.save()
    client.force_login(trainee)
    text = main_text(client.get(lesson.url))
    assert "انشر ٣ مرات" in text and "و٢٠٪" in text
    assert not WESTERN.search(text.replace("GA4", "")), WESTERN.findall(text)
    english = first_lesson(journey["course"]["en"])
    assert "Text of lesson 1.1 in en" in main_text(client.get(english.url))


def submit_through_the_page(client, user, quiz):
    """Start `quiz` as `user`, answer it right, and submit it as the summary page does."""
    from quizzes import selectors as quiz_selectors
    from quizzes import services as quiz_services
    from tests.quizzes.factories import right_values

    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    rows = quiz_selectors.attempt_rows(attempt=attempt)
    quiz_services.answers_save(attempt=attempt, answers={r.question_id: right_values(r.question) for r in rows})
    return attempt, client.post(f"/en/quizzes/attempts/{attempt.pk}/submit/")


def test_submitting_the_attempt_that_completes_the_course_lands_on_the_course_complete_page(client, journey, trainee):
    course = journey["course"]["en"]
    for lesson in LessonPage.objects.descendant_of(course).live():
        services.lesson_complete(user=trainee, lesson=lesson)
    client.force_login(trainee)
    first, response = submit_through_the_page(client, trainee, journey["quizzes"][0]["en"])
    assert response["Location"] == f"/en/quizzes/attempts/{first.pk}/result/"  # the course goes on
    for quizzes in journey["quizzes"][1:]:
        submit_through_the_page(client, trainee, quizzes["en"])
    _exam, response = submit_through_the_page(client, trainee, journey["exam"]["en"])
    assert response["Location"] == f"/en/certificates/courses/{course.pk}/complete/"
    # A quiz taken again after the course was completed shows its result, as any other.
    again, response = submit_through_the_page(client, trainee, journey["quizzes"][0]["en"])
    assert response["Location"] == f"/en/quizzes/attempts/{again.pk}/result/"
