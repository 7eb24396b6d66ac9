"""Quiz files with ordering and numeric questions: what the loader accepts, refuses and writes."""

import copy
from decimal import Decimal

import pytest

from content import loader
from quizzes.models import NumericQuestion, OrderingQuestion
from tests.content.test_content_driver import tree as full_tree  # noqa: F401 - the fixture
from tests.quizzes.test_quiz_content import parse, sample, write_file


def with_new_types(lang: str) -> dict:
    quiz = sample(lang)
    quiz["questions"] += [
        {
            "key": "crisis-steps",
            "type": "ordering",
            "points": 2,
            "text": f"Order ({lang})",
            "explanation": "First things first.",
            "choices": [
                {"key": "pause", "text": f"Pause ({lang})"},
                {"key": "escalate", "text": f"Escalate ({lang})"},
                {"key": "statement", "text": f"Statement ({lang})"},
            ],
        },
        {
            "key": "engagement-rate",
            "type": "numeric",
            "text": f"Rate ({lang})",
            "explanation": "540 / 12,000 x 100.",
            "answer": 4.5,
            "tolerance": "0.05",
            "unit": "%" if lang == "en" else "٪",
        },
    ]
    return quiz


@pytest.fixture
def tree(full_tree):  # noqa: F811
    """The driver's whole content tree (lessons, categories), its quiz with the two new types."""
    for lang in ("en", "ar"):
        write_file(full_tree, lang, with_new_types(lang))
    return full_tree


def problems_after(tree, change, *, both=True) -> list[str]:
    for lang in ("en", "ar") if both else ("en",):
        write_file(tree, lang, change(copy.deepcopy(with_new_types(lang))))
    _parsed, problems = parse(tree)
    return [str(p) for p in problems]


def test_both_types_parse_and_load(tree, db, locales):
    parsed, problems = parse(tree)
    assert not problems, [str(p) for p in problems]
    numeric = parsed["sample-quiz"]["en"]["questions"][-1]
    assert (numeric["answer"], numeric["tolerance"], numeric["unit"]) == ("4.5", "0.05", "%")
    loader.content_load(root=tree)
    for lang in ("en", "ar"):
        ordering = OrderingQuestion.objects.get(key="crisis-steps", quiz__locale__language_code=lang)
        assert [c.key for c in ordering.choices.all()] == ["pause", "escalate", "statement"]
        assert not any(c.correct for c in ordering.choices.all())
        figure = NumericQuestion.objects.get(key="engagement-rate", quiz__locale__language_code=lang)
        assert (figure.answer, figure.tolerance) == (Decimal("4.5"), Decimal("0.05"))
    assert NumericQuestion.objects.get(key="engagement-rate", quiz__locale__language_code="ar").unit == "٪"
    # Loading again changes nothing: the fingerprint reads the new fields back the same way.
    assert loader.content_load(root=tree).counts["quiz"]["unchanged"] == 2


def test_a_changed_answer_or_order_is_an_update(tree, db, locales):
    loader.content_load(root=tree)
    for lang in ("en", "ar"):
        quiz = with_new_types(lang)
        quiz["questions"][-1]["tolerance"] = 0.1
        quiz["questions"][-2]["choices"].reverse()
        write_file(tree, lang, quiz)
    assert loader.content_load(root=tree).counts["quiz"]["updated"] == 2
    assert NumericQuestion.objects.filter(tolerance=Decimal("0.1")).count() == 2
    ordering = OrderingQuestion.objects.filter(key="crisis-steps").first()
    assert [c.key for c in ordering.choices.all()] == ["statement", "escalate", "pause"]


def edit(question: int, **fields):
    def change(data):
        data["questions"][question].update(fields)
        return data

    return change


def edit_choice(question: int, choice: int, **fields):
    def change(data):
        data["questions"][question]["choices"][choice].update(fields)
        return data

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (edit_choice(4, 0, correct=True), "given in the right order, without 'correct'"),
        (edit(4, choices=[{"key": "only", "text": "One step"}]), "needs at least two choices"),
        (edit(4, choices=None), "needs at least two choices"),
        (edit(5, answer=None), "needs 'answer: <the right number>'"),
        (edit(5, answer="4.5%"), "answer must be a number between"),
        (edit(5, answer=True), "answer must be text"),
        (edit(5, answer=5_000_000_000), "answer must be a number between"),
        (edit(5, answer="1.23456"), "with at most 4 decimals"),
        (edit(5, tolerance=-1), "tolerance must be a number between 0"),
        (edit(5, tolerance="abc"), "tolerance must be a number between 0"),
        (edit(5, unit="x" * 21), "unit must be text of at most 20 characters"),
        (edit(5, choices=[{"key": "a", "text": "A"}]), "a numeric question has no choices"),
        (edit(0, tolerance=0.1), "'tolerance' is only for numeric questions"),
        (edit(3, unit="%"), "'unit' is only for numeric questions"),
        (edit(4, answer=3), "'answer' is only for true_false and numeric questions"),
    ],
)
def test_bad_new_questions_are_refused(tree, change, message):
    problems = problems_after(tree, change)
    assert any(message in p and ":line " in p for p in problems), problems


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["questions"][4]["choices"].reverse() or d, "question 'crisis-steps' has choices"),
        (edit(5, answer="4.6"), "question 'engagement-rate' has answer '4.6' in en but '4.5' in ar"),
        (edit(5, tolerance=0.1), "has tolerance '0.1' in en but '0.05' in ar"),
    ],
)
def test_the_right_order_and_the_right_number_are_the_same_in_every_language(tree, change, message):
    problems = problems_after(tree, change, both=False)
    assert any(message in p for p in problems), problems


def test_the_same_number_written_differently_is_the_same(tree):
    """4.5 and "4.50" are one answer: parity compares the numbers, not their spelling."""
    problems = problems_after(tree, edit(5, answer="4.50", tolerance=0.050), both=False)
    assert not problems, problems
