from pathlib import Path

import pytest
from django.conf import settings
from wagtail.models import Page

from content.driver import Report
from content.kinds import pages
from content.sources import Problems
from courses.models import LessonPage
from tests.conftest import write_course_tree

pytestmark = pytest.mark.django_db


def problems_of(root, quiz_keys=None) -> list[str]:
    problems = Problems()
    pages.parse(root, problems, known=None if quiz_keys is None else {"quiz": quiz_keys})
    return [str(p) for p in problems]


def lesson_file(root, lang="en", m=1, n=1) -> Path:
    return root / lang / "courses" / "demo-course" / f"module-{m}" / f"lesson-{m}-{n}.md"


@pytest.fixture
def tree(tmp_path):
    return write_course_tree(tmp_path / "content")


def test_the_shipped_content_is_valid_and_in_parity():
    assert problems_of(Path(settings.BASE_DIR) / "content") == []


def test_a_valid_tree_has_no_problems(tree):
    assert problems_of(tree) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("---\n", "", 1), "line 1: the file must start with a '---' front matter block"),
        (lambda t: t.replace("summary: L\n", "summary: [unclosed\n"), "line 4: invalid YAML"),
        (lambda t: t.replace("estimated_minutes: 5\n", ""), "line 2: missing the required field 'estimated_minutes'"),
        (lambda t: t.replace("order: 1\n", "order: 1\ncolour: red\n"), "line 7: unknown field 'colour'"),
        (
            lambda t: t.replace("key: lesson-1-1", "key: lesson-x"),
            "line 2: key 'lesson-x' does not match the file name 'lesson-1-1'",
        ),
        (
            lambda t: t.replace("estimated_minutes: 5", "estimated_minutes: five"),
            "line 5: estimated_minutes must be a whole number",
        ),
        (lambda t: t + "\n:::aside\ntext\n:::\n", "unknown block ':::aside'"),
        (lambda t: t + "\n:::tip\nnever closed\n", "':::tip' is never closed"),
        (lambda t: t + "\n| a | b |\n| c |\n", "a table needs a header row"),
        (lambda t: t + "\nSee [x](lesson:no-such-lesson).\n", "link to lesson:no-such-lesson does not resolve"),
        (lambda t: t + "\nSee [x](javascript:alert(1)).\n", "link scheme 'javascript': is not allowed"),
        (lambda t: t + "\n![logo](logo.png)\n", "picture 'logo.png' is not in"),
    ],
)
def test_each_error_names_the_file_and_line(tree, edit, expected):
    path = lesson_file(tree)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    found = problems_of(tree)
    assert any(p.startswith(str(path)) and expected in p for p in found), found


def test_a_missing_translation_is_reported(tree):
    lesson_file(tree, "ar", 2, 2).unlink()
    found = problems_of(tree)
    # Named where the file is missing, with the language that has it.
    assert any(
        p.startswith(str(lesson_file(tree, "ar", 2, 2)))
        and "lesson 'lesson-2-2' exists in en (lesson-2-2.md) but not in ar" in p
        for p in found
    ), found


def test_duplicate_keys_and_orders_are_reported(tree):
    copy = lesson_file(tree, "en", 2, 1).with_name("lesson-1-1.md")
    copy.write_text(lesson_file(tree, "en", 1, 1).read_text(encoding="utf-8"), encoding="utf-8")
    found = problems_of(tree)
    assert any("duplicate page key 'lesson-1-1'" in p for p in found), found
    assert any("order 1 is also used by" in p for p in found), found


def test_a_module_quiz_must_exist(tree):
    module = tree / "en" / "courses" / "demo-course" / "module-1" / "module.md"
    module.write_text(
        module.read_text(encoding="utf-8").replace("summary: M", "quiz: nope\nsummary: M"), encoding="utf-8"
    )
    assert any(str(module) in p and "quiz 'nope' has no file" in p for p in problems_of(tree, quiz_keys=set()))


def test_loading_twice_changes_nothing(tree, load_course_pages):
    courses, first = load_course_pages(tree)
    assert first.total("created") == 2 * (1 + 2 + 4) + 2  # both languages, plus the two home pages
    revisions = {p.pk: p.latest_revision_id for p in Page.objects.all()}
    _courses, second = load_course_pages(tree)
    assert (second.total("created"), second.total("updated"), second.total("conflict")) == (0, 0, 0)
    assert second.total("unchanged") == 2 * 7
    assert {p.pk: p.latest_revision_id for p in Page.objects.all()} == revisions
    assert courses["en"].translation_key == courses["ar"].translation_key


def test_a_changed_file_publishes_a_new_revision_of_that_page_only(tree, load_course_pages):
    load_course_pages(tree)
    path = lesson_file(tree, "ar", 1, 2)
    path.write_text(path.read_text(encoding="utf-8").replace("Lesson 1.2 ar", "الدرس المعدل"), encoding="utf-8")
    _courses, report = load_course_pages(tree)
    assert (report.total("created"), report.total("updated")) == (0, 1)
    assert LessonPage.objects.live().filter(title="الدرس المعدل", locale__language_code="ar").count() == 1


def test_editor_changes_are_not_overwritten_without_force(tree, load_course_pages):
    load_course_pages(tree)
    lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code="en")
    lesson.title = "Edited in the admin"
    lesson.save_revision().publish()
    path = lesson_file(tree)
    path.write_text(path.read_text(encoding="utf-8").replace("Lesson 1.1 en", "From the file"), encoding="utf-8")
    _courses, report = load_course_pages(tree)
    assert report.total("conflict") == 1 and str(path) in report.conflicts[0]
    assert LessonPage.objects.get(pk=lesson.pk).title == "Edited in the admin"
    _courses, forced = load_course_pages(tree, force=True)
    assert forced.total("updated") == 1
    assert LessonPage.objects.get(pk=lesson.pk).title == "From the file"


def test_html_is_sanitized(tree, load_course_pages):
    path = lesson_file(tree)
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n<script>alert(1)</script>\n\n<a href="#" onclick="steal()">x</a> <img src=x onerror=alert(2)>\n\n:::tip\n<b onmouseover="x()">hover</b>\n:::\n',
        encoding="utf-8",
    )
    load_course_pages(tree)
    stored = str(LessonPage.objects.get(slug="lesson-1-1", locale__language_code="en").body.raw_data)
    for bad in ("<script", "onclick", "onerror", "onmouseover", "javascript:"):
        assert bad not in stored


def test_internal_links_become_page_links(tree, load_course_pages, client, django_user_model):
    load_course_pages(tree)
    target = LessonPage.objects.get(slug="lesson-1-1", locale__language_code="ar")
    source = LessonPage.objects.get(slug="lesson-1-2", locale__language_code="ar")
    assert f'linktype="page" id="{target.pk}"' in str(source.body.raw_data)
    user = django_user_model.objects.create_user(username="u", email="u@example.com", password="x")
    client.force_login(user)
    assert f'href="{target.url}"' in client.get(source.url).text


def test_the_loader_writes_streamfield_blocks(tree, load_course_pages):
    load_course_pages(tree)
    lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code="en")
    assert [b.block_type for b in lesson.body] == [
        "rich_text",
        "heading",
        "rich_text",
        "callout",
        "callout",
        "key_points",
    ]
    assert Report().total("created") == 0


def test_angle_brackets_in_plain_text_blocks_show_as_typed(tree, load_course_pages, client, django_user_model):
    path = lesson_file(tree)
    path.write_text(path.read_text(encoding="utf-8") + "\n## Reach < impressions & 2 > 1\n", encoding="utf-8")
    load_course_pages(tree)
    lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code="en")
    client.force_login(django_user_model.objects.create_user(username="v", email="v@example.com", password="x"))
    page = client.get(lesson.url).text
    assert "<h2>Reach &lt; impressions &amp; 2 &gt; 1</h2>" in page
    assert "&amp;lt;" not in page
