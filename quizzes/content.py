"""The quiz part of `load_content`: read content/<lang>/quizzes/*.yaml, check them, write quizzes.

`parse()` validates every file of both languages and their parity and returns the quizzes
keyed by quiz key, then language; `write()` creates or updates the Quiz rows with their
questions and choices, leaving alone what an editor changed in the admin (unless forced)."""

import hashlib
import json
import re
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from courses.content.common import (
    LANGUAGES,
    Problems,
    Report,
    content_uuid,
    decide,
    read_yaml,
    record_save,
    source_hash,
    where,
)

from .models import (
    Answer,
    Choice,
    EssayQuestion,
    MultipleChoiceQuestion,
    Question,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHOICE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")

QUESTION_TYPES = {
    "single_choice": SingleChoiceQuestion,
    "multiple_choice": MultipleChoiceQuestion,
    "true_false": TrueFalseQuestion,
    "essay": EssayQuestion,
}
TYPE_NAMES = {model: name for name, model in QUESTION_TYPES.items()}

# field: (kind, required, default, max length or (min, max))
QUIZ_FIELDS = {
    "key": ("key", True, None, 80),
    "title": ("text", True, None, 200),
    "description": ("text", False, "", None),
    "category": ("text", False, "", 60),
    "pass_mark": ("int", False, 70, (0, 100)),
    "random_order": ("bool", False, False, None),
    "max_questions": ("int", False, 0, (0, 32767)),
    "answers_at_end": ("bool", False, True, None),
    "exam_paper": ("bool", False, False, None),
    "single_attempt": ("bool", False, False, None),
    "attempts_allowed": ("int", False, 0, (0, 32767)),
    "time_limit_minutes": ("int", False, 0, (0, 32767)),
    "draft": ("bool", False, False, None),
    "success_text": ("text", False, "", None),
    "fail_text": ("text", False, "", None),
    "questions": ("list", True, None, None),
}
QUESTION_FIELDS = {
    "key": ("key", True, None, 80),
    "type": ("text", True, None, None),
    "category": ("text", False, "", 60),
    "points": ("int", False, 1, (1, 1000)),
    "text": ("text", True, None, None),
    "explanation": ("text", False, "", None),
    "choices": ("list", False, None, None),
    "answer": ("bool", False, None, None),
}
CHOICE_FIELDS = {
    "key": ("choice_key", True, None, 20),
    "text": ("text", True, None, 500),
    "correct": ("bool", False, False, None),
}
# Settings that must be the same in every language: attempts are counted across languages.
SHARED_SETTINGS = list(Quiz.SHARED_RULES)


def _at(data, field: str, label: str) -> str:
    line = where(data, field)
    return f"{line} ({label})" if line and label else line or label


def _fields(data, spec: dict, path: Path, problems: Problems, label: str) -> dict | None:
    """Check a mapping against `spec`; return the values with defaults, or None if it is not a mapping."""
    prefix = f"{label}." if label else ""
    if not isinstance(data, dict):
        problems.add(path, label, "must be a mapping of fields")
        return None
    for unknown in sorted(set(data) - set(spec), key=str):
        problems.add(path, _at(data, unknown, f"{prefix}{unknown}"), f"unknown field {unknown!r}")
    values = {}
    for name, (kind, required, default, limit) in spec.items():
        at = _at(data, name, f"{prefix}{name}")
        if name not in data or data[name] is None:
            if required:
                problems.add(
                    path, _at(data, name, f"{prefix}{name}") if name in data else label, f"missing field {name!r}"
                )
            values[name] = default
            continue
        value = data[name]
        if kind in ("text", "key", "choice_key"):
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                problems.add(path, at, f"{name!r} must be text")
                values[name] = default
                continue
            value = str(value).strip()
            if required and not value:
                problems.add(path, at, f"{name!r} must not be empty")
            if limit and len(value) > limit:
                problems.add(path, at, f"{name!r} is longer than {limit} characters")
            if kind == "key" and value and not KEY.match(value):
                problems.add(path, at, f"{name!r} must be a lowercase slug (a-z, 0-9, -), not {value!r}")
            if kind == "choice_key" and value and not CHOICE_KEY.match(value):
                problems.add(path, at, f"{name!r} must be a short lowercase slug, not {value!r}")
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                problems.add(path, at, f"{name!r} must be a whole number")
                values[name] = default
                continue
            low, high = limit
            if not low <= value <= high:
                problems.add(path, at, f"{name!r} must be between {low} and {high}, not {value}")
        elif kind == "bool":
            if not isinstance(value, bool):
                problems.add(path, at, f"{name!r} must be true or false")
                values[name] = default
                continue
        elif kind == "list":
            if not isinstance(value, list):
                problems.add(path, at, f"{name!r} must be a list")
                values[name] = default
                continue
        values[name] = value
    return values


def _parse_question(data, index: int, path: Path, problems: Problems) -> dict | None:
    label = f"questions[{index}]"
    values = _fields(data, QUESTION_FIELDS, path, problems, label)
    if values is None:
        return None
    kind = values["type"]
    if kind not in QUESTION_TYPES:
        if kind is not None:
            problems.add(
                path,
                _at(data, "type", f"{label}.type"),
                f"unknown question type {kind!r}; use one of {', '.join(QUESTION_TYPES)}",
            )
        return None
    raw_choices = data.get("choices")
    has_choices = kind in ("single_choice", "multiple_choice")
    if kind == "true_false" and values["answer"] is None:
        problems.add(path, _at(data, "answer", label), "a true_false question needs 'answer: true' or 'answer: false'")
    if kind != "true_false" and "answer" in data:
        problems.add(
            path, _at(data, "answer", f"{label}.answer"), f"'answer' is only for true_false questions, not {kind}"
        )
    if not has_choices and raw_choices is not None:
        problems.add(path, _at(data, "choices", f"{label}.choices"), f"a {kind} question has no choices")
    choices = []
    if has_choices:
        if not values["choices"]:
            problems.add(
                path, _at(data, "choices", f"{label}.choices"), f"a {kind} question needs at least two choices"
            )
        seen = set()
        for n, raw in enumerate(values["choices"] or []):
            choice = _fields(raw, CHOICE_FIELDS, path, problems, f"{label}.choices[{n}]")
            if choice is None:
                continue
            if choice["key"] in seen:
                problems.add(
                    path, _at(raw, "key", f"{label}.choices[{n}].key"), f"duplicate choice key {choice['key']!r}"
                )
            seen.add(choice["key"])
            choices.append(choice)
        if values["choices"] and len(values["choices"]) < 2:
            problems.add(
                path, _at(data, "choices", f"{label}.choices"), f"a {kind} question needs at least two choices"
            )
        correct = sum(1 for c in choices if c["correct"])
        if kind == "single_choice" and choices and correct != 1:
            problems.add(
                path,
                _at(data, "choices", f"{label}.choices"),
                f"a single_choice question needs exactly one correct choice, not {correct}",
            )
        if kind == "multiple_choice" and choices and correct < 1:
            problems.add(
                path,
                _at(data, "choices", f"{label}.choices"),
                "a multiple_choice question needs at least one correct choice",
            )
    return {
        "key": values["key"],
        "type": kind,
        "category": values["category"],
        "points": values["points"],
        "text": values["text"],
        "explanation": values["explanation"],
        "answer": values["answer"] if kind == "true_false" else None,
        "choices": choices,
        "line": getattr(data, "line", 0),
    }


def _parse_file(path: Path, problems: Problems) -> dict | None:
    data = read_yaml(path, problems)
    if data is None:
        if not any(p.path == path for p in problems):
            problems.add(path, "", "the file is empty")
        return None
    values = _fields(data, QUIZ_FIELDS, path, problems, "")
    if values is None:
        return None
    if values["key"] and values["key"] != path.stem:
        problems.add(path, where(data, "key"), f"key {values['key']!r} does not match the file name {path.stem!r}")
    questions = []
    seen = set()
    raw_questions = values.pop("questions") or []
    if "questions" in data and isinstance(data["questions"], list) and not raw_questions:
        problems.add(path, where(data, "questions"), "a quiz needs at least one question")
    for index, raw in enumerate(raw_questions):
        question = _parse_question(raw, index, path, problems)
        if question is None:
            continue
        if question["key"] in seen:
            problems.add(
                path, _at(raw, "key", f"questions[{index}].key"), f"duplicate question key {question['key']!r}"
            )
        seen.add(question["key"])
        questions.append(question)
    return {**values, "questions": questions}


def _signature(question: dict) -> dict:
    """What must be the same in every language for one question."""
    return {
        "type": question["type"],
        "points": question["points"],
        "answer": question["answer"],
        "choices": sorted((c["key"], c["correct"]) for c in question["choices"]),
    }


def _check_parity(parsed: dict, paths: dict, root: Path, problems: Problems) -> None:
    for key, by_lang in sorted(parsed.items()):
        for lang in LANGUAGES:
            if lang not in by_lang:
                other = next(iter(by_lang))
                problems.add(
                    root / lang / "quizzes" / f"{key}.yaml",
                    "",
                    f"missing: the quiz {key!r} exists in {other!r} ({paths[key, other]})",
                )
        if len(by_lang) < 2:
            continue
        (first_lang, first), *others = sorted(by_lang.items())
        first_questions = {q["key"]: q for q in first["questions"]}
        for lang, quiz in others:
            path = paths[key, lang]
            for setting in SHARED_SETTINGS:
                if quiz[setting] != first[setting]:
                    problems.add(
                        path, setting, f"{setting} is {quiz[setting]!r} here but {first[setting]!r} in {first_lang!r}"
                    )
            questions = {q["key"]: q for q in quiz["questions"]}
            for missing in sorted(set(first_questions) - set(questions)):
                problems.add(path, "questions", f"question {missing!r} of {first_lang!r} is missing here")
            for extra in sorted(set(questions) - set(first_questions)):
                problems.add(path, f"line {questions[extra]['line']}", f"question {extra!r} is not in {first_lang!r}")
            for qkey in sorted(set(questions) & set(first_questions)):
                mine, theirs = _signature(questions[qkey]), _signature(first_questions[qkey])
                for field in ("type", "points", "answer", "choices"):
                    if mine[field] != theirs[field]:
                        problems.add(
                            path,
                            f"line {questions[qkey]['line']}",
                            f"question {qkey!r}: {field} differs from {first_lang!r} ({mine[field]!r} here, {theirs[field]!r} there)",
                        )


def parse(root: Path, problems: Problems) -> dict:
    """Read and check content/<lang>/quizzes/*.yaml; return {quiz key: {language: quiz data}}."""
    root = Path(root)
    parsed: dict[str, dict[str, dict]] = {}
    paths: dict[tuple[str, str], Path] = {}
    for lang in LANGUAGES:
        folder = root / lang / "quizzes"
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            if path.suffix != ".yaml":
                problems.add(path, "", "not a quiz file: quiz files are named <quiz-key>.yaml")
                continue
            quiz = _parse_file(path, problems)
            if quiz is None or not quiz["key"]:
                continue
            key = quiz["key"]
            if (key, lang) in paths:
                problems.add(path, "key", f"the quiz key {key!r} is also used by {paths[key, lang]}")
                continue
            parsed.setdefault(key, {})[lang] = quiz
            paths[key, lang] = path
    _check_parity(parsed, paths, root, problems)
    for key, by_lang in parsed.items():
        for lang, quiz in by_lang.items():
            quiz["path"] = str(paths[key, lang])
    return parsed


OUTCOMES = {"create": "created", "update": "updated"}

# Writing ----------------------------------------------------------------------------------


def quiz_fingerprint(quiz: Quiz) -> str:
    """A hash of the quiz as it is in the database now: its fields, questions and choices."""
    fields = {name: getattr(quiz, name) for name in QUIZ_FIELDS if name not in ("key", "questions")}
    questions = list(Question.objects.filter(quiz=quiz).order_by("sort_order", "id"))
    choices: dict[int, list] = {}
    for choice in Choice.objects.filter(question__quiz=quiz).order_by("sort_order", "id"):
        choices.setdefault(choice.question_id, []).append([choice.key, choice.text, choice.correct, choice.sort_order])
    state = {
        "quiz": fields,
        "questions": [
            [
                TYPE_NAMES.get(type(q), type(q).__name__),
                q.key,
                q.sort_order,
                q.category,
                q.text,
                q.explanation,
                q.points,
                getattr(q, "correct_answer", None),
                choices.get(q.pk, []),
            ]
            for q in questions
        ],
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _source(quiz: dict) -> str:
    return source_hash(
        {k: v for k, v in quiz.items() if k != "path"}
        | {"questions": [{k: v for k, v in q.items() if k != "line"} for q in quiz["questions"]]}
    )


def _has_answers(question_ids) -> set[int]:
    return set(Answer.objects.filter(question_id__in=question_ids).values_list("question_id", flat=True))


def _quiz_write(quiz: Quiz | None, data: dict, *, translation_key, locale: Locale, report: Report) -> Quiz:
    fields = {name: data[name] for name in QUIZ_FIELDS if name not in ("key", "questions")}
    label = f"quiz {data['key']} ({locale.language_code})"
    if quiz is None:
        quiz = Quiz.objects.create(translation_key=translation_key, locale=locale, **fields)
    else:
        for name, value in fields.items():
            setattr(quiz, name, value)
        quiz.save()
    existing = {q.key: q for q in Question.objects.filter(quiz=quiz)}
    answered = _has_answers([q.pk for q in existing.values()])
    for order, item in enumerate(data["questions"], start=1):
        model = QUESTION_TYPES[item["type"]]
        question = existing.pop(item["key"], None)
        if question is not None and type(question) is not model:
            if question.pk in answered:
                report.conflicts.append(
                    f"{label}: question {item['key']} changed type but trainees answered it; kept as it was"
                )
                continue
            question.delete()
            question = None
        question = question or model(quiz=quiz, key=item["key"])
        question.sort_order = order
        question.category = item["category"]
        question.points = item["points"]
        question.text = item["text"]
        question.explanation = item["explanation"]
        if item["type"] == "true_false":
            question.correct_answer = item["answer"]
        question.save()
        _choices_write(question, item["choices"], label=label, report=report)
    for key, question in existing.items():
        if question.pk in answered:
            report.conflicts.append(f"{label}: question {key} is gone from the file but trainees answered it; kept")
        else:
            question.delete()
    return quiz


def _choices_write(question: Question, items: list[dict], *, label: str, report: Report) -> None:
    existing = {c.key: c for c in Choice.objects.filter(question=question)}
    for order, item in enumerate(items):
        choice = existing.pop(item["key"], None) or Choice(question=question, key=item["key"])
        choice.text = item["text"]
        choice.correct = item["correct"]
        choice.sort_order = order
        choice.save()
    if not existing:
        return
    chosen = set(
        Answer.selected_choices.through.objects.filter(choice_id__in=[c.pk for c in existing.values()]).values_list(
            "choice_id", flat=True
        )
    )
    for key, choice in existing.items():
        if choice.pk in chosen:
            report.conflicts.append(
                f"{label}: choice {key} of question {question.key} is gone from the file but was chosen; kept"
            )
        else:
            choice.delete()


def write(parsed: dict, *, report: Report, force: bool) -> dict[str, dict[str, Quiz]]:
    """Create or update the quizzes of `parsed`; return {quiz key: {language: Quiz}}.

    A quiz an editor changed since the last load is a conflict and left alone, unless `force`."""
    result: dict[str, dict[str, Quiz]] = {}
    locales = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=LANGUAGES)}
    with transaction.atomic():
        for key, by_lang in sorted(parsed.items()):
            translation_key = content_uuid("quiz", key)
            for lang, data in sorted(by_lang.items()):
                locale = locales.get(lang) or Locale.objects.get(language_code=lang)
                quiz = Quiz.objects.filter(translation_key=translation_key, locale=locale).first()
                source = _source(data)
                outcome = decide(
                    kind="quiz",
                    key=key,
                    language=lang,
                    source=source,
                    fingerprint_now=quiz_fingerprint(quiz) if quiz else None,
                    force=force,
                )
                if outcome in ("create", "update"):
                    quiz = _quiz_write(quiz, data, translation_key=translation_key, locale=locale, report=report)
                    record_save(kind="quiz", key=key, language=lang, source=source, fingerprint=quiz_fingerprint(quiz))
                elif outcome == "conflict":
                    report.conflicts.append(
                        f"quiz {key} ({lang}): changed in the admin since the last load; left as it is (use --force to overwrite)"
                    )
                report.count("quiz", OUTCOMES.get(outcome, outcome))
                result.setdefault(key, {})[lang] = quiz
    return result
