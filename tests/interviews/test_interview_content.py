"""The interview part of load_content: validation with file names, parity, idempotent writes, conflicts."""

from pathlib import Path

import pytest
import yaml

from content.driver import Report
from content.keys import content_uuid
from content.kinds import interviews as content
from content.sources import Problems
from interviews.models import Category, InterviewQuestion, KeyPoint

pytestmark = pytest.mark.django_db


def question(key="preferred-tools", level="specialist", points=("scheduling", "goals"), lang="en", **extra):
    data = {
        "key": key,
        "level": level,
        "prompt": "Which tools do you prefer?" if lang == "en" else "ما الأدوات التي تفضّلها؟",
        "suggested_seconds": 120,
        "model_answer": "I use Buffer and read Insights." if lang == "en" else "أستخدم Buffer وأقرأ الإحصاءات.",
        "key_points": [
            {"key": p, "text": f"Covers {p}" if lang == "en" else f"يغطي {p}", "phrases": [f"{p} tool", "Buffer"]}
            for p in points
        ],
    }
    data.update(extra)
    return data


def write_tree(root: Path, files: dict[str, dict | str]) -> Path:
    """files: {"en/tools-analytics": data or raw text}."""
    for name, data in files.items():
        lang, category = name.split("/")
        path = root / lang / "interviews" / f"{category}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
    for lang in ("en", "ar"):
        (root / lang / "interviews").mkdir(parents=True, exist_ok=True)
    return root


def good_tree(root: Path, **overrides) -> Path:
    files = {
        "en/tools-analytics": {
            "category": "tools-analytics",
            "questions": [question(), question("reports", "manager")],
        },
        "ar/tools-analytics": {
            "category": "tools-analytics",
            "questions": [question(lang="ar"), question("reports", "manager", lang="ar")],
        },
        "en/seo": {"category": "seo", "questions": [question("seo-why", points=("search",))]},
        "ar/seo": {"category": "seo", "questions": [question("seo-why", points=("search",), lang="ar")]},
    }
    files.update(overrides)
    return write_tree(root, files)


def parse(root):
    problems = Problems()
    parsed = content.parse(root, problems)
    return parsed, [str(p) for p in problems]


def test_a_good_tree_parses_without_problems(tmp_path):
    parsed, problems = parse(good_tree(tmp_path))
    assert problems == []
    assert set(parsed) == {"preferred-tools", "reports", "seo-why"}
    assert all(set(by_language) == {"en", "ar"} for by_language in parsed.values())
    assert parsed["preferred-tools"]["ar"]["category"] == "tools-analytics"


def test_the_shipped_content_parses(settings):
    root = Path(settings.BASE_DIR) / "content"
    parsed, problems = parse(root)
    assert problems == [], "\n".join(problems[:20])
    for lang in ("en", "ar"):
        questions = [by_language[lang] for by_language in parsed.values()]
        assert len(questions) >= 60
        # Every category offered in interview practice has questions in every language.
        assert {q["category"] for q in questions} == set(Category.values)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda q: q.pop("prompt"), "missing the required field 'prompt'"),
        (lambda q: q.update(colour="blue"), "unknown field 'colour'"),
        (lambda q: q.update(level="intern"), "level 'intern' must be one of"),
        (lambda q: q.update(suggested_seconds=0), "suggested_seconds must be a positive whole number"),
        (lambda q: q.update(suggested_seconds="two minutes"), "suggested_seconds must be a positive whole number"),
        (lambda q: q.update(suggested_seconds=True), "suggested_seconds must be a positive whole number"),
        (lambda q: q.update(key="Bad Key"), "must be a slug"),
        (lambda q: q.update(model_answer="  "), "model_answer must be non-empty text"),
        (lambda q: q.update(key_points=[]), "key_points must be a list of 1 to 8"),
        (
            lambda q: q.update(key_points=[{"key": f"p{i}", "text": "t", "phrases": ["x"]} for i in range(9)]),
            "key_points must be a list of 1 to 8",
        ),
        (lambda q: q["key_points"][0].update(phrases=[]), "phrases must be a non-empty list"),
        (lambda q: q["key_points"][0].update(phrases="Buffer"), "phrases must be a non-empty list"),
        (lambda q: q["key_points"][0].update(phrases=["ok", 3]), "phrases must be a non-empty list"),
        (lambda q: q["key_points"][0].pop("text"), "missing the required field 'text' in a key point"),
        (lambda q: q["key_points"][0].update(weight=2), "unknown field 'weight' in a key point"),
        (lambda q: q["key_points"].append(dict(q["key_points"][0])), "duplicate key point key 'scheduling'"),
    ],
)
def test_schema_errors_name_the_file_and_place(tmp_path, mutate, expected):
    bad = question()
    mutate(bad)
    root = good_tree(
        tmp_path,
        **{"en/tools-analytics": {"category": "tools-analytics", "questions": [bad, question("reports", "manager")]}},
    )
    _parsed, problems = parse(root)
    matching = [p for p in problems if expected in p]
    assert matching, problems
    assert all("en/interviews/tools-analytics.yaml" in p for p in matching)
    assert any(":line " in p or "questions[0]" in p for p in matching)


def test_category_must_match_the_file_name(tmp_path):
    root = good_tree(
        tmp_path, **{"en/seo": {"category": "tools-analytics", "questions": [question("seo-why", points=("search",))]}}
    )
    _parsed, problems = parse(root)
    assert any(
        "en/interviews/seo.yaml:line 1: category 'tools-analytics' does not match the file name 'seo'" in p
        for p in problems
    ), problems


def test_unknown_category_file_and_top_level_fields(tmp_path):
    root = good_tree(
        tmp_path,
        **{
            "en/cooking": {"category": "cooking", "questions": [question("x")]},
            "ar/seo": {
                "category": "seo",
                "questions": [question("seo-why", points=("search",), lang="ar")],
                "author": "me",
            },
        },
    )
    _parsed, problems = parse(root)
    assert any("en/interviews/cooking.yaml: unknown category file" in p for p in problems), problems
    assert any("ar/interviews/seo.yaml" in p and "unknown field 'author'" in p for p in problems), problems


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    root = good_tree(tmp_path, **{"en/seo": "category: seo\nquestions:\n  - key: [unclosed\n"})
    _parsed, problems = parse(root)
    assert any("en/interviews/seo.yaml:line" in p and "invalid YAML" in p for p in problems), problems


def test_duplicate_keys_across_files(tmp_path):
    root = good_tree(
        tmp_path,
        **{
            "en/seo": {
                "category": "seo",
                "questions": [question("seo-why", points=("search",)), question("reports", "manager")],
            },
        },
    )
    _parsed, problems = parse(root)
    assert any(
        "en/interviews/tools-analytics.yaml" in p
        and "duplicate question key 'reports'" in p
        or "en/interviews/seo.yaml" in p
        and "duplicate question key 'reports'" in p
        for p in problems
    ), problems


def test_parity_between_languages(tmp_path):
    root = good_tree(
        tmp_path,
        **{
            "ar/tools-analytics": {
                "category": "tools-analytics",
                "questions": [
                    question(lang="ar", points=("scheduling", "budget")),
                    question("reports", "director", lang="ar"),
                    question("extra-ar", lang="ar"),
                ],
            },
            "ar/seo": {"category": "seo", "questions": [question("seo-other", points=("search",), lang="ar")]},
        },
    )
    _parsed, problems = parse(root)
    text = "\n".join(problems)
    # Arabic is the reference language (first in LANGUAGES); each problem names the file on the other side.
    assert "en/interviews/seo.yaml: question 'seo-other' exists in ar (seo.yaml) but not in en" in text
    assert "question 'seo-why' exists in en (seo.yaml) but not in ar" in text
    assert (
        "en/interviews/tools-analytics.yaml: question 'extra-ar' exists in ar (tools-analytics.yaml) but not in en"
        in text
    )
    assert "question 'reports' has level 'manager' in en but 'director' in ar" in text
    assert "has key points ['scheduling', 'goals'] in en but ['scheduling', 'budget'] in ar" in text
    assert all("/interviews/" in p for p in problems)


def test_category_parity(tmp_path):
    root = good_tree(
        tmp_path,
        **{
            "ar/seo": {
                "category": "seo",
                "questions": [
                    question("seo-why", points=("search",), lang="ar"),
                    question("reports", "manager", lang="ar"),
                ],
            },
            "ar/tools-analytics": {"category": "tools-analytics", "questions": [question(lang="ar")]},
        },
    )
    _parsed, problems = parse(root)
    assert any(
        "en/interviews/tools-analytics.yaml" in p and "is in category 'tools-analytics' in en but 'seo' in ar" in p
        for p in problems
    ), problems


def _load(root, force=False):
    parsed, problems = parse(root)
    assert problems == []
    report = Report()
    content.write(parsed, report=report, force=force)
    return report.counts.get("interview", {})


def test_write_creates_both_languages_then_changes_nothing(tmp_path, locales):
    root = good_tree(tmp_path)
    assert _load(root) == {"created": 6, "updated": 0, "unchanged": 0, "conflict": 0}
    en = InterviewQuestion.objects.get(key="preferred-tools", locale__language_code="en")
    ar = InterviewQuestion.objects.get(key="preferred-tools", locale__language_code="ar")
    assert en.translation_key == ar.translation_key == content_uuid("interview", "preferred-tools")
    assert [p.key for p in en.key_points.order_by("sort_order")] == ["scheduling", "goals"]
    assert ar.key_points.first().phrases == ["scheduling tool", "Buffer"]
    assert _load(root) == {"created": 0, "updated": 0, "unchanged": 6, "conflict": 0}


def test_changed_file_updates_and_key_points_sync(tmp_path, locales):
    root = good_tree(tmp_path)
    _load(root)
    good_tree(
        tmp_path,
        **{
            "en/seo": {
                "category": "seo",
                "questions": [question("seo-why", points=("search", "rank"), suggested_seconds=90)],
            },
            "ar/seo": {"category": "seo", "questions": [question("seo-why", points=("search", "rank"), lang="ar")]},
        },
    )
    assert _load(root) == {"created": 0, "updated": 2, "unchanged": 4, "conflict": 0}
    en = InterviewQuestion.objects.get(key="seo-why", locale__language_code="en")
    assert en.suggested_seconds == 90
    assert [p.key for p in en.key_points.order_by("sort_order")] == ["search", "rank"]
    good_tree(
        tmp_path,
        **{
            "en/seo": {"category": "seo", "questions": [question("seo-why", points=("rank",))]},
            "ar/seo": {"category": "seo", "questions": [question("seo-why", points=("rank",), lang="ar")]},
        },
    )
    _load(root)
    assert list(KeyPoint.objects.filter(question=en).values_list("key", flat=True)) == ["rank"]


def test_admin_edits_are_conflicts_unless_forced(tmp_path, locales):
    root = good_tree(tmp_path)
    _load(root)
    edited = InterviewQuestion.objects.get(key="reports", locale__language_code="ar")
    edited.prompt = "سؤال عدّله محرر"
    edited.save()
    point = KeyPoint.objects.filter(question__key="preferred-tools", question__locale__language_code="en").first()
    point.phrases = ["edited"]
    point.save()
    assert _load(root) == {"created": 0, "updated": 0, "unchanged": 4, "conflict": 2}
    edited.refresh_from_db()
    assert edited.prompt == "سؤال عدّله محرر"
    assert _load(root, force=True) == {"created": 0, "updated": 2, "unchanged": 4, "conflict": 0}
    edited.refresh_from_db()
    assert edited.prompt == "ما الأدوات التي تفضّلها؟"
