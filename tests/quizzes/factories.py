"""Quizzes and questions for tests: every type, with known right answers."""

from decimal import Decimal

from quizzes.models import (
    Choice,
    EssayQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    OrderingQuestion,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

TYPES = ["single", "multiple", "true_false", "essay"]


def mixed(count: int) -> list[str]:
    """`count` question kinds cycling through every type."""
    return [TYPES[i % len(TYPES)] for i in range(count)]


def question_add(quiz: Quiz, kind: str, index: int, *, category: str = "", points: int = 1):
    """Add one question of `kind`; choice 'a' is right (and 'b' too for multiple choice)."""
    common = {
        "quiz": quiz,
        "key": f"q{index}",
        "sort_order": index,
        "category": category or kind,
        "text": f"[{quiz.locale.language_code}] Question {index} ({kind})",
        "explanation": f"EXPLANATION-{quiz.pk}-{index}",
        "points": points,
    }
    if kind == "true_false":
        return TrueFalseQuestion.objects.create(correct_answer=True, **common)
    if kind == "essay":
        return EssayQuestion.objects.create(**common)
    if kind == "numeric":  # 4.5 (± 0.1) %
        return NumericQuestion.objects.create(answer=Decimal("4.5"), tolerance=Decimal("0.1"), unit="%", **common)
    if kind == "ordering":  # steps a, b, c, d in this order
        question = OrderingQuestion.objects.create(**common)
        Choice.objects.bulk_create(
            Choice(question=question, key=key, text=f"Step {key} of {index}", sort_order=n)
            for n, key in enumerate(["a", "b", "c", "d"])
        )
        return question
    model = SingleChoiceQuestion if kind == "single" else MultipleChoiceQuestion
    question = model.objects.create(**common)
    right = {"a"} if kind == "single" else {"a", "b"}
    Choice.objects.bulk_create(
        Choice(question=question, key=key, text=f"Choice {key} of {index}", correct=key in right, sort_order=n)
        for n, key in enumerate(["a", "b", "c", "d"])
    )
    return question


def right_values(question) -> list[str]:
    """The posted values that answer `question` fully right (a text for essays)."""
    choices = list(question.choices.all())
    if isinstance(question, OrderingQuestion):
        return [f"{c.pk}:{n}" for n, c in enumerate(choices, start=1)]
    if isinstance(question, NumericQuestion):
        return [str(question.answer)]
    if choices:
        return [str(c.pk) for c in choices if c.correct]
    if isinstance(question, TrueFalseQuestion):
        return ["true" if question.correct_answer else "false"]
    return ["A thoughtful written answer."]


def wrong_values(question) -> list[str]:
    """The posted values of a wrong answer (nothing for essays)."""
    choices = list(question.choices.all())
    if isinstance(question, OrderingQuestion):  # every step in reverse
        return [f"{c.pk}:{len(choices) - n}" for n, c in enumerate(choices)]
    if isinstance(question, NumericQuestion):
        return [str(question.answer + question.tolerance + 1)]
    if choices:
        return [str(next(c.pk for c in choices if not c.correct))]
    if isinstance(question, TrueFalseQuestion):
        return ["false" if question.correct_answer else "true"]
    return []
