"""The glossary check of `load_content` and the `sources` of lessons."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from content import glossary
from content.kinds import pages
from content.sources import Problems
from courses.models import LessonPage
from tests.conftest import write_course_tree

pytestmark = pytest.mark.django_db
CONTENT = Path(settings.BASE_DIR) / "content"

GLOSSARY = """\
- concept: hashtag
  ar: وسم
  en: hashtag
  avoid_ar: [هاشتاغ, هاشتاق]
- concept: content-calendar
  ar: تقويم المحتوى
  en: content calendar
  avoid_ar: [التقويم التحريري]
  avoid_en: [editorial calendar]
- concept: x
  ar: X
  en: X
  avoid_ar: [تويتر, Twitter]
  avoid_en: [Twitter]
  allow_en: [formerly Twitter]
- concept: spelling-optimize
  en: optimize
  avoid_en: [optimise, optimised]
"""


@pytest.fixture
def tree(tmp_path):
    root = write_course_tree(tmp_path / "content")
    (root / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return root


def lesson(root, lang="en") -> Path:
    return root / lang / "courses" / "demo-course" / "module-1" / "lesson-1-1.md"


def append(path: Path, text: str) -> int:
    """Append `text` as a paragraph; return the line number it starts on."""
    body = path.read_text(encoding="utf-8")
    path.write_text(body + "\n" + text + "\n", encoding="utf-8")
    return len(body.splitlines()) + 2


def warnings_of(root) -> list[str]:
    problems = Problems()
    found = [str(w) for w in glossary.check(root, problems)]
    assert not problems, [str(p) for p in problems]
    return found


def test_a_clean_tree_has_no_warning(tree):
    assert warnings_of(tree) == []


@pytest.mark.parametrize(
    ("text", "variant", "preferred"),
    [
        ("نستخدم الهاشتاغ في كل منشور.", "الهاشتاغ", "وسم"),
        ("أضف بالهاشتاغات المناسبة.", "بالهاشتاغات", "وسم"),
        ("وللتقويم التحريري فائدة.", "وللتقويم التحريري", "تقويم المحتوى"),
        ("راجع تقويمًا تحريريًّا كل أسبوع.", "تقويمًا تحريريًّا", "تقويم المحتوى"),
        ("نشرنا على تويتر وفي Twitter أيضًا.", "تويتر", "X"),
        ("وهاشتاق الحملة ظاهر.", "وهاشتاق", "وسم"),
    ],
)
def test_an_arabic_variant_is_reported_with_its_file_and_line(tree, text, variant, preferred):
    path = lesson(tree, "ar")
    line = append(path, text)
    found = warnings_of(tree)
    assert any(
        w.startswith(f"{path}:line {line}: glossary: {variant!r}") and f"use {preferred!r}" in w for w in found
    ), found


def test_arabic_matching_stops_at_word_edges(tree):
    append(lesson(tree, "ar"), "الهاشتاغولوجيا كلمة مخترعة، وTwitterverse كذلك، والتقويم الهجري تقويم آخر.")
    assert warnings_of(tree) == []


def test_an_english_variant_is_a_whole_word_in_any_case(tree):
    path = lesson(tree)
    line = append(path, "Our Editorial Calendar is optimised weekly; the optimiser and reoptimise stay.")
    found = warnings_of(tree)
    assert (
        f"{path}:line {line}: glossary: 'Editorial Calendar' is a variant to avoid; use 'content calendar'"
        in (found[0].rsplit(" (", 1)[0])
    ), found
    assert any("'optimised'" in w and "use 'optimize'" in w for w in found), found
    assert len(found) == 2, found


def test_allowed_phrases_keys_links_and_phrases_are_not_prose(tree):
    path = lesson(tree)
    append(path, "Post on X (formerly Twitter) and see [the guide](https://example.com/twitter-editorial-calendar).")
    interviews = tree / "en" / "interviews"
    interviews.mkdir(parents=True, exist_ok=True)
    (interviews / "background.yaml").write_text(
        "category: background\nquestions:\n  - key: twitter\n    key_points:\n      - key: a\n"
        "        phrases: [Twitter, editorial calendar]\n      - key: b\n        phrases:\n          - Twitter\n",
        encoding="utf-8",
    )
    assert warnings_of(tree) == []
    append(path, "We tweeted on Twitter.")
    assert len(warnings_of(tree)) == 1


def test_quiz_files_are_scanned(tree):
    quizzes = tree / "ar" / "quizzes"
    quizzes.mkdir(parents=True, exist_ok=True)
    path = quizzes / "demo-quiz.yaml"
    path.write_text("key: demo-quiz\nquestions:\n  - key: q\n    text: ما فائدة الهاشتاغ؟\n", encoding="utf-8")
    assert any(w.startswith(f"{path}:line 4: glossary:") for w in warnings_of(tree))


def test_a_variant_that_matches_a_preferred_term_is_a_glossary_error(tree):
    (tree / "glossary.yaml").write_text(
        "- concept: hashtag\n  ar: وسم\n  avoid_ar: [الوسم]\n- concept: oops\n  colour: red\n", encoding="utf-8"
    )
    problems = Problems()
    glossary.check(tree, problems)
    messages = [str(p) for p in problems]
    assert any("matches the preferred term 'وسم'" in m for m in messages), messages
    assert any("unknown field 'colour'" in m for m in messages), messages


def test_check_prints_warnings_and_still_succeeds(tree, capsys):
    for lang in ("ar", "en"):
        for folder in ("quizzes", "interviews"):
            (tree / lang / folder).mkdir(exist_ok=True)
    path = lesson(tree)
    line = append(path, "Plan the editorial calendar.")
    call_command("load_content", check=True, root=tree)
    out, err = capsys.readouterr()
    assert f"{path}:line {line}: glossary: 'editorial calendar'" in err
    assert "valid; 1 warning(s)." in out


@pytest.mark.slow
def test_the_shipped_content_has_no_glossary_warning():
    problems = Problems()
    found = [str(w) for w in glossary.check(CONTENT, problems)]
    assert not problems, [str(p) for p in problems]
    assert found == [], "\n".join(found)


# --- sources -------------------------------------------------------------------------


SOURCES = """sources:
  - Notes from a hiring manager
  - title: Meta Community Standards
    url: https://transparency.meta.com/policies/community-standards/
"""


def with_sources(path: Path, sources: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("order: 1\n---", f"order: 1\n{sources}---", 1), encoding="utf-8")


def test_sources_are_stored_and_shown_at_the_end_of_the_lesson(tree, load_course_pages, client, trainee):
    for lang in ("en", "ar"):
        with_sources(lesson(tree, lang), SOURCES)
    load_course_pages(tree)
    client.force_login(trainee)
    for lang, heading in (("en", "Sources"), ("ar", "المصادر")):
        page = LessonPage.objects.get(slug="lesson-1-1", locale__language_code=lang)
        assert [(s.value["title"], s.value["url"]) for s in page.sources] == [
            ("Notes from a hiring manager", ""),
            ("Meta Community Standards", "https://transparency.meta.com/policies/community-standards/"),
        ]
        html = client.get(page.url).text
        section = html[html.index('<section class="sources">') :]
        assert f"<h2>{heading}</h2>" in section
        assert '<a href="https://transparency.meta.com/policies/community-standards/"' in section
        assert "<li>Notes from a hiring manager</li>" in section
        assert html.index('<section class="sources">') > html.index("A worked example" if lang == "en" else "مثال عملي")


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ("sources: A book\n", "sources must be a list"),
        ("sources:\n  - title: ''\n", "line 8: sources item 1 needs a title"),
        ("sources:\n  - title: T\n    url: javascript:alert(1)\n", "line 9: sources item 1: url must be a web address"),
        ("sources:\n  - title: T\n    link: https://example.com\n", "line 9: unknown field 'link' in sources item 1"),
        ("sources:\n  - [a, b]\n", "sources item 1 must be a text or a mapping"),
    ],
)
def test_bad_sources_are_reported_with_the_line(tree, sources, expected):
    path = lesson(tree)
    with_sources(path, sources)
    problems = Problems()
    pages.parse(tree, problems)
    found = [str(p) for p in problems]
    assert any(p.startswith(str(path)) and expected in p for p in found), found
