"""Bilingual upkeep: a page, quiz or interview question changed in one language flags its other
language "out of date" (dashboard panel, page explorer, snippet listings) until that language is
saved again or marked as reviewed; loading both languages from the files is in sync."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from content import loader
from core.models import TranslationStatus
from courses.models import LessonPage
from interviews.models import InterviewQuestion, KeyPoint
from quizzes.models import Question, Quiz
from tests.conftest import write_course_tree
from tests.factories import EditorFactory, UserFactory
from tests.interviews.test_interview_content import good_tree
from tests.quizzes.test_quiz_content import KEY as QUIZ_KEY
from tests.quizzes.test_quiz_content import sample, write_file

pytestmark = pytest.mark.django_db
HOME = "/admin/"


@pytest.fixture
def loaded(tmp_path):
    """A course, a quiz and interview questions in both languages, loaded from files."""
    root = write_course_tree(tmp_path / "content", quiz_keys=[QUIZ_KEY, QUIZ_KEY])
    for lang in ("en", "ar"):
        write_file(root, lang, sample(lang))
        categories = {"categories": [{"key": key, "label": f"{key} {lang}"} for key in ("role", "duties")]}
        (root / lang / "quiz-categories.yaml").write_text(yaml.safe_dump(categories), encoding="utf-8")
    good_tree(root)
    loader.content_load(root=root)
    return root


def flagged() -> set[tuple]:
    return set(TranslationStatus.objects.filter(out_of_date=True).values_list("translation_key", "language"))


def lesson(language: str) -> LessonPage:
    return LessonPage.objects.get(slug="lesson-1-1", locale__language_code=language)


def publish(page, user=None, title_suffix=" (edited)"):
    page.title += title_suffix
    page.save_revision(user=user).publish()


@pytest.fixture
def editor(client):
    user = EditorFactory()
    client.force_login(user)
    return user


def test_loading_both_languages_flags_nothing(loaded):
    assert flagged() == set()


def test_an_english_lesson_edit_flags_the_arabic_one_until_it_is_saved(loaded, editor, client):
    publish(lesson("en"), editor)
    key = lesson("en").translation_key
    assert flagged() == {(key, "ar")}

    panel = client.get(HOME).content.decode()
    assert "Translations out of date (1)" in panel
    assert lesson("ar").title in panel and "Mark translation as reviewed" in panel
    explorer = client.get(reverse("wagtailadmin_explore", args=[lesson("ar").get_parent().pk])).content.decode()
    assert explorer.count("Translation out of date") == 1
    english = client.get(reverse("wagtailadmin_explore", args=[lesson("en").get_parent().pk])).content.decode()
    assert "Translation out of date" not in english

    # The translator brings the Arabic lesson up to date: nothing is flagged, English included.
    publish(lesson("ar"), editor, " (محدث)")
    assert flagged() == set()
    # A later change of the Arabic one is a change the English one has not seen.
    publish(lesson("ar"), editor, " ٢")
    assert flagged() == {(key, "en")}


def test_marking_reviewed_clears_the_flag_and_records_who_and_when(loaded, editor, client):
    publish(lesson("en"), editor)
    arabic = lesson("ar")
    response = client.post(reverse("content_translation_review", args=["page", arabic.pk]), {"next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    assert flagged() == set()
    status = TranslationStatus.objects.get(translation_key=arabic.translation_key, language="ar")
    assert status.reviewed_by == editor and status.reviewed_at is not None
    assert "Every translation is up to date." in client.get(HOME).content.decode()


def test_a_quiz_and_its_questions_flag_the_other_language(loaded, editor, client):
    en = Quiz.objects.get(locale__language_code="en")
    ar = Quiz.objects.get(locale__language_code="ar")
    question = Question.objects.filter(quiz=en).first()
    question.text += " (edited)"
    question.save()
    assert flagged() == {(en.translation_key, "ar")}
    listing = client.get(reverse("wagtailsnippets_quizzes_quiz:list")).content.decode()
    assert listing.count("Out of date") == 1
    assert ar.title in client.get(HOME).content.decode()

    ar.description = "وصف محدث"
    ar.save()
    assert flagged() == set()


def test_an_interview_question_flags_the_other_language_until_reviewed(loaded, editor, client):
    en = InterviewQuestion.objects.filter(locale__language_code="en").first()
    ar = InterviewQuestion.objects.get(translation_key=en.translation_key, locale__language_code="ar")
    point = KeyPoint.objects.filter(question=en).first()
    point.phrases = [*point.phrases, "a new phrase"]
    point.save()
    assert flagged() == {(en.translation_key, "ar")}
    listing = client.get(reverse("wagtailsnippets_interviews_interviewquestion:list")).content.decode()
    assert listing.count("Out of date") == 1

    client.post(reverse("content_translation_review", args=["interview-question", ar.pk]))
    assert flagged() == set()


def test_listings_read_the_flags_in_one_query_whatever_is_flagged(loaded, editor, client):
    url = reverse("wagtailsnippets_interviews_interviewquestion:list")
    client.get(url)
    with CaptureQueriesContext(connection) as none_flagged:
        client.get(url)
    for question in InterviewQuestion.objects.filter(locale__language_code="en"):
        question.save()
    assert len(flagged()) == InterviewQuestion.objects.filter(locale__language_code="ar").count() > 1
    with CaptureQueriesContext(connection) as all_flagged:
        page = client.get(url).content.decode()
    assert page.count("Out of date") == len(flagged())
    assert len(all_flagged) == len(none_flagged)


def test_a_load_puts_both_languages_back_in_sync(loaded, editor):
    publish(lesson("en"), editor)
    (loaded / "en" / "courses" / "demo-course" / "module-1" / "lesson-1-1.md").write_text(
        (loaded / "en" / "courses" / "demo-course" / "module-1" / "lesson-1-1.md")
        .read_text(encoding="utf-8")
        .replace("title: Lesson 1.1 en", "title: Lesson 1.1 en, new"),
        encoding="utf-8",
    )
    loader.content_load(root=loaded, force=True)
    assert flagged() == set()


def test_trainees_and_editors_without_rights_cannot_mark_reviewed(loaded, client):
    publish(lesson("en"))
    arabic = lesson("ar")
    url = reverse("content_translation_review", args=["page", arabic.pk])
    client.force_login(UserFactory())
    response = client.post(url)
    assert response.status_code in (302, 403)
    assert client.get(HOME).status_code == 302  # the dashboard is not theirs
    assert flagged() == {(arabic.translation_key, "ar")}
    client.force_login(EditorFactory())
    assert client.get(reverse("content_translation_review", args=["page", arabic.pk])).status_code == 405
    # (under the language's prefix: a 404 elsewhere is redirected there by the locale middleware)
    assert client.post("/en" + reverse("content_translation_review", args=["nothing", 1])).status_code == 404
    assert client.post("/en" + reverse("content_translation_review", args=["quiz", 999999])).status_code == 404


def test_the_panel_speaks_arabic_in_the_arabic_admin(loaded, editor, client):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "ar"
    profile.save()
    publish(lesson("en"), editor)
    page = client.get(HOME).content.decode()
    assert "ترجمات لم تعد مطابقة (1)" in page and "تعليم الترجمة على أنها رُوجعت" in page
    assert "العربية" in page or "Arabic" not in page
    explorer = client.get(reverse("wagtailadmin_explore", args=[lesson("ar").get_parent().pk])).content.decode()
    assert "الترجمة لم تعد مطابقة" in explorer
