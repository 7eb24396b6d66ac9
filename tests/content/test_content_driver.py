"""The one content mechanism (content/): the field table, links between kinds, the one conflict
message, a kind that is only a schema and an apply, and every file read and parsed once."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from content import driver, loader, sources
from content.driver import Kind
from content.kinds import KINDS
from content.schema import Field, validate
from content.sources import Problems, Source
from interviews.models import InterviewCategory, InterviewQuestion, KeyPoint
from quizzes.models import Question, QuestionCategory
from tests.conftest import write_course_tree
from tests.interviews.test_interview_content import good_tree
from tests.quizzes.test_quiz_content import sample, write_file

pytestmark = pytest.mark.django_db
CONFLICT = re.compile(
    r"^(?P<path>/\S+): (?P<kind>[a-z-]+) '(?P<key>[a-z0-9-]+)' \((?P<language>ar|en)\) was changed in the admin "
    r"since the last load; left as it is \(use --force to overwrite\)$"
)


def categories_file(root: Path, keys=("role", "duties")) -> None:
    for lang in ("en", "ar"):
        entries = [{"key": key, "label": f"{key} {lang}"} for key in keys]
        (root / lang / "quiz-categories.yaml").write_text(yaml.safe_dump({"categories": entries}), encoding="utf-8")


@pytest.fixture
def tree(tmp_path):
    """A content tree of every kind: a course of two modules, a quiz, interview questions and
    the question categories."""
    root = write_course_tree(tmp_path / "content", quiz_keys=["sample-quiz", "sample-quiz"])
    for lang in ("en", "ar"):
        write_file(root, lang, sample(lang))
    good_tree(root)
    categories_file(root)
    return root


def interview_file(root: Path, lang: str, category: str) -> Path:
    return root / lang / "interviews" / f"{category}.yaml"


def set_modules(root: Path, category: str, text: str, langs=("en", "ar")) -> None:
    for lang in langs:
        path = interview_file(root, lang, category)
        path.write_text(f"modules: {text}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def problems_of(root) -> list[str]:
    with pytest.raises(loader.ContentInvalid) as error:
        loader.content_validate(root=root)
    return [str(p) for p in error.value.problems]


# --- the field table -----------------------------------------------------------------------


def test_the_field_table_names_the_file_the_line_and_the_field(tmp_path):
    path = tmp_path / "thing.yaml"
    path.write_text("key: Not A Slug\ncount: 0\nparts:\n  - name: ''\n    colour: red\n  - 3\n", encoding="utf-8")
    table = {
        "key": Field("key", required=True),
        "count": Field("int", low=1, high=9),
        "title": Field("text", required=True),
        "parts": Field("list", items=Field("mapping", table={"name": Field("text", required=True)}, noun="part")),
    }
    problems = Problems()
    validate(Source(path, "en").yaml(problems), table, path=path, problems=problems)
    assert [str(p) for p in problems] == [
        f"{path}:line 1: key must be a slug (lowercase a-z, 0-9 and -), not 'Not A Slug'",
        f"{path}:line 2: count must be a positive whole number up to 9, not 0",
        f"{path}:line 1: missing the required field 'title'",
        f"{path}:line 5 (parts[0].colour): unknown field 'colour' in a part",
        f"{path}:line 4 (parts[0].name): name must be non-empty text, not ''",
        f"{path}:line 3: parts[1] must be a mapping of fields, not 3",
    ]


# --- links between kinds -------------------------------------------------------------------


def test_a_category_names_the_modules_it_sends_back_to(tree, locales):
    set_modules(tree, "seo", "[module-2, module-1]")
    report = loader.content_load(root=tree)
    assert report.counts["interview-category"]["created"] == 4  # two categories, two languages
    from content.keys import content_uuid

    assert InterviewCategory.objects.get(key="seo").modules == [
        str(content_uuid("module", "module-2")),
        str(content_uuid("module", "module-1")),
    ]
    assert InterviewCategory.objects.get(key="tools-analytics").modules == []


def test_an_unknown_module_is_refused_with_the_file_and_line(tree):
    set_modules(tree, "seo", "[module-1, no-such-module]")
    path = interview_file(tree, "en", "seo")
    assert f"{path}:line 1: module 'no-such-module' has no file in courses/" in problems_of(tree)
    assert not InterviewCategory.objects.exists()


def test_the_modules_must_be_the_same_in_every_language(tree):
    set_modules(tree, "seo", "[module-1]", langs=("ar",))
    path = interview_file(tree, "en", "seo")
    assert any(
        p.startswith(f"{path}:") and "has modules [] in en but ['module-1'] in ar" in p for p in problems_of(tree)
    )


def test_a_question_category_must_have_a_name(tree):
    categories_file(tree, keys=("role",))
    path = tree / "en" / "quizzes" / "sample-quiz.yaml"
    found = problems_of(tree)
    assert any(
        p.startswith(f"{path}:line ") and "quiz-category 'duties' is not in quiz-categories.yaml" in p for p in found
    ), found


def test_question_categories_are_named_from_the_files(tree, locales):
    from django.utils import translation

    from quizzes.categories import category_label

    loader.content_load(root=tree)
    assert QuestionCategory.objects.count() == 4
    with translation.override("ar"):
        assert category_label("duties") == "duties ar"
    with translation.override("en"):
        assert category_label("duties") == "duties en"
        assert category_label("not-named") == "Not named"


# --- one conflict rule and message ---------------------------------------------------------


def test_every_kind_reports_a_conflict_with_the_same_message(tree, locales):
    from courses.models import LessonPage

    loader.content_load(root=tree)
    lesson = LessonPage.objects.get(slug="lesson-1-1", locale__language_code="en")
    lesson.title = "Edited in the admin"
    lesson.save_revision().publish()
    Question.objects.filter(quiz__locale__language_code="ar", key="one").update(text="Edited")
    KeyPoint.objects.filter(question__key="reports", question__locale__language_code="en").update(text="Edited")
    report = loader.content_load(root=tree)
    matches = [CONFLICT.match(line) for line in report.conflicts]
    assert all(matches), report.conflicts
    assert sorted((m["kind"], m["key"], m["language"]) for m in matches) == [
        ("interview", "reports", "en"),
        ("lesson", "lesson-1-1", "en"),
        ("quiz", "sample-quiz", "ar"),
    ]
    assert {Path(m["path"]).name for m in matches} == {"lesson-1-1.md", "sample-quiz.yaml", "tools-analytics.yaml"}
    assert report.total("conflict") == 3
    assert loader.content_load(root=tree, force=True).total("conflict") == 0


# --- a new kind: a schema and an apply -----------------------------------------------------

NOTICES: dict = {}


class Notices(Kind):
    """A kind made for this test: content/<lang>/notices/<key>.yaml -> a dict."""

    name = "notice"
    folder = "notices"
    schema = {
        "key": Field("key", required=True),
        "text": Field("text", required=True),
        "weight": Field("int", default=1, same=True),
        "module": Field("key", link="module"),
    }

    def apply(self, item, obj, writer):
        NOTICES[item.key, item.language] = dict(item.data)
        return NOTICES[item.key, item.language]


def notice(root: Path, lang: str, key: str, **fields) -> Path:
    path = root / lang / "notices" / f"{key}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"key": key, "text": f"Hello {lang}", **fields}), encoding="utf-8")
    return path


def test_a_new_kind_is_a_schema_and_an_apply(tree, locales):
    NOTICES.clear()
    kinds = [*KINDS, Notices()]
    for lang in ("en", "ar"):
        notice(tree, lang, "welcome", module="module-1")
    report = loader.content_load(root=tree, kinds=kinds)
    assert report.counts["notice"] == {"created": 2, "updated": 0, "unchanged": 0, "conflict": 0}
    assert NOTICES["welcome", "ar"]["text"] == "Hello ar"
    assert loader.content_load(root=tree, kinds=kinds).counts["notice"]["unchanged"] == 2
    notice(tree, "en", "welcome", module="module-1", text="Changed")
    assert loader.content_load(root=tree, kinds=kinds).counts["notice"]["updated"] == 1
    assert NOTICES["welcome", "en"]["text"] == "Changed"
    # The driver checks it like every other kind: fields, links, parity.
    path = notice(tree, "en", "welcome", module="nope", weight=2, colour="red")
    with pytest.raises(loader.ContentInvalid) as error:
        loader.content_validate(root=tree, kinds=kinds)
    found = [str(p) for p in error.value.problems]
    assert f"{path}:line 1: unknown field 'colour'" in found
    assert f"{path}:line 3: module 'nope' has no file in courses/" in found
    assert any(p.startswith(str(path)) and "notice 'welcome' has weight 2 in en but 1 in ar" in p for p in found)


# --- every file read and parsed once -------------------------------------------------------


def test_each_file_is_read_and_parsed_once(tree, locales, monkeypatch):
    from content.kinds import pages

    (tree / "glossary.yaml").write_text("- concept: x\n  en: X\n  avoid_en: [Twitter]\n", encoding="utf-8")
    reads, yaml_parses, blocks, intros = Counter(), Counter(), Counter(), Counter()

    def counting(counter, function, key):
        def counted(*args, **kwargs):
            counter.update([key(*args)])
            return function(*args, **kwargs)

        return counted

    # Only the content tree's files: Django or a library may read its own files meanwhile
    # (entry points when the first e-mail backend or storage loads).
    monkeypatch.setattr(Path, "read_text", counting(reads, Path.read_text, lambda path, *a: path))
    monkeypatch.setattr(sources, "yaml_load", counting(yaml_parses, sources.yaml_load, lambda text, path, *a: path))
    monkeypatch.setattr(pages, "body_blocks", counting(blocks, pages.body_blocks, lambda text, line: text))
    monkeypatch.setattr(pages, "render", counting(intros, pages.render, lambda text: text))

    report = loader.content_load(root=tree)
    assert report.total("created") > 0 and not report.warnings
    files = {p for p in tree.rglob("*") if p.is_file()}
    # Every file (the glossary too) is read once and its YAML or front matter parsed once,
    # though the glossary, the interview questions and their categories all use it.
    reads = Counter({path: n for path, n in reads.items() if tree in Path(path).parents})
    assert set(reads) == files and set(reads.values()) == {1}
    assert set(yaml_parses) == files and set(yaml_parses.values()) == {1}
    # Each lesson body is cut into blocks once, each introduction rendered once (links are
    # pointed at the pages afterwards without rendering again).
    markdown_files = [p for p in files if p.suffix == ".md"]
    lessons = [p for p in markdown_files if p.name not in ("course.md", "module.md")]
    assert sum(blocks.values()) == len(lessons)
    assert sum(intros.values()) == len(markdown_files) - len(lessons)


def test_check_names_a_bad_link(tree, capsys):
    set_modules(tree, "seo", "[nope]")
    with pytest.raises(Exception, match="nothing was written"):
        call_command("load_content", check=True, root=tree)
    assert "module 'nope' has no file in courses/" in capsys.readouterr().err
    assert not InterviewQuestion.objects.exists()


def test_the_shipped_content_names_a_module_for_every_category():
    problems = Problems()
    parsed = driver.parse(KINDS, Path(loader.content_root()), problems)
    assert not problems, [str(p) for p in problems][:10]
    for key, by_language in parsed["interview-category"].items():
        assert by_language["en"]["modules"], key


def test_a_shared_rule_changed_in_every_language_is_no_conflict(tree, locales):
    """Saving one translation of a quiz copies its shared rules to the others: every language
    is decided before any is written, so that copy is not taken for an editor's change."""
    loader.content_load(root=tree)
    for lang in ("en", "ar"):
        write_file(tree, lang, {**sample(lang), "pass_mark": 80})
    report = loader.content_load(root=tree)
    assert report.counts["quiz"] == {"created": 0, "updated": 2, "unchanged": 0, "conflict": 0}
    assert loader.content_load(root=tree).counts["quiz"]["unchanged"] == 2
