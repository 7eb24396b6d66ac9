"""Stored XSS: markup typed by a trainee, an editor or a content file is shown as text (or
stripped) on every page that shows it back, in the certificate PDFs and in the HR exports.

The lesson bodies' HTML sanitizing itself is tested in tests/courses/test_loader.py
(test_html_is_sanitized); names with markup are refused by the sign-up and profile forms
(tests/accounts/test_accounts.py::test_names_with_markup_are_refused). Here: what the
pages do with such text when it is in the database anyway."""

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from certificates import pdf
from certificates import services as certificate_services
from courses.models import CoursePage, LessonPage
from hr import services as hr_services
from interviews import services as practice_services
from interviews.models import InterviewQuestion
from quizzes import services as quiz_services
from quizzes.models import Quiz
from tests.certificates.factories import issued
from tests.conftest import write_course_tree
from tests.factories import UserFactory
from tests.security.markup import XSS, XSS_BREAKOUT, assert_shown_escaped, blocked_by_policy, page_text
from tests.security.world import World

pytestmark = pytest.mark.django_db

CONTENT = Path(settings.BASE_DIR) / "content"


# Names: created straight in the database (an admin can type anything) -----------------------


@pytest.fixture
def marked_up_holder(request):
    """A trainee whose names carry markup, with a completed and rendered certificate."""
    world = World(request)
    trainee = UserFactory(
        organization=world.org,
        name_latin=f"=HYPERLINK(1) {XSS}",
        name_arabic=f"ليلى {XSS}",
        names_confirmed_at=timezone.now(),
    )
    certificate = issued(trainee, world.certificate_course, render=True)
    return world, trainee, certificate


@pytest.mark.parametrize("language", ["ar", "en"])
def test_names_are_escaped_in_the_certificate_pdf(marked_up_holder, language):
    _world, _trainee, certificate = marked_up_holder
    html = pdf.certificate_html(certificate, language)
    assert not blocked_by_policy(html)
    assert XSS not in html
    with certificate_services.private_storage().open(certificate.pdf_name(language), "rb") as fh:
        text = pypdf.PdfReader(io.BytesIO(fh.read())).pages[0].extract_text()
    # Printed as the characters typed, not interpreted.
    assert "alert(1)" in text and "script>" in text


def test_names_are_escaped_on_the_certificate_and_verification_pages(marked_up_holder, client):
    world, trainee, certificate = marked_up_holder
    client.force_login(trainee)
    for url in [f"/en/certificates/{certificate.code}/", f"/ar/certificates/{certificate.code}/", "/en/certificates/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert not blocked_by_policy(response.text) and XSS not in response.text, url
    client.logout()
    response = client.get(f"/verify/{certificate.code}/")
    assert_shown_escaped(response.text)


def test_names_are_escaped_on_the_hr_dashboard(marked_up_holder, client):
    world, _trainee, _certificate = marked_up_holder
    client.force_login(world.hr_same_org)
    for language in ["en", "ar"]:
        response = client.get(f"/{language}/hr/")
        assert response.status_code == 200
        assert_shown_escaped(response.text)


def test_names_are_plain_cells_in_the_hr_csv(marked_up_holder, client):
    world, trainee, _certificate = marked_up_holder
    client.force_login(world.hr_same_org)
    response = client.get("/en/hr/trainees.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")  # never shown as a page
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    row = next(r for r in rows[1:] if "alert(1)" in r[0])
    # The whole name in one cell, and a leading "=" does not make it a spreadsheet formula.
    assert row[0] == "'" + trainee.name_latin
    assert row[1] == trainee.name_arabic


def test_names_are_plain_cells_in_the_zip_manifest(marked_up_holder):
    world, trainee, _certificate = marked_up_holder
    export = hr_services.export_create(user=world.hr_same_org, filters={})
    export = hr_services.export_build(export_id=export.pk)
    with certificate_services.private_storage().open(export.file, "rb") as fh:
        manifest = zipfile.ZipFile(io.BytesIO(fh.read())).read("certificates.csv").decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(manifest)) if "alert(1)" in ",".join(r))
    assert row[1] == "'" + trainee.name_latin  # not run as a formula by a spreadsheet
    assert row[2] == trainee.name_arabic


# What trainees type: practice answers and essays -------------------------------------------


def test_practice_answers_are_escaped_on_the_reveal_and_report_pages(request, client):
    world = World(request)
    answer = world.practice_open_answer
    client.force_login(world.trainee)
    response = client.post(f"/en/interviews/answers/{answer.pk}/submit/", {"answer": XSS + XSS_BREAKOUT})
    assert response.status_code == 302
    for url in [f"/en/interviews/answers/{answer.pk}/reveal/", f"/ar/interviews/answers/{answer.pk}/reveal/"]:
        assert_shown_escaped(client.get(url).text)
    client.post(f"/en/interviews/answers/{answer.pk}/rate/", {"rating": "good"})
    report = client.get(f"/en/interviews/sessions/{answer.session_id}/report/")
    assert report.status_code == 200
    assert not blocked_by_policy(report.text) and XSS not in report.text


def test_a_too_long_practice_answer_is_shown_back_escaped(request, client):
    world = World(request)
    answer = world.practice_open_answer
    client.force_login(world.trainee)
    text = XSS_BREAKOUT + "x" * practice_services.MAX_ANSWER_CHARS
    response = client.post(f"/en/interviews/answers/{answer.pk}/submit/", {"answer": text})
    assert response.status_code == 400  # kept in the box so the trainee can shorten it
    assert not blocked_by_policy(response.text)
    assert XSS_BREAKOUT not in response.text


def test_mock_interview_answers_are_escaped_on_the_report(request, client):
    world = World(request)
    world.practice_bank  # noqa: B018
    session = practice_services.mock_start(user=world.trainee, level="specialist", count=3, locale=world.locales["en"])
    client.force_login(world.trainee)
    for answer in session.answers.order_by("position"):
        client.post(f"/en/interviews/answers/{answer.pk}/submit/", {"answer": XSS})
    report = client.get(f"/en/interviews/sessions/{session.pk}/report/")
    assert report.status_code == 200
    assert not blocked_by_policy(report.text) and XSS not in report.text


def test_essay_answers_are_escaped_when_taken_marked_and_reviewed(request, client):
    world = World(request)
    attempt = quiz_services.attempt_start(user=world.trainee, quiz=world.quiz)
    essay = world.essay_question
    client.force_login(world.trainee)
    text = XSS + XSS_BREAKOUT
    client.post(f"/en/quizzes/attempts/{attempt.pk}/", {"question": essay.pk, f"q-{essay.pk}": text, "go": "3"})
    # Shown back in its textarea: no way out of it.
    take = client.get(f"/en/quizzes/attempts/{attempt.pk}/?q=3")
    assert take.status_code == 200
    assert not blocked_by_policy(take.text) and XSS_BREAKOUT not in take.text
    client.post(f"/en/quizzes/attempts/{attempt.pk}/submit/")
    response = attempt.answers.get(question=essay)

    client.force_login(world.marker)
    marking = client.get(f"/en/quizzes/marking/{response.pk}/")
    assert marking.status_code == 200
    assert_shown_escaped(marking.text, XSS)
    queue = client.get("/en/quizzes/marking/")
    assert not blocked_by_policy(queue.text) and XSS not in queue.text
    client.post(f"/en/quizzes/marking/{response.pk}/", {"points": "1", "comment": XSS})

    client.force_login(world.trainee)
    result = client.get(f"/en/quizzes/attempts/{attempt.pk}/result/")
    assert result.status_code == 200
    assert_shown_escaped(result.text, XSS)  # the marker's comment


# Content files: titles, headings, tables, quotes, quizzes, interview questions ---------------


@pytest.fixture
def marked_up_content(tmp_path):
    """A content tree (one course, a quiz, interview questions) with markup in every text field."""
    root = write_course_tree(tmp_path / "content", modules=1, lessons=1, quiz_keys=["seo-quiz"])
    for language in ("en", "ar"):
        for kind, name in (("quizzes", "seo-quiz.yaml"), ("interviews", "seo.yaml")):
            (root / language / kind).mkdir(exist_ok=True)
            shutil.copy(CONTENT / language / kind / name, root / language / kind / name)
        shutil.copy(CONTENT / language / "quiz-categories.yaml", root / language)  # the quiz's categories
        # The modules and lessons the shipped files link to are not in this tree.
        interviews = root / language / "interviews/seo.yaml"
        data = yaml.safe_load(interviews.read_text(encoding="utf-8"))
        data.pop("modules", None)
        interviews.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        quiz = root / language / "quizzes/seo-quiz.yaml"
        data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
        for question in data["questions"]:
            question.pop("lesson", None)
        quiz.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    quoted = XSS.replace('"', '\\"')
    lesson = root / "en/courses/demo-course/module-1/lesson-1-1.md"
    text = lesson.read_text(encoding="utf-8").replace("title: Lesson 1.1 en", f'title: "Lesson {quoted}"', 1)
    text += (
        f"\n## Heading {XSS}\n\n| a | b |\n| --- | --- |\n| {XSS} | x |\n\n> {XSS}\n> — {XSS}\n\n"
        f":::keypoints\n- {XSS}\n:::\n\n:::tip Title {XSS}\nBody {XSS}\n:::\n"
    )
    lesson.write_text(text, encoding="utf-8")
    course = root / "en/courses/demo-course/course.md"
    course.write_text(course.read_text(encoding="utf-8").replace("summary: S en", f'summary: "S {quoted}"'))
    # The shipped quiz and interview files, with markup in their texts (edited as data, so that
    # rewording the shipped content never breaks this test).
    quiz = root / "en/quizzes/seo-quiz.yaml"
    data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
    data["title"] = f"{XSS} {data['title']}"
    data["questions"][0]["text"] = f"{XSS} {data['questions'][0]['text']}"
    data["questions"][0]["choices"][0]["text"] = f"{XSS} {data['questions'][0]['choices'][0]['text']}"
    quiz.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    interviews = root / "en/interviews/seo.yaml"
    data = yaml.safe_load(interviews.read_text(encoding="utf-8"))
    data["questions"][0]["prompt"] = f"{XSS} {data['questions'][0]['prompt']}"
    interviews.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    call_command("load_content", root=root)
    return root


def test_markup_in_content_files_is_escaped_or_stripped_everywhere(marked_up_content, client):
    trainee = UserFactory()
    client.force_login(trainee)
    lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code="en")
    course = CoursePage.objects.get(slug="demo-course", locale__language_code="en")
    quiz = Quiz.objects.get(locale__language_code="en", title__contains="alert(1)")
    assert quiz.questions.filter(text__contains="alert(1)").exists()
    question = InterviewQuestion.objects.get(locale__language_code="en", prompt__contains="alert(1)")

    client.post(f"/en/learn/courses/{course.pk}/enroll/")
    attempt = quiz_services.attempt_start(user=trainee, quiz=quiz)
    first = attempt.answers.order_by("position").first()
    quiz_services.attempt_submit(attempt=attempt)
    session = practice_services.practice_start(user=trainee)
    answer = practice_services.practice_next(session=session, locale=lesson.locale)
    answer.question = question
    answer.question_key = question.translation_key
    answer.save()

    pages = [
        "/en/",
        course.url,
        lesson.get_parent().url,
        lesson.url,
        "/en/learn/",
        "/en/learn/search/?q=Lesson",
        f"/en/quizzes/{quiz.pk}/",
        f"/en/quizzes/attempts/{attempt.pk}/result/",
        "/en/quizzes/mine/",
        f"/en/interviews/answers/{answer.pk}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not blocked_by_policy(response.text), (url, blocked_by_policy(response.text))
        assert XSS not in response.text, url
    assert "alert(1)" in page_text(client.get(lesson.url).text)  # the title, shown as text
    assert first.pk
