"""Lesson pictures and course covers: every module shows at least one picture in each language,
each with alt text; the SVG files are safe to show; the loader imports a file once and a
second load changes nothing; editors cannot upload SVG."""

import io
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PillowImage
from wagtail.images.forms import get_image_form
from wagtail.images.models import Image

from content.driver import LANGUAGES
from content.kinds import pages
from content.sources import Problems
from courses import services
from courses.models import CoursePage, LessonPage
from tests.conftest import write_course_tree
from tests.factories import UserFactory

CONTENT = Path(settings.BASE_DIR) / "content"
COURSES = ("social-media-manager", "interview-readiness")
SVG = "{http://www.w3.org/2000/svg}"
# Text is ink or muted grey on white or the pale tint, white on the brand greens: 6:1 or more.
TEXT_COLOURS = {"#1d2733", "#4a5563", "#0a4f4c", "#ffffff"}
PICTURE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"><title>{t}</title><rect width="100" height="50" fill="#0f6e6a"/></svg>'


@pytest.fixture(scope="module")
def shipped():
    problems = Problems()
    items = pages.parse(CONTENT, problems)
    assert not problems, [str(p) for p in problems]
    return items


def test_every_module_of_both_courses_has_a_picture_with_alt_text_in_each_language(shipped):
    modules = [by_language for by_language in shipped.values() if by_language["en"].kind == "module"]
    courses = {item.parent.key for by_language in modules for item in by_language.values()}
    assert set(COURSES) <= courses
    for by_language in modules:
        for language in LANGUAGES:
            module = by_language[language]
            images = [
                block["value"]
                for lesson in module.children
                for block in lesson.extra["blocks"]
                if block["type"] == "image"
            ]
            assert images, f"{module.key} ({language}) has no picture"
            for image in images:
                assert len(image["alt_text"].split()) >= 4, image
                if language == "ar":
                    assert re.search("[\u0600-\u06ff]", image["alt_text"]), image


def test_both_courses_have_a_cover_with_alt_text_in_each_language(shipped):
    for key in COURSES:
        for language in LANGUAGES:
            course = shipped[key][language]
            assert course["cover"].startswith("covers/"), course.path
            assert course["cover_alt"].strip(), course.path
            assert course["cover"] in course.extra["pictures"]


def _svg_files():
    return sorted(CONTENT.glob("*/media/**/*.svg"))


def test_every_svg_is_well_formed_with_no_script_handler_or_outside_reference():
    files = _svg_files()
    assert len(files) >= 2 * (2 + 13)
    for path in files:
        root = ElementTree.parse(path).getroot()
        assert root.tag == f"{SVG}svg", path
        language = path.relative_to(CONTENT).parts[0]
        assert root.get("lang") == language, path
        assert root.find(f"{SVG}title").text.strip(), path
        if language == "ar":
            assert root.get("direction") == "rtl", path
        for element in root.iter():
            if element.tag == f"{SVG}text":
                assert element.get("fill") in TEXT_COLOURS, (path, element.text)
            assert element.tag.removeprefix(SVG) not in {"script", "foreignObject", "image", "style"}, path
            for name, value in element.attrib.items():
                assert not name.rpartition("}")[2].lower().startswith("on"), (path, name)
                if name.endswith("href"):
                    assert value.startswith("#"), (path, value)
        text = path.read_text(encoding="utf-8")
        assert "url(" not in text.replace("url(#", "") and "javascript:" not in text, path


def test_every_picture_file_is_used_by_a_lesson_or_a_course(shipped):
    used = {
        item.extra["pictures"][src][0].resolve()
        for by_language in shipped.values()
        for item in by_language.values()
        for src in item.extra["pictures"]
    }
    assert set(p.resolve() for p in _svg_files()) == used


def _with_pictures(root: Path, svg: str = PICTURE) -> Path:
    """A small course tree whose course has a cover and whose first lesson a picture."""
    write_course_tree(root)
    for language in LANGUAGES:
        media = root / language / "media"
        (media / "diagrams").mkdir(parents=True)
        (media / "diagrams" / "steps.svg").write_text(svg.format(t=f"steps {language}"), encoding="utf-8")
        (media / "covers").mkdir()
        (media / "covers" / "demo.svg").write_text(PICTURE.format(t=f"cover {language}"), encoding="utf-8")
        course = root / language / "courses" / "demo-course" / "course.md"
        course.write_text(
            course.read_text(encoding="utf-8").replace(
                "order: 1\n", f"order: 1\ncover: covers/demo.svg\ncover_alt: A green cover in {language}\n", 1
            ),
            encoding="utf-8",
        )
        lesson = root / language / "courses" / "demo-course" / "module-1" / "lesson-1-1.md"
        lesson.write_text(
            lesson.read_text(encoding="utf-8").replace(
                "## ", f"![Three steps drawn in {language}](diagrams/steps.svg)\n\n## ", 1
            ),
            encoding="utf-8",
        )
    return root


@pytest.mark.django_db
def test_the_loader_imports_each_picture_once_and_a_second_load_changes_nothing(tmp_path, load_course_pages):
    root = _with_pictures(tmp_path / "content")
    courses, report = load_course_pages(root)
    assert Image.objects.count() == 4  # a cover and a diagram in each language
    for language, course in courses.items():
        assert course.cover.description == f"A green cover in {language}"
        assert course.cover.is_svg()
        lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code=language)
        block = next(b for b in lesson.body if b.block_type == "image")
        assert block.value["alt_text"] == f"Three steps drawn in {language}"
        html = block.render()
        assert f'alt="Three steps drawn in {language}"' in html and ".svg" in html

    _courses, again = load_course_pages(root)
    assert again.total("created") == again.total("updated") == 0
    assert again.total("unchanged") == report.total("created") - 2  # the two home pages
    assert Image.objects.count() == 4

    changed = PICTURE.replace("#0f6e6a", "#d98e04")
    (root / "en" / "media" / "diagrams" / "steps.svg").write_text(changed.format(t="steps en"), encoding="utf-8")
    _courses, third = load_course_pages(root)
    assert third.counts["page"]["updated"] == 1
    assert Image.objects.count() == 5


@pytest.mark.parametrize(
    "line, message",
    [
        ("![](diagrams/steps.svg)", "needs its alt text"),
        ("![A missing picture](diagrams/missing.svg)", "is not in"),
        ("![Outside the folder](../../quizzes/x.svg)", "must be a file under"),
        ("![A text file](diagrams/notes.txt)", "must be a file under"),
    ],
)
def test_the_loader_refuses_a_picture_it_cannot_show(tmp_path, line, message):
    root = _with_pictures(tmp_path / "content")
    lesson = root / "en" / "courses" / "demo-course" / "module-1" / "lesson-1-2.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("## ", f"{line}\n\n## ", 1), encoding="utf-8")
    problems = Problems()
    pages.parse(root, problems)
    assert any(message in str(p) and "lesson-1-2.md" in str(p) for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize(
    "svg, message",
    [
        (PICTURE.replace("</svg>", "<script>alert(1)</script></svg>"), "<script>"),
        (PICTURE.replace("<rect ", '<rect onclick="alert(1)" '), "event handler"),
        (PICTURE.replace("<rect ", '<use href="https://example.com/x.svg#a"/><rect '), "refers to"),
        (PICTURE.replace("</svg>", ""), "not well-formed"),
    ],
)
def test_the_loader_refuses_an_svg_that_could_run_or_fetch_something(tmp_path, svg, message):
    root = _with_pictures(tmp_path / "content", svg=svg)
    problems = Problems()
    pages.parse(root, problems)
    assert any(message in str(p) for p in problems), [str(p) for p in problems]


def test_a_cover_needs_its_alt_text(tmp_path):
    root = _with_pictures(tmp_path / "content")
    course = root / "ar" / "courses" / "demo-course" / "course.md"
    course.write_text(re.sub(r"cover_alt: .*\n", "", course.read_text(encoding="utf-8")), encoding="utf-8")
    problems = Problems()
    pages.parse(root, problems)
    assert any("cover_alt" in str(p) for p in problems), [str(p) for p in problems]


@pytest.mark.django_db
def test_editors_cannot_upload_an_svg_but_can_upload_a_png():
    form_class = get_image_form(Image)
    svg = SimpleUploadedFile("x.svg", PICTURE.format(t="x").encode(), content_type="image/svg+xml")
    form = form_class(data={"title": "x"}, files={"file": svg})
    assert not form.is_valid() and "file" in form.errors
    buffer = io.BytesIO()
    PillowImage.new("RGB", (4, 4), "#0f6e6a").save(buffer, format="PNG")
    png = SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")
    assert form_class(data={"title": "x"}, files={"file": png}).is_valid()


@pytest.mark.slow
@pytest.mark.django_db
def test_loading_the_shipped_content_twice_reports_every_page_unchanged(capsys):
    call_command("load_content")
    capsys.readouterr()
    assert CoursePage.objects.filter(cover__isnull=False).count() == 2 * len(COURSES)
    images = Image.objects.count()
    call_command("load_content")
    second = capsys.readouterr().out
    assert "0 created, 0 updated" in second
    assert Image.objects.count() == images


@pytest.mark.django_db
def test_a_trainee_sees_the_picture_in_the_lesson_and_the_cover_on_the_course_page(client, tmp_path, load_course_pages):
    courses, _report = load_course_pages(_with_pictures(tmp_path / "content"))
    user = UserFactory()
    client.force_login(user)
    for language, course in courses.items():
        services.enrollment_create(user=user, course=course)
        page = client.get(course.url)
        assert page.status_code == 200
        assert f'alt="A green cover in {language}"' in page.content.decode()
        lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code=language)
        html = client.get(lesson.url).content.decode()
        figure = re.search(r'<figure class="lesson-figure">.*?</figure>', html, re.S)
        assert figure, html
        assert f'alt="Three steps drawn in {language}"' in figure[0]
        src = re.search(r'src="([^"]+\.svg)"', figure[0])[1]
        assert src.startswith(settings.MEDIA_URL)
        served = Path(settings.MEDIA_ROOT) / src.removeprefix(settings.MEDIA_URL)
        assert ElementTree.parse(served).getroot().find(f"{SVG}title").text == f"steps {language}"
