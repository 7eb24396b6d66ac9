import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, ModulePage
from interviews.models import InterviewQuestion
from quizzes.models import Quiz

pytestmark = pytest.mark.django_db
CONTENT = Path(settings.BASE_DIR) / "content"


def words(path: Path) -> int:
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    return len(re.findall(r"\w+", body))


@pytest.fixture(scope="module")
def lesson_files():
    return sorted(CONTENT.glob("*/courses/*/*/*.md"))


def test_every_lesson_has_350_words_an_example_and_an_exercise(lesson_files):
    lessons = [p for p in lesson_files if p.name != "module.md"]
    assert len(lessons) >= 2 * 27
    for path in lessons:
        text = path.read_text(encoding="utf-8")
        assert words(path) >= 350, path
        assert ":::example" in text, path
        assert ":::exercise" in text or ":::checklist" in text, path


def test_the_flagship_course_covers_the_article(lesson_files):
    modules = {p.parent.name for p in lesson_files if "/social-media-manager/" in str(p)}
    assert len(modules) >= 7
    salary = (CONTENT / "en/courses/social-media-manager/career/career-ladder-and-salaries.md").read_text()
    salary_ar = (CONTENT / "ar/courses/social-media-manager/career/career-ladder-and-salaries.md").read_text()
    for text in (salary, salary_ar):
        for figure in ("31,000", "17,475", "3,717", "Glassdoor"):
            assert figure in text


@pytest.mark.slow
def test_load_content_loads_everything_and_a_second_run_changes_nothing(capsys):
    call_command("load_content")
    first = capsys.readouterr().out
    assert CoursePage.objects.live().count() == 4
    # Every module and quiz file in both languages becomes a page or a quiz; every module has its quiz.
    module_files = len(list(CONTENT.glob("*/courses/*/*/module.md")))
    quiz_files = len(list(CONTENT.glob("*/quizzes/*.yaml")))
    assert module_files >= 2 * 9
    assert ModulePage.objects.filter(quiz__isnull=False).count() == ModulePage.objects.count() == module_files
    assert Quiz.objects.count() == quiz_files
    assert InterviewQuestion.objects.filter(locale__language_code="ar").count() >= 60
    assert InterviewQuestion.objects.filter(locale__language_code="en").count() >= 60
    assert " 0 conflicts" in first
    call_command("load_content")
    second = capsys.readouterr().out
    assert "0 created, 0 updated" in second


@pytest.mark.slow
def test_a_bad_file_writes_nothing(tmp_path, capsys):
    import shutil

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    lesson = root / "ar/courses/social-media-manager/seo/seo-basics.md"
    lesson.write_text(
        lesson.read_text(encoding="utf-8").replace("estimated_minutes:", "estimated_minutes: [", 1), encoding="utf-8"
    )
    pages_before = Page.objects.count()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", root=root)
    assert str(lesson) in capsys.readouterr().err
    assert Page.objects.count() == pages_before
    assert not LessonPage.objects.exists() and not Quiz.objects.exists() and not InterviewQuestion.objects.exists()


@pytest.mark.slow
def test_check_validates_without_writing(capsys):
    call_command("load_content", check=True)
    assert "valid" in capsys.readouterr().out
    assert not CoursePage.objects.exists()
