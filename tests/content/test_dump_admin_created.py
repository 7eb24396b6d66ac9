"""`dump_content` of what editors create and delete in the admin: items whose translation key no
file key names get a `translation_key:` line; files of deleted quizzes and pages are removed."""

import shutil
import uuid
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from wagtail.models import Locale, Page

from content import driver, loader
from content.keys import content_uuid
from content.kinds import KINDS
from content.models import ContentRecord
from content.sources import Problems
from courses.models import HomePage, LessonPage, ModulePage
from interviews.models import InterviewCategory, InterviewQuestion, KeyPoint
from quizzes.models import NumericQuestion, QuestionCategory, Quiz
from tests.conftest import write_course_tree
from tests.content.test_dump_content import differing
from tests.factories import EditorFactory
from tests.interviews.test_interview_content import good_tree
from tests.quizzes.factories import question_add
from tests.quizzes.test_quiz_content import KEY as QUIZ_KEY
from tests.quizzes.test_quiz_content import sample, write_file

pytestmark = pytest.mark.django_db
TEXTS = {"en": "Check the campaign", "ar": "راجع الحملة"}
QUESTION_KINDS = ["single", "multiple", "true_false", "essay", "ordering", "numeric"]


def small_tree(root):
    write_course_tree(root, quiz_keys=[QUIZ_KEY, QUIZ_KEY])
    for lang in ("en", "ar"):
        write_file(root, lang, sample(lang))
        categories = {"categories": [{"key": key, "label": f"{key} {lang}"} for key in ("role", "duties")]}
        (root / lang / "quiz-categories.yaml").write_text(yaml.safe_dump(categories), encoding="utf-8")
    good_tree(root)
    return root


def empty_of_content() -> None:
    HomePage.objects.all().delete()
    for model in (Quiz, InterviewQuestion, InterviewCategory, QuestionCategory, ContentRecord):
        model.objects.all().delete()
    assert not Page.objects.filter(depth__gt=1).exists()


def admin_quiz(translation_key, language: str) -> Quiz:
    """A quiz made in the admin, with one question of each type (tests/quizzes/factories.py)."""
    locale = Locale.objects.get(language_code=language)
    title = {"en": "Campaign review quiz", "ar": "اختبار مراجعة الحملة"}[language]
    quiz = Quiz.objects.create(translation_key=translation_key, locale=locale, title=title)
    for index, kind in enumerate(QUESTION_KINDS, start=1):
        question_add(quiz, kind, index, category="role")
    return quiz


def admin_items():
    """A lesson, a quiz and an interview question made in the admin, in both languages."""
    keys = {"page": uuid.uuid4(), "quiz": uuid.uuid4(), "interview": uuid.uuid4()}
    for language in ("en", "ar"):
        locale = Locale.objects.get(language_code=language)
        module = ModulePage.objects.get(slug="module-1", locale=locale)
        lesson = LessonPage(
            title=f"{TEXTS[language]} lesson",
            slug="admin-lesson",
            translation_key=keys["page"],
            locale=locale,
            estimated_minutes=5,
            body=[("rich_text", f"<p>{TEXTS[language]}.</p>")],
        )
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
        admin_quiz(keys["quiz"], language)
        question = InterviewQuestion.objects.create(
            translation_key=keys["interview"],
            locale=locale,
            key="admin-question",
            category="seo",
            level="specialist",
            prompt=f"{TEXTS[language]}?",
            model_answer=f"{TEXTS[language]}.",
            suggested_seconds=90,
        )
        KeyPoint.objects.create(question=question, key="review", text=TEXTS[language], phrases=["budget pacing review"])
    return keys


def test_items_made_in_the_admin_dump_as_new_files_and_load_as_created_then_unchanged(tmp_path, capsys):
    root = small_tree(tmp_path / "content")
    loader.content_load(root=root)
    before = tmp_path / "before"
    shutil.copytree(root, before)
    keys = admin_items()

    call_command("dump_content", output=root)
    changed = sorted(line.split(" ")[-1].replace(str(root), "") for line in differing(before, root))
    new_quiz = "quizzes/campaign-review-quiz.yaml"
    lesson = "courses/demo-course/module-1/admin-lesson.md"
    for language in ("ar", "en"):
        assert f"Only in {root / language / 'quizzes'}: campaign-review-quiz.yaml" in differing(before, root)
        assert f"Only in {root / language / 'courses/demo-course/module-1'}: admin-lesson.md" in differing(before, root)
        quiz_text = (root / language / new_quiz).read_text(encoding="utf-8")
        assert f"translation_key: {keys['quiz']}" in quiz_text
        assert f"translation_key: {keys['page']}" in (root / language / lesson).read_text(encoding="utf-8")
        interviews = (root / language / "interviews/seo.yaml").read_text(encoding="utf-8")
        assert f"translation_key: {keys['interview']}" in interviews
    # Only the new files and the interview file that gained a question.
    assert len(changed) == 6, "\n".join(differing(before, root))

    # The files read back: every question type, the given translation keys, no problem.
    problems = Problems()
    parsed = driver.parse(KINDS, root, problems)
    assert not problems, [str(p) for p in problems]
    quiz = parsed["quiz"]["campaign-review-quiz"]["ar"]
    assert quiz.translation_key == keys["quiz"]
    types = [q["type"] for q in quiz["questions"]]
    assert types == ["single_choice", "multiple_choice", "true_false", "essay", "ordering", "numeric"]
    assert parsed["page"]["admin-lesson"]["en"].translation_key == keys["page"]
    assert parsed["interview"]["admin-question"]["en"].translation_key == keys["interview"]

    # The same database: nothing to do, no conflict; a second dump writes nothing.
    report = loader.content_load(root=root)
    assert report.total("conflict") == 0 and report.total("updated") == 0 and report.total("created") == 0
    call_command("dump_content", output=root, check=True)

    # A database without content: the files create the items under the admin's translation keys,
    # then nothing changes.
    empty_of_content()
    first = loader.content_load(root=root)
    assert first.total("conflict") == 0 and first.total("created") > 0
    assert Quiz.objects.filter(translation_key=keys["quiz"]).count() == 2
    assert LessonPage.objects.filter(translation_key=keys["page"]).count() == 2
    assert InterviewQuestion.objects.filter(translation_key=keys["interview"]).count() == 2
    numeric = NumericQuestion.objects.get(quiz__translation_key=keys["quiz"], quiz__locale__language_code="en")
    assert (numeric.answer, numeric.tolerance, numeric.unit) == (Decimal("4.5"), Decimal("0.1"), "%")
    again = loader.content_load(root=root)
    assert again.total("created") == again.total("updated") == again.total("conflict") == 0
    call_command("dump_content", output=root, check=True)


def test_translation_keys_that_differ_between_languages_are_a_problem_naming_the_file_and_line(tmp_path):
    root = small_tree(tmp_path / "content")
    path = root / "en" / "quizzes" / f"{QUIZ_KEY}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"key: {QUIZ_KEY}\n", f"key: {QUIZ_KEY}\ntranslation_key: {uuid.uuid4()}\n", 1))
    with pytest.raises(loader.ContentInvalid) as error:
        loader.content_validate(root=root)
    messages = [str(p) for p in error.value.problems]
    assert any(str(path) in m and "line" in m and "has translation_key" in m for m in messages), messages

    path.write_text(text.replace(f"key: {QUIZ_KEY}\n", f"key: {QUIZ_KEY}\ntranslation_key: not-a-uuid\n", 1))
    with pytest.raises(loader.ContentInvalid) as error:
        loader.content_validate(root=root)
    assert any("translation_key must be a UUID" in str(p) for p in error.value.problems)


def test_a_quiz_and_a_lesson_deleted_in_the_admin_have_their_files_removed_and_reported(tmp_path, capsys):
    root = small_tree(tmp_path / "content")
    loader.content_load(root=root)
    lesson = "courses/demo-course/module-1/lesson-1-2.md"
    LessonPage.objects.filter(slug="lesson-1-2").delete()
    Quiz.objects.filter(translation_key=content_uuid("quiz", QUIZ_KEY)).delete()
    quiz = f"quizzes/{QUIZ_KEY}.yaml"

    with pytest.raises(Exception, match="differ from the database"):
        call_command("dump_content", output=root, check=True)
    assert f"would remove {root / 'en' / lesson}" in capsys.readouterr().out
    assert (root / "en" / lesson).exists()

    call_command("dump_content", output=root)
    out = capsys.readouterr().out
    for language in ("ar", "en"):
        assert f"removed {root / language / lesson} (deleted in the admin)" in out
        assert not (root / language / lesson).exists()
        assert f"removed {root / language / quiz} (deleted in the admin)" in out
        assert not (root / language / quiz).exists()
        # The modules that named the quiz no longer do, as in the database.
        assert f"quiz: {QUIZ_KEY}" not in (root / language / "courses/demo-course/module-1/module.md").read_text()
    report = loader.content_load(root=root)
    assert report.total("created") == report.total("updated") == report.total("conflict") == 0
    call_command("dump_content", output=root, check=True)


def test_interview_questions_deleted_in_the_admin_leave_their_files_and_their_records(tmp_path, capsys, client):
    """The dump writes a category's file without the questions an editor deleted and removes the
    file of a category left without any; their loader records go too, so the next load neither
    brings them back nor reports a conflict."""
    root = small_tree(tmp_path / "content")
    loader.content_load(root=root)
    client.force_login(EditorFactory())
    for question in InterviewQuestion.objects.filter(key__in=["reports", "seo-why"]):
        url = f"/admin/snippets/interviews/interviewquestion/delete/{question.pk}/"
        assert client.post(url).status_code == 302
    assert not InterviewQuestion.objects.filter(key__in=["reports", "seo-why"]).exists()
    capsys.readouterr()

    with pytest.raises(Exception, match="differ from the database"):
        call_command("dump_content", output=root, check=True)
    out = capsys.readouterr().out
    assert f"would change {root / 'en/interviews/tools-analytics.yaml'}" in out
    assert f"would remove {root / 'en/interviews/seo.yaml'} (deleted in the admin)" in out
    assert (root / "en/interviews/seo.yaml").exists()

    call_command("dump_content", output=root)
    out = capsys.readouterr().out
    for language in ("ar", "en"):
        text = (root / language / "interviews/tools-analytics.yaml").read_text(encoding="utf-8")
        assert "key: preferred-tools" in text and "key: reports" not in text
        assert f"removed {root / language / 'interviews/seo.yaml'} (deleted in the admin)" in out
        assert not (root / language / "interviews/seo.yaml").exists()
    records = set(ContentRecord.objects.filter(kind__startswith="interview").values_list("kind", "key"))
    assert records == {("interview", "preferred-tools"), ("interview-category", "tools-analytics")}

    report = loader.content_load(root=root)
    assert report.total("created") == report.total("updated") == report.total("conflict") == 0
    assert not InterviewQuestion.objects.filter(key__in=["reports", "seo-why"]).exists()
    assert InterviewQuestion.objects.filter(key="preferred-tools").count() == 2
    call_command("dump_content", output=root, check=True)
