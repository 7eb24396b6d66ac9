"""Grading: each question type turns posted values into an answer and grades it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import services
from quizzes.models import (
    AnswerValue,
    Choice,
    EssayQuestion,
    MultipleChoiceQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from tests.quizzes.factories import mixed, right_values


def in_memory(model, flags: list[bool], points: int):
    """A question with choices 1..n (flags say which are right), without the database."""
    question = model(points=points, text="?")
    question.__dict__["choice_list"] = [
        Choice(pk=n, key=f"c{n}", text=f"choice {n}", correct=flag) for n, flag in enumerate(flags, start=1)
    ]
    return question


choice_sets = st.lists(st.booleans(), min_size=2, max_size=7).filter(any)


@given(
    flags=choice_sets, picks=st.lists(st.booleans(), min_size=7, max_size=7), points=st.integers(1, 20), data=st.data()
)
@settings(max_examples=300)
def test_multiple_choice_properties(flags, picks, points, data):
    question = in_memory(MultipleChoiceQuestion, flags, points)
    chosen = frozenset(n for n, pick in enumerate(picks[: len(flags)], start=1) if pick)
    earned, correct = question.grade_answer(AnswerValue(choice_ids=chosen))
    assert Decimal(0) <= earned <= points

    right = frozenset(n for n, flag in enumerate(flags, start=1) if flag)
    assert question.grade_answer(AnswerValue(choice_ids=right)) == (Decimal(points), True)
    assert correct == (chosen == right)

    # The order of the choices never matters.
    shuffled = data.draw(st.permutations(question.choice_list))
    question.__dict__["choice_list"] = shuffled
    assert question.grade_answer(AnswerValue(choice_ids=chosen)) == (earned, correct)


@given(flags=choice_sets, points=st.integers(1, 20))
def test_multiple_choice_partial_credit_formula(flags, points):
    question = in_memory(MultipleChoiceQuestion, flags, points)
    right = [n for n, flag in enumerate(flags, start=1) if flag]
    wrong = [n for n, flag in enumerate(flags, start=1) if not flag]
    chosen = frozenset(right[:1] + wrong[:1])
    expected = max(Decimal(1 - len(wrong[:1])), Decimal(0)) / len(right) * points
    assert question.grade_answer(AnswerValue(choice_ids=chosen))[0] == expected.quantize(Decimal("0.01"))


@given(
    size=st.integers(2, 6), right=st.integers(0, 5), pick=st.integers(0, 5), points=st.integers(1, 9), data=st.data()
)
def test_single_choice_properties(size, right, pick, points, data):
    flags = [n == right % size for n in range(size)]
    question = in_memory(SingleChoiceQuestion, flags, points)
    chosen = frozenset({pick % size + 1})
    earned, correct = question.grade_answer(AnswerValue(choice_ids=chosen))
    assert earned in (Decimal(0), Decimal(points))
    assert correct == (pick % size == right % size)
    assert question.grade_answer(AnswerValue(choice_ids=frozenset({right % size + 1}))) == (Decimal(points), True)
    question.__dict__["choice_list"] = data.draw(st.permutations(question.choice_list))
    assert question.grade_answer(AnswerValue(choice_ids=chosen)) == (earned, correct)


def test_partial_credit_examples():
    question = in_memory(MultipleChoiceQuestion, [True, True, False, False], 4)
    assert question.grade_answer(AnswerValue(choice_ids=frozenset({1})))[0] == Decimal("2.00")
    assert question.grade_answer(AnswerValue(choice_ids=frozenset({1, 3})))[0] == Decimal("0.00")
    assert question.grade_answer(AnswerValue(choice_ids=frozenset({3, 4})))[0] == Decimal("0.00")  # never below zero
    assert question.grade_answer(AnswerValue())[0] == Decimal("0.00")


def test_true_false_and_essay():
    statement = TrueFalseQuestion(points=2, correct_answer=False)
    assert statement.grade_answer(AnswerValue(truth=False)) == (Decimal(2), True)
    assert statement.grade_answer(AnswerValue(truth=True)) == (Decimal(0), False)
    assert statement.grade_answer(AnswerValue()) == (Decimal(0), False)
    assert statement.clean_answer(["true"]) == AnswerValue(truth=True)
    assert statement.clean_answer([]) == AnswerValue()

    essay = EssayQuestion(points=3)
    assert essay.grade_answer(essay.clean_answer(["  My answer  "])) == (None, None)
    assert essay.clean_answer(["  My answer "]).text == "My answer"
    assert essay.grade_answer(essay.clean_answer([""])) == (Decimal(0), False)


@pytest.mark.parametrize(
    "model, values",
    [
        (SingleChoiceQuestion, ["99"]),  # does not exist
        (SingleChoiceQuestion, ["abc"]),
        (SingleChoiceQuestion, ["1", "2"]),  # two answers to a single choice
        (MultipleChoiceQuestion, ["1", "99"]),
        (TrueFalseQuestion, ["maybe"]),
        (TrueFalseQuestion, ["true", "false"]),
        (EssayQuestion, ["x" * 10_001]),
        (EssayQuestion, ["one", "two"]),
    ],
)
def test_bad_values_are_refused_with_a_translated_message(model, values):
    question = in_memory(model, [True, False], 1)
    with translation.override("ar"):
        with pytest.raises(ValidationError) as error:
            question.clean_answer(values)
        message = error.value.messages[0]
    assert message and any("\u0600" <= ch <= "\u06ff" for ch in message), message


@pytest.mark.django_db
@given(seed=st.lists(st.integers(0, 3), min_size=8, max_size=8))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_attempt_score_between_zero_and_max(make_quiz, trainee, seed):
    quiz = make_quiz(kinds=mixed(8)[:7] + ["multiple"])
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    answers = {}
    for response, pick in zip(attempt.answers.select_related("question"), seed, strict=False):
        question = response.question.get_real_instance()
        choices = [str(c.pk) for c in question.choices.all()]
        if isinstance(question, MultipleChoiceQuestion):
            answers[question.pk] = choices[pick : pick + 2] if pick % 2 else choices[pick:]
        elif choices:
            answers[question.pk] = [choices[pick]]
        else:
            answers[question.pk] = [["true", "false", "", ""][pick]]
    services.answers_save(attempt=attempt, answers=answers)
    attempt = services.attempt_submit(attempt=attempt)
    assert 0 <= attempt.score <= attempt.max_score
    assert attempt.max_score == 8


@pytest.mark.django_db
def test_all_right_gives_the_maximum(make_quiz, trainee):
    quiz = make_quiz(kinds=mixed(12)[:3] * 4)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    questions = [r.question for r in attempt.answers.select_related("question")]
    services.answers_save(attempt=attempt, answers={q.pk: right_values(q.get_real_instance()) for q in questions})
    attempt = services.attempt_submit(attempt=attempt)
    assert attempt.score == attempt.max_score == 12
    assert attempt.passed is True
