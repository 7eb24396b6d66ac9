"""Interview hints that mean something: the stop lists, the shipped key points, the evaluation set."""

import importlib.util
import statistics
import time
from pathlib import Path

import pytest
import yaml

from content.kinds import interviews as content
from content.sources import Problems
from interviews.matching import covered_key_points, generic_phrase

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "ar")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_keypoints", ROOT / "bench" / "keypoints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


@pytest.mark.parametrize(
    ("phrase", "language"),
    [
        ("result", "en"),
        ("as a result", "en"),
        ("Results", "en"),
        ("ready", "en"),
        ("this role", "en"),
        ("the team", "en"),
        ("data", "en"),
        ("plan", "en"),
        ("نتيجة", "ar"),
        ("النتائج", "ar"),
        ("بيانات", "ar"),
        ("البيانات", "ar"),
        ("فريق", "ar"),
        ("الفريق", "ar"),
        ("في النتيجة", "ar"),
        ("خطة", "ar"),
    ],
)
def test_a_single_generic_word_is_refused(phrase, language):
    assert generic_phrase(phrase, language)


@pytest.mark.parametrize(
    ("phrase", "language"),
    [
        ("holding statement", "en"),
        ("post-mortem", "en"),
        ("Hootsuite", "en"),
        ("escalation path", "en"),
        ("ready to own", "en"),
        ("بيان مبدئي", "ar"),
        ("فريق الأزمة", "ar"),
        ("المؤثرين الصغار", "ar"),
        ("Google Analytics", "ar"),
    ],
)
def test_specific_phrases_are_evidence(phrase, language):
    assert generic_phrase(phrase, language) is None


def _tree(root: Path, phrases_en, phrases_ar) -> Path:
    for language, phrases in (("en", phrases_en), ("ar", phrases_ar)):
        path = root / language / "interviews" / "tools-analytics.yaml"
        path.parent.mkdir(parents=True)
        question = {
            "key": "preferred-tools",
            "level": "specialist",
            "prompt": "Which tools?" if language == "en" else "ما الأدوات؟",
            "suggested_seconds": 60,
            "model_answer": "I schedule with Buffer." if language == "en" else "أجدول بـ Buffer.",
            "key_points": [{"key": "scheduling", "text": "Names a tool", "phrases": phrases}],
        }
        path.write_text(yaml.safe_dump({"category": "tools-analytics", "questions": [question]}, allow_unicode=True))
    return root


def test_the_loader_refuses_a_generic_phrase_naming_file_and_line(tmp_path):
    root = _tree(tmp_path, ["Buffer", "as a result"], ["Buffer", "النتيجة"])
    problems = Problems()
    content.parse(root, problems)
    messages = [str(p) for p in problems]
    en = [m for m in messages if "'as a result'" in m]
    ar = [m for m in messages if "'النتيجة'" in m]
    assert en and ar, messages
    assert "en/interviews/tools-analytics.yaml" in en[0] and ":line " in en[0] and "generic word 'result'" in en[0]
    assert "ar/interviews/tools-analytics.yaml" in ar[0]
    assert len(messages) == 2


def test_the_stop_list_is_per_language(tmp_path):
    # "data" is generic in English; in an Arabic file it is a Latin word like a tool name.
    root = _tree(tmp_path, ["Buffer"], ["Buffer", "data"])
    problems = Problems()
    content.parse(root, problems)
    assert not problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_shipped_phrase_is_generic(language):
    generic = [
        (key, point["key"], phrase)
        for key, question in BENCH.shipped_questions(language).items()
        for point in question["key_points"]
        for phrase in point["phrases"]
        if generic_phrase(phrase, language)
    ]
    assert generic == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_model_answer_covers_all_its_own_key_points(language):
    missing = []
    for key, question in BENCH.shipped_questions(language).items():
        covered = covered_key_points(question["model_answer"], question["key_points"])
        missing += [(key, point["key"]) for point in question["key_points"] if point["key"] not in covered]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_evaluation_set_is_large_labelled_against_shipped_points_and_meets_the_targets(language):
    result = BENCH.evaluate(language)  # raises on a label that is not a key point of its question
    assert result["answers"] >= 60
    assert result["precision"] >= BENCH.TARGET_PRECISION, result["false_positives"]
    assert result["recall"] >= BENCH.TARGET_RECALL, result["false_negatives"]


def test_generic_answers_in_the_evaluation_set_trigger_little():
    for language in LANGUAGES:
        generic = [a for a in BENCH.load_set(BENCH.EVAL_DIR / f"{language}.yaml") if not a.get("covers")]
        assert len(generic) >= 15


def test_matching_one_answer_stays_well_under_10_ms():
    questions = BENCH.shipped_questions("ar") | BENCH.shipped_questions("en")
    answers = [q["model_answer"] for q in questions.values()]
    timings = []
    for answer, question in zip(answers, questions.values(), strict=True):
        start = time.perf_counter()
        covered_key_points(answer + " " + answer, question["key_points"])  # a long answer, cold
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.005
