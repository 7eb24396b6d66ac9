"""`dump_content`: the database written back into content/<lang>/ in the loader's format."""

import difflib
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.images.models import Image
from wagtail.models import Locale

from content import driver, loader
from content.keys import content_uuid
from content.kinds import KINDS
from content.sources import Problems
from courses.models import LessonPage
from interviews.models import KeyPoint
from quizzes.models import Question
from tests.conftest import write_course_tree
from tests.content.admin_forms import admin_post
from tests.factories import EditorFactory
from tests.interviews.test_interview_content import good_tree
from tests.quizzes.test_quiz_content import KEY as QUIZ_KEY
from tests.quizzes.test_quiz_content import sample, write_file

pytestmark = pytest.mark.django_db
REPO_CONTENT = Path(settings.BASE_DIR) / "content"
QUIZ, QUESTION = "role-and-duties-quiz", "role-purpose"


def copy_content(tmp_path) -> Path:
    root = tmp_path / "content"
    for language in ("ar", "en"):
        shutil.copytree(REPO_CONTENT / language, root / language)
    shutil.copy(REPO_CONTENT / "glossary.yaml", root / "glossary.yaml")
    return root


def differing(a: Path, b: Path) -> list[str]:
    out = subprocess.run(["diff", "-rq", str(a), str(b)], capture_output=True, text=True)
    return out.stdout.splitlines()


def changed_lines(a: Path, b: Path) -> list[str]:
    """The -/+ lines between two files."""
    diff = difflib.unified_diff(
        a.read_text(encoding="utf-8").split("\n"), b.read_text(encoding="utf-8").split("\n"), lineterm="", n=0
    )
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def load_report(root, capsys) -> str:
    call_command("load_content", root=root)
    return capsys.readouterr()


def test_admin_edits_dump_as_only_their_lines_and_load_as_unchanged(tmp_path, capsys, client):
    root = copy_content(tmp_path)
    call_command("load_content", root=root)
    capsys.readouterr()
    editor = EditorFactory()
    en, ar = Locale.objects.get(language_code="en"), Locale.objects.get(language_code="ar")

    # An English lesson: one paragraph of its body changed and published, as the page editor does.
    lesson = LessonPage.objects.get(slug="the-role", locale=en)
    body = list(lesson.body.raw_data)
    index = next(n for n, block in enumerate(body) if block["type"] == "rich_text")
    old_html = body[index]["value"]
    first_paragraph = old_html.split("</p>")[0]
    body[index]["value"] = old_html.replace(first_paragraph, first_paragraph + " Edited in the admin.", 1)
    lesson.body = body
    lesson.save_revision(user=editor).publish()

    # An Arabic quiz question, through its edit page in the admin (the form as a browser posts it).
    question = Question.objects.get(quiz__locale=ar, quiz__translation_key=content_uuid("quiz", QUIZ), key=QUESTION)
    client.force_login(editor)
    url = reverse(f"wagtailsnippets_quizzes_{type(question).__name__.lower()}:edit", args=[question.pk])
    data = admin_post(client.get(url).text, type(question))
    data["text"] = "سؤال عُدّل في لوحة الإدارة: ما الهدف من الدور؟"
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:2000]
    # And an Arabic interview key point, saved as its admin form saves it.
    point = KeyPoint.objects.filter(question__locale=ar).order_by("pk").first()
    point.text = "نقطة عُدّلت في لوحة الإدارة"
    point.save()

    lesson_file = Path("en/courses/social-media-manager/role-and-duties/the-role.md")
    quiz_file = Path(f"ar/quizzes/{QUIZ}.yaml")
    point_file = Path(f"ar/interviews/{point.question.category}.yaml")

    # --lang and --kind write only what they name.
    call_command("dump_content", output=root, lang=["en"], kind=["quiz", "interview"])
    call_command("dump_content", output=root, lang=["ar"], kind=["interview"])
    assert [line.split(" ")[1] for line in differing(REPO_CONTENT, root) if line.startswith("Files")] == [
        str(REPO_CONTENT / point_file)
    ]
    with pytest.raises(CommandError):
        call_command("dump_content", output=root, check=True)
    listed = capsys.readouterr().out
    call_command("dump_content", output=root)
    capsys.readouterr()
    changed = sorted(line.split(" ")[1] for line in differing(REPO_CONTENT, root) if line.startswith("Files"))
    assert changed == sorted(str(REPO_CONTENT / path) for path in (lesson_file, quiz_file, point_file))
    assert all(str(root / path) in listed for path in (lesson_file, quiz_file))

    lesson_lines = changed_lines(REPO_CONTENT / lesson_file, root / lesson_file)
    assert len(lesson_lines) == 2 and lesson_lines[1].startswith("+") and "Edited in the admin." in lesson_lines[1]
    assert lesson_lines[1].replace(" Edited in the admin.", "", 1)[1:] == lesson_lines[0][1:]
    quiz_lines = changed_lines(REPO_CONTENT / quiz_file, root / quiz_file)
    assert quiz_lines[1:] == ['+    text: "سؤال عُدّل في لوحة الإدارة: ما الهدف من الدور؟"'] and len(quiz_lines) == 2
    point_lines = changed_lines(REPO_CONTENT / point_file, root / point_file)
    assert point_lines[1] == "+        text: نقطة عُدّلت في لوحة الإدارة" and len(point_lines) == 2

    # The loader finds the files and the database saying the same: no conflict, nothing to write.
    report = load_report(root, capsys)
    assert "was changed in the admin" not in report.err
    assert " 0 updated" in report.out and "0 conflicts" in report.out
    question.refresh_from_db()
    assert question.text.startswith("سؤال عُدّل")
    assert "Edited in the admin." in str(LessonPage.objects.get(pk=lesson.pk).body)
    call_command("dump_content", output=root, check=True)


def test_load_then_dump_gives_the_same_bytes_and_from_scratch_the_same_content(tmp_path, capsys):
    """Over the shipped files, a dump after a load writes nothing: the same bytes. Without files to
    keep text from, it writes the canonical form, and what the loader reads back from it is what
    the database holds."""
    root = copy_content(tmp_path)
    call_command("load_content", root=root)
    call_command("dump_content", output=root)
    assert "0 written" in capsys.readouterr().out
    assert differing(REPO_CONTENT / "en", root / "en") == []
    assert differing(REPO_CONTENT / "ar", root / "ar") == []
    call_command("dump_content", output=root, check=True)

    fresh = copy_content(tmp_path / "fresh")
    for path in [*fresh.glob("*/quizzes/*.yaml"), *fresh.glob("*/interviews/*.yaml")]:
        path.unlink()
    for path in fresh.glob("*/courses/**/*.md"):
        path.unlink()
    call_command("dump_content", output=fresh)
    problems = Problems()
    original, rewritten = driver.parse(KINDS, root, problems), driver.parse(KINDS, fresh, problems)
    assert not problems
    for kind in KINDS:
        for key, by_language in original[kind.name].items():
            for language, item in by_language.items():
                again = rewritten[kind.name][key][language]
                # An exam's pools are a set (the database keeps no order).
                assert {**again.data, "pools": sorted(again.get("pools") or [])} == {
                    **item.data,
                    "pools": sorted(item.get("pools") or []),
                }, (kind.name, key, language)
                if "blocks" in item.extra:
                    assert [b["value"] for b in again.extra["blocks"]] == [b["value"] for b in item.extra["blocks"]]


def test_a_picture_an_editor_uploaded_is_copied_under_media_uploads(tmp_path, capsys):
    """An image chosen in the admin that is no file of content/<lang>/media/ is written there (under
    uploads/), and the lesson names it; the next load finds file and page in sync."""
    root = picture_tree(tmp_path)
    loader.content_load(root=root)
    lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code="en")
    pixels = io.BytesIO()
    PillowImage.new("RGB", (4, 3), "#0f6e6a").save(pixels, "PNG")
    upload = Image.objects.create(title="photo", file=SimpleUploadedFile("photo.png", pixels.getvalue()))
    upload.file_hash = hashlib.sha1(pixels.getvalue()).hexdigest()
    upload.save()
    body = list(lesson.body.raw_data)
    picture = next(block for block in body if block["type"] == "image")
    picture["value"] = {**picture["value"], "image": upload.pk, "alt_text": "A green photo of four by three"}
    lesson.body = body
    lesson.save_revision().publish()

    call_command("dump_content", output=root)
    text = (root / "en/courses/demo-course/module-1/lesson-1-1.md").read_text(encoding="utf-8")
    assert "![A green photo of four by three](uploads/photo" in text
    written = next((root / "en/media/uploads").glob("photo*.png"))
    assert written.read_bytes() == pixels.getvalue()
    assert (root / "en/media/diagrams/picture.svg").exists()  # the old file stays
    report = loader.content_load(root=root)
    assert report.total("conflict") == 0 and report.total("updated") == 0


def picture_tree(tmp_path) -> Path:
    root = write_course_tree(tmp_path / "content", quiz_keys=[QUIZ_KEY, QUIZ_KEY])
    for lang in ("en", "ar"):
        write_file(root, lang, sample(lang))
        categories = {"categories": [{"key": key, "label": f"{key} {lang}"} for key in ("role", "duties")]}
        (root / lang / "quiz-categories.yaml").write_text(yaml.safe_dump(categories), encoding="utf-8")
        media = root / lang / "media" / "diagrams"
        media.mkdir(parents=True)
        (media / "picture.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5"><title>{lang}</title></svg>', encoding="utf-8"
        )
        path = root / lang / "courses/demo-course/module-1/lesson-1-1.md"
        path.write_text(
            path.read_text(encoding="utf-8") + "\n![A picture of a green box](diagrams/picture.svg)\n", encoding="utf-8"
        )
    good_tree(root)
    return root
