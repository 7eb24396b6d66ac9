"""The editors' round trip through the admin's own forms, as a browser posts them: load the
shipped content, publish an Arabic lesson from its page editor with one paragraph changed, save a
quiz's edit page and one of its questions from the link on it, write a new interview question
and its Arabic translation; `dump_content` then changes only those lines, and `load_content`
finds nothing to do and no conflict."""

import re
import shutil
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Locale

from content.keys import content_uuid
from courses.models import LessonPage
from interviews.models import InterviewQuestion
from quizzes.models import Question, Quiz
from tests.content.admin_forms import admin_post, rich_text_append
from tests.content.test_dump_content import changed_lines, copy_content, differing
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db
QUIZ, QUESTION = "role-and-duties-quiz", "role-purpose"
LESSON = "ar/courses/social-media-manager/role-and-duties/the-role.md"
ADDED = " وهذه جملة أضافها المحرر في لوحة الإدارة."
INTERVIEWS = "/admin/snippets/interviews/interviewquestion/"


def posted(response):
    """The admin saved the form: it redirects; otherwise the form's errors, to read in the failure."""
    assert response.status_code == 302, re.findall(r'class="error-message"[^>]*>\s*(.*?)\s*<', response.text)
    return response


def publish_lesson_with_an_edited_paragraph(client, lesson: LessonPage) -> None:
    edit = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    data = admin_post(client.get(edit).text, LessonPage)
    first = next(n for n in range(int(data["body-count"])) if data[f"body-{n}-type"] == "rich_text")
    data[f"body-{first}-value"] = rich_text_append(data[f"body-{first}-value"], ADDED)
    posted(client.post(edit, data | {"action-publish": "action-publish"}))


def edit_a_question_from_its_quiz(client, quiz: Quiz, question: Question, text: str) -> None:
    """The quiz's edit page saved as it is, then the question's form opened from its link there."""
    quiz_edit = reverse(Quiz.snippet_viewset.get_url_name("edit"), args=[quiz.pk])
    page = client.get(quiz_edit).text
    posted(client.post(quiz_edit, admin_post(page, Quiz)))
    edit_url = reverse(type(question).snippet_viewset.get_url_name("edit"), args=[question.pk])
    link = unescape(re.search(rf'href="({re.escape(edit_url)}\?next=[^"]+)"', page).group(1))
    data = admin_post(client.get(link).text, type(question))
    assert data["text"] == question.text
    response = posted(client.post(link, data | {"text": text}))
    assert response.url.startswith(quiz_edit)


def write_an_interview_question_in_both_languages(client) -> InterviewQuestion:
    """Added in English from the add form, translated to Arabic with Wagtail's "Translate", then
    the Arabic copy rewritten in Arabic from its edit form."""
    add = INTERVIEWS + "add/?locale=en"
    data = admin_post(client.get(add).text, InterviewQuestion) | {
        "category": "seo",
        "level": "manager",
        "suggested_seconds": "120",
        "prompt": "How do you measure what search brings to a social campaign?",
        "model_answer": "I tag every link, then compare organic visits before and after.",
        "key_points-TOTAL_FORMS": "1",
        "key_points-0-text": "Tags the links to follow the visits",
        "key_points-0-phrases": "tagged links\nUTM",
        "key_points-0-key": "",
        "key_points-0-id": "",
        "key_points-0-ORDER": "1",
        "key_points-0-DELETE": "",
    }
    posted(client.post(add, data))
    english = InterviewQuestion.objects.get(prompt__startswith="How do you measure what search")
    # The listing links the question to its edit page and offers "Translate" in its row.
    listing = client.get(INTERVIEWS, {"locale": "en", "category": "seo", "level": "manager"}).text
    assert f'href="{INTERVIEWS}edit/{english.pk}/"' in listing
    translate = f"/admin/translation/submit/snippet/interviews/interviewquestion/{english.pk}/"
    assert f'href="{translate}"' in listing
    arabic_locale = Locale.objects.get(language_code="ar")
    posted(client.post(translate, {"locales": [arabic_locale.pk]}))
    arabic = InterviewQuestion.objects.get(translation_key=english.translation_key, locale=arabic_locale)
    edit = INTERVIEWS + f"edit/{arabic.pk}/"
    data = admin_post(client.get(edit).text, InterviewQuestion)
    assert data["key_points-0-phrases"] == "tagged links\nUTM"  # one phrase a line, as the editor sees them
    data |= {
        "prompt": "كيف تقيس ما يجلبه البحث إلى حملة على وسائل التواصل؟",
        "model_answer": "أوسم كل رابط، ثم أقارن الزيارات العضوية قبل الحملة وبعدها.",
        "key_points-0-text": "يوسم الروابط ليتتبع الزيارات",
        "key_points-0-phrases": "روابط موسومة\nUTM",
    }
    posted(client.post(edit, data))
    return english


def test_edits_made_in_the_admin_forms_dump_as_only_their_lines_and_load_as_unchanged(tmp_path, capsys, client):
    root = copy_content(tmp_path)
    call_command("load_content", root=root)
    before = tmp_path / "before"
    shutil.copytree(root, before)
    capsys.readouterr()
    client.force_login(EditorFactory())
    ar = Locale.objects.get(language_code="ar")

    lesson = LessonPage.objects.get(slug="the-role", locale=ar)
    publish_lesson_with_an_edited_paragraph(client, lesson)
    quiz = Quiz.objects.get(translation_key=content_uuid("quiz", QUIZ), locale=ar)
    question = Question.objects.get(quiz=quiz, key=QUESTION)
    edit_a_question_from_its_quiz(client, quiz, question, "ما الغاية من وظيفة مدير وسائل التواصل؟ (عُدّل في الإدارة)")
    english = write_an_interview_question_in_both_languages(client)

    call_command("dump_content", output=root)
    capsys.readouterr()
    assert sorted(differing(before, root)) == sorted(
        f"Files {before / path} and {root / path} differ"
        for path in (LESSON, f"ar/quizzes/{QUIZ}.yaml", "en/interviews/seo.yaml", "ar/interviews/seo.yaml")
    )
    # The lesson: its one paragraph, every other block as its file wrote it (lists, bold, links).
    lesson_lines = changed_lines(before / LESSON, root / LESSON)
    assert len(lesson_lines) == 2, lesson_lines
    assert lesson_lines[1] == lesson_lines[0].replace("-", "+", 1) + ADDED
    # The quiz: the question's text and nothing of the quiz the form saved unchanged.
    quiz_lines = changed_lines(before / f"ar/quizzes/{QUIZ}.yaml", root / f"ar/quizzes/{QUIZ}.yaml")
    assert quiz_lines[1:] == ["+    text: ما الغاية من وظيفة مدير وسائل التواصل؟ (عُدّل في الإدارة)"], quiz_lines
    assert len(quiz_lines) == 2
    # The interview question: added at the end of its category's file, nothing else changed, with
    # the translation key the admin gave it (no file key names it).
    for language, prompt in (("en", "How do you measure"), ("ar", "كيف تقيس ما يجلبه البحث")):
        path = f"{language}/interviews/seo.yaml"
        lines = changed_lines(before / path, root / path)
        assert all(line.startswith("+") for line in lines), lines
        text = "\n".join(lines)
        assert f"translation_key: {english.translation_key}" in text and prompt in text
        assert (root / path).read_text(encoding="utf-8").startswith((before / path).read_text(encoding="utf-8"))

    call_command("load_content", root=root)
    out = capsys.readouterr()
    assert "was changed in the admin" not in out.err
    assert "0 created, 0 updated" in out.out and "0 conflicts" in out.out, out.out
    call_command("dump_content", output=root, check=True)
