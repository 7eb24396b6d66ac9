"""Quizzes: content/<lang>/quizzes/<quiz-key>.yaml -> a Quiz per language, with its questions
and choices; and the names of the question categories, content/<lang>/quiz-categories.yaml."""

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import partial

from content.driver import Item, Kind, Writer, parse_kind, write_kind
from content.emit import Flow, Map, yaml_text
from content.keys import content_uuid
from content.schema import Field, validate
from content.sources import Problems, Source, source_hash, where
from quizzes.models import (
    Answer,
    Choice,
    EssayQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    Quiz,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from quizzes.numbers import NUMBER_LIMIT, number_text

QUESTION_TYPES = {
    "single_choice": SingleChoiceQuestion,
    "multiple_choice": MultipleChoiceQuestion,
    "true_false": TrueFalseQuestion,
    "essay": EssayQuestion,
    "ordering": OrderingQuestion,
    "numeric": NumericQuestion,
}
TYPE_NAMES = {model: name for name, model in QUESTION_TYPES.items()}

SMALL = 32767
PLACES = Decimal("0.0001")  # NumericQuestion's four decimals
# Settings that must be the same in every language: attempts are counted across languages.
SHARED_SETTINGS = set(Quiz.SHARED_RULES)
CHOICE = {
    "key": Field("key", required=True, max_length=20),
    "text": Field("text", required=True, max_length=500),
    "correct": Field("bool", default=False),
}
QUESTION = {
    "key": Field("key", required=True, max_length=80),
    "type": Field("text", required=True, choices=tuple(QUESTION_TYPES)),
    "category": Field("key", default="", max_length=60, link="quiz-category"),
    "points": Field("int", default=1, low=1, high=1000),
    "text": Field("text", required=True),
    "explanation": Field("text", default=""),
    "choices": Field("list", noun="choice"),
    "answer": Field("bool"),
    # A numeric question's: how far an answer may be from `answer` and still count, and its unit.
    "tolerance": Field("text"),
    "unit": Field("text", default="", max_length=20, strict=True),
    # The lesson that teaches it: a link, stored as the lesson's translation key.
    "lesson": Field("key", link="lesson"),
}
# A numeric question's `answer` is a number (read as text, then checked as a decimal).
NUMERIC_QUESTION = QUESTION | {"answer": Field("text")}
CHOICE_TYPES = ("single_choice", "multiple_choice", "ordering")
QUIZ = {
    "key": Field("key", required=True, max_length=80),
    "title": Field("text", required=True, max_length=200),
    "description": Field("text", default=""),
    "category": Field("text", default="", max_length=60),
    "pass_mark": Field("int", default=70, low=0, high=100),
    "random_order": Field("bool", default=False),
    "max_questions": Field("int", default=0, low=0, high=SMALL),
    "answers_at_end": Field("bool", default=True),
    "exam_paper": Field("bool", default=False),
    "single_attempt": Field("bool", default=False),
    "attempts_allowed": Field("int", default=0, low=0, high=SMALL),
    "time_limit_minutes": Field("int", default=0, low=0, high=SMALL),
    "review": Field("text", default=Quiz.Review.IMMEDIATELY.value, choices=tuple(Quiz.Review.values)),
    "attempts_per_period": Field("int", default=0, low=0, high=SMALL),
    "cooldown_hours": Field("int", default=0, low=0, high=SMALL),
    "draft": Field("bool", default=False),
    "success_text": Field("text", default=""),
    "fail_text": Field("text", default=""),
    "questions": Field("list", default=[], noun="question"),  # an exam may have none of its own
}
QUIZ = {name: replace(spec, same=name in SHARED_SETTINGS) for name, spec in QUIZ.items()}
# An exam: the quizzes whose pools it draws from (links; the same quizzes in every language).
QUIZ["pools"] = Field("list", default=[], items=Field("key"), noun="quiz key", link="quiz", same=True)
# Only for a quiz made in the admin: its translation key, which no file key names.
QUIZ["translation_key"] = Field("uuid", same=True)
QUIZ_SETTINGS = [name for name in QUIZ if name not in ("key", "questions", "pools", "translation_key")]
# Settings added after quizzes were first loaded: in the fingerprint only when not the default, so
# a quiz loaded before them keeps its fingerprint (and is not taken for an editor's change).
LATER_SETTINGS = {"review", "attempts_per_period", "cooldown_hours"}


def _question(raw, index: int, path, problems: Problems) -> dict | None:
    """Check one question; return its values (choices checked), or None if it cannot be used."""
    label = f"questions[{index}]"
    numeric = isinstance(raw, dict) and raw.get("type") == "numeric"
    values = validate(raw, NUMERIC_QUESTION if numeric else QUESTION, path=path, problems=problems, label=label)
    if values is None or values["type"] is None:
        return None
    kind = values["type"]
    at = partial(where, raw, label=label)
    has_choices = kind in CHOICE_TYPES
    if kind == "true_false" and values["answer"] is None:
        problems.add(path, at("answer"), "a true_false question needs 'answer: true' or 'answer: false'")
    if kind not in ("true_false", "numeric") and "answer" in raw:
        problems.add(path, at("answer"), f"'answer' is only for true_false and numeric questions, not {kind}")
    number = _numeric(values, raw, at, path, problems) if kind == "numeric" else {}
    if kind != "numeric":
        for name in ("tolerance", "unit"):
            if name in raw:
                problems.add(path, at(name), f"{name!r} is only for numeric questions, not {kind}")
    if not has_choices and raw.get("choices") is not None:
        problems.add(path, at("choices"), f"a {kind} question has no choices")
    choices = []
    if has_choices:
        raw_choices = values["choices"] or []
        if len(raw_choices) < 2:
            problems.add(path, at("choices"), f"a {kind} question needs at least two choices")
        for n, raw_choice in enumerate(raw_choices):
            choice = validate(raw_choice, CHOICE, path=path, problems=problems, label=f"{label}.choices[{n}]")
            if choice is None:
                continue
            if kind == "ordering" and "correct" in raw_choice:
                problems.add(
                    path,
                    where(raw_choice, "correct", f"{label}.choices[{n}].correct"),
                    "the steps of an ordering question are given in the right order, without 'correct'",
                )
            if any(c["key"] == choice["key"] for c in choices):
                problems.add(
                    path,
                    where(raw_choice, "key", f"{label}.choices[{n}].key"),
                    f"duplicate choice key {choice['key']!r}",
                )
            choices.append({"key": choice["key"], "text": choice["text"], "correct": choice["correct"]})
        correct = sum(1 for c in choices if c["correct"])
        if kind == "single_choice" and choices and correct != 1:
            problems.add(
                path, at("choices"), f"a single_choice question needs exactly one correct choice, not {correct}"
            )
        if kind == "multiple_choice" and choices and not correct:
            problems.add(path, at("choices"), "a multiple_choice question needs at least one correct choice")
    return {
        "key": values["key"],
        "type": kind,
        "category": values["category"],
        "points": values["points"],
        "text": values["text"],
        "explanation": values["explanation"],
        "answer": values["answer"] if kind == "true_false" else number.get("answer"),
        "tolerance": number.get("tolerance"),
        "unit": values["unit"] if kind == "numeric" else "",
        "choices": choices,
        "lesson": values["lesson"] or "",
    }


def _numeric(values, raw, at, path, problems: Problems) -> dict:
    """A numeric question's answer and tolerance as normalised decimal text ("4.5", "0.1")."""
    numbers = {}
    for name, required in (("answer", True), ("tolerance", False)):
        text = values[name]
        if text is None:
            if required:
                problems.add(path, at(name), "a numeric question needs 'answer: <the right number>'")
            numbers[name] = "0" if name == "tolerance" else None
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        low = 0 if name == "tolerance" else -NUMBER_LIMIT
        if (
            value is None
            or not value.is_finite()
            or not low <= value <= NUMBER_LIMIT
            or value != value.quantize(PLACES)
        ):
            problems.add(
                path,
                at(name),
                f"{name} must be a number between {low} and {NUMBER_LIMIT} with at most 4 decimals, not {raw[name]!r}",
            )
            numbers[name] = None if name == "answer" else "0"
            continue
        numbers[name] = number_text(value)
    return numbers


def _rules_check(values: dict, data, path, problems: Problems) -> None:
    """The rules that only make sense together (as Quiz.clean says in the admins)."""
    if values["review"] != Quiz.Review.IMMEDIATELY and not values["answers_at_end"] and not values["exam_paper"]:
        problems.add(
            path,
            where(data, "review", "review"),
            "a quiz that shows the right answer after each question (answers_at_end: false) cannot hold back "
            "its review; use review: immediately",
        )
    if bool(values["attempts_per_period"]) != bool(values["cooldown_hours"]):
        problems.add(
            path,
            where(data, "cooldown_hours", "cooldown_hours"),
            "give both attempts_per_period and cooldown_hours (the pause after that many attempts), or neither",
        )
    if not values["questions"] and not values["pools"]:
        problems.add(path, where(data, "questions", "questions"), "a quiz needs questions, or pools to draw them from")
    if values["key"] in (values["pools"] or []):
        problems.add(path, where(data, "pools", "pools"), "a quiz cannot draw from its own pool")


class Quizzes(Kind):
    name = "quiz"
    folder = "quizzes"
    schema = QUIZ

    def parse_file(self, source: Source, problems: Problems) -> list[Item]:
        data = source.yaml(problems)
        values = validate(data, QUIZ, path=source.path, problems=problems) if data is not None else None
        if values is None:
            return []
        key = self.file_key(source, values, data, problems)
        _rules_check(values, data, source.path, problems)
        questions, lines, links = [], {}, []
        for pool in values["pools"] or []:
            links.append(("pools", "quiz", pool, data.line_of("pools")))
        for index, raw in enumerate(values["questions"] or []):
            question = _question(raw, index, source.path, problems)
            if question is None:
                continue
            if question["key"] in lines:
                problems.add(
                    source.path,
                    where(raw, "key", f"questions[{index}].key"),
                    f"duplicate question key {question['key']!r}",
                )
                continue
            lines[question["key"]] = raw.line
            if question["category"]:
                links.append(("category", "quiz-category", question["category"], raw.line_of("category")))
            if raw.get("lesson"):
                links.append(("lesson", "lesson", str(raw["lesson"]), raw.line_of("lesson")))
            questions.append(question)
        if not key:
            return []
        values["questions"] = questions
        return [self.item(source, key, values, line=data.line_of("key"), links=links, extra={"lines": lines})]

    def parts(self, item: Item) -> dict:
        return {
            f"question {q['key']!r}": (
                item.extra["lines"].get(q["key"], 0),
                {
                    "type": ("has type", q["type"]),
                    "points": ("has points", q["points"]),
                    "answer": ("has answer", q["answer"]),
                    "tolerance": ("has tolerance", q["tolerance"]),
                    # The order of an ordering question's steps is its answer.
                    "choices": (
                        "has choices",
                        [c["key"] for c in q["choices"]]
                        if q["type"] == "ordering"
                        else sorted((c["key"], c["correct"]) for c in q["choices"]),
                    ),
                    "lesson": ("names the lesson", q["lesson"]),
                },
            )
            for q in item["questions"]
        }

    # Writing ------------------------------------------------------------------------------

    def write(self, items: dict, writer: Writer) -> None:
        """Quizzes first, then the exams that draw from them (their pools must exist)."""
        exams = {
            key: by_language for key, by_language in items.items() if any(i["pools"] for i in by_language.values())
        }
        super().write({key: value for key, value in items.items() if key not in exams}, writer)
        super().write(exams, writer)

    def dump(self, dumper, language: str):
        return quizzes_dump(dumper, language)

    def state(self, item: Item, writer: Writer):
        quiz = Quiz.objects.filter(translation_key=item.translation_key, locale=writer.locale(item.language)).first()
        return quiz, quiz_fingerprint(quiz) if quiz else None

    def fingerprint(self, quiz: Quiz, item: Item) -> str:
        return quiz_fingerprint(quiz)

    def apply(self, item: Item, quiz: Quiz | None, writer: Writer) -> Quiz:
        fields = {name: item[name] for name in QUIZ_SETTINGS}
        label = f"quiz {item.key} ({item.language})"
        if quiz is None:
            quiz = Quiz.objects.create(
                translation_key=item.translation_key, locale=writer.locale(item.language), **fields
            )
        else:
            for name, value in fields.items():
                setattr(quiz, name, value)
            quiz.save()
        pools = Quiz.objects.filter(
            translation_key__in=[writer.uuid("quiz", key) for key in item["pools"]], locale=quiz.locale_id
        )
        quiz.pools.set(pools)
        existing = {q.key: q for q in Question.objects.filter(quiz=quiz)}
        answered = set(
            Answer.objects.filter(question_id__in=[q.pk for q in existing.values()]).values_list(
                "question_id", flat=True
            )
        )
        for order, data in enumerate(item["questions"], start=1):
            model = QUESTION_TYPES[data["type"]]
            question = existing.pop(data["key"], None)
            if question is not None and type(question) is not model:
                if question.pk in answered:
                    writer.note(
                        f"{label}: question {data['key']} changed type but trainees answered it; kept as it was"
                    )
                    continue
                question.delete()
                question = None
            question = question or model(quiz=quiz, key=data["key"])
            question.sort_order = order
            for name in ("category", "points", "text", "explanation"):
                setattr(question, name, data[name])
            question.lesson_key = writer.uuid("lesson", data["lesson"]) if data["lesson"] else None
            if data["type"] == "true_false":
                question.correct_answer = data["answer"]
            if data["type"] == "numeric":
                question.answer, question.tolerance = Decimal(data["answer"]), Decimal(data["tolerance"])
                question.unit = data["unit"]
            question.save()
            _choices_write(question, data["choices"], label=label, writer=writer)
        for key, question in existing.items():
            if question.pk in answered:
                writer.note(f"{label}: question {key} is gone from the file but trainees answered it; kept")
            else:
                question.delete()
        return quiz


def _choices_write(question: Question, items: list[dict], *, label: str, writer: Writer) -> None:
    existing = {c.key: c for c in Choice.objects.filter(question=question)}
    for order, item in enumerate(items):
        choice = existing.pop(item["key"], None) or Choice(question=question, key=item["key"])
        choice.text, choice.correct, choice.sort_order = item["text"], item["correct"], order
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
            writer.note(f"{label}: choice {key} of question {question.key} is gone from the file but was chosen; kept")
        else:
            choice.delete()


def quiz_fingerprint(quiz: Quiz) -> str:
    """The state of the quiz in the database: its settings, questions and choices."""
    questions = list(Question.objects.filter(quiz=quiz).order_by("sort_order", "id"))
    choices: dict[int, list] = {}
    for choice in Choice.objects.filter(question__quiz=quiz).order_by("sort_order", "id"):
        choices.setdefault(choice.question_id, []).append([choice.key, choice.text, choice.correct, choice.sort_order])
    # The exam's pools only when set, so a quiz loaded before exams existed keeps its fingerprint.
    pools = sorted(str(key) for key in quiz.pools.values_list("translation_key", flat=True))
    return source_hash(
        {
            "quiz": {
                name: getattr(quiz, name)
                for name in QUIZ_SETTINGS
                if name not in LATER_SETTINGS or getattr(quiz, name) != QUIZ[name].default
            }
            | ({"pools": pools} if pools else {}),
            "questions": [
                [  # the lesson only when set, so a quiz loaded before questions named lessons keeps its fingerprint
                    TYPE_NAMES.get(type(q), type(q).__name__),
                    q.key,
                    q.sort_order,
                    q.category,
                    q.text,
                    q.explanation,
                    q.points,
                    getattr(q, "correct_answer", None),
                    choices.get(q.pk, []),
                    *([str(q.lesson_key)] if q.lesson_key else []),
                    *_number_fields(q),
                ]
                for q in questions
            ],
        }
    )


def _number_fields(question: Question) -> list:
    """A numeric question's answer, tolerance and unit (nothing for the other types, so their
    fingerprints stay as they were)."""
    if not isinstance(question, NumericQuestion):
        return []
    return ["numeric", number_text(question.answer), number_text(question.tolerance), question.unit]


class QuizCategories(Kind):
    """The name of each question category in each language (the quiz result's breakdown)."""

    name = "quiz-category"
    folder = "."
    pattern = "quiz-categories.yaml"
    noun = "category"
    schema = {"categories": Field("list", required=True, min_items=1, noun="category")}
    ENTRY = {"key": Field("key", required=True, max_length=60), "label": Field("text", required=True, max_length=100)}

    def parse_file(self, source: Source, problems: Problems) -> list[Item]:
        data = source.yaml(problems)
        values = validate(data, self.schema, path=source.path, problems=problems) if data is not None else None
        items = []
        for index, raw in enumerate((values or {}).get("categories") or []):
            entry = validate(raw, self.ENTRY, path=source.path, problems=problems, label=f"categories[{index}]")
            if entry and entry["key"] and entry["label"]:
                items.append(self.item(source, entry["key"], entry, line=raw.line_of("key")))
        return items

    def dump(self, dumper, language: str):
        return categories_dump(dumper, language)

    def state(self, item: Item, writer: Writer):
        row = QuestionCategory.objects.filter(key=item.key, locale=writer.locale(item.language)).first()
        return row, source_hash({"key": row.key, "label": row.label}) if row else None

    def fingerprint(self, row: QuestionCategory, item: Item) -> str:
        return source_hash({"key": row.key, "label": row.label})

    def apply(self, item: Item, row: QuestionCategory | None, writer: Writer) -> QuestionCategory:
        row = row or QuestionCategory(
            key=item.key, locale=writer.locale(item.language), translation_key=item.translation_key
        )
        row.label = item["label"]
        row.save()
        return row


# A quiz whose right answers are the longest option too often can be passed by length alone.
LONGEST_RIGHT_MAX = 0.35


def answer_length_warnings(items: dict) -> Problems:
    """Warn about each quiz (per language) whose right answer is the unique longest option in
    more than LONGEST_RIGHT_MAX of its single-choice questions. `items` as parsed:
    {key: {language: Item}}. A warning, not a problem: an editor may have a reason."""
    warnings = Problems()
    for by_language in items.values():
        for _language, item in sorted(by_language.items()):
            single = [q for q in item["questions"] if q["type"] == "single_choice" and len(q["choices"]) > 1]
            giveaways = sum(1 for q in single if _right_is_longest(q["choices"]))
            if single and giveaways > LONGEST_RIGHT_MAX * len(single):
                warnings.add(
                    item.path,
                    f"line {item.line}",
                    f"quiz {item.key!r}: the right answer is the longest option in {giveaways} of {len(single)} "
                    f"single-choice questions (at most {LONGEST_RIGHT_MAX:.0%}); make the wrong answers as "
                    "specific as the right one",
                )
    return warnings


def _right_is_longest(choices: list[dict]) -> bool:
    lengths = sorted((len(c["text"].strip()), c["correct"]) for c in choices)
    (longest, right), runner_up = lengths[-1], lengths[-2][0]
    return right and longest > runner_up


QUIZZES = Quizzes()
QUIZ_CATEGORIES = QuizCategories()
parse = partial(parse_kind, QUIZZES)
write = partial(write_kind, QUIZZES)


# Dumping (`dump_content`) -------------------------------------------------------------------------

QUESTION_OPTIONAL = {
    "points": 1,
    "category": "",
    "lesson": None,
    "explanation": "",
    "tolerance": Decimal(0),
    "unit": "",
}
CHOICE_OPTIONAL = {"correct": False}


def _in_file_order(rows, old_keys: list, key_of) -> list:
    """Rows in the order the file has their keys, then the others in their own order."""
    position = {key: n for n, key in enumerate(old_keys)}
    return sorted(rows, key=lambda row: position.get(key_of(row), len(position)))


def _question_tree(question: Question, choices: list, dumper) -> Map:
    kind = TYPE_NAMES.get(type(question))
    tree = Map(
        key=question.key,
        type=kind,
        category=question.category,
        points=question.points,
        lesson=dumper.key_of(question.lesson_key),
        text=question.text,
        explanation=question.explanation,
        optional=QUESTION_OPTIONAL,
    )
    if kind in CHOICE_TYPES:
        tree["choices"] = [
            Map(key=c.key, text=c.text) if kind == "ordering" else Map(key=c.key, text=c.text, correct=c.correct)
            for c in choices
        ]
        for choice in tree["choices"]:
            choice.optional, choice.keep = CHOICE_OPTIONAL, {"correct"}
    elif kind == "true_false":
        tree["answer"] = question.correct_answer
    elif kind == "numeric":
        tree["answer"] = Decimal(number_text(question.answer))
        tree["tolerance"] = Decimal(number_text(question.tolerance))
        tree["unit"] = question.unit
    return tree


def quizzes_dump(dumper, language: str):
    """(path, text) of each quiz of one language whose key is known (the loader wrote it)."""
    quizzes = Quiz.objects.filter(locale=dumper.locales[language]).prefetch_related("pools").order_by("pk")
    questions: dict = {}
    for question in Question.objects.filter(quiz__in=quizzes).order_by("sort_order", "id"):
        questions.setdefault(question.quiz_id, []).append(question)
    choices: dict = {}
    for choice in Choice.objects.filter(question__quiz__in=quizzes).order_by("sort_order", "id"):
        choices.setdefault(choice.question_id, []).append(choice)
    for quiz in quizzes:
        key = dumper.key_of(quiz.translation_key)  # every quiz has one (made in the admin: from its title)
        optional = {name: QUIZ[name].default for name in QUIZ_SETTINGS} | {"pools": [], "questions": []}
        derived = content_uuid("quiz", key)
        given = str(quiz.translation_key) if quiz.translation_key != derived else None
        tree = Map(key=key, translation_key=given, optional=optional | {"translation_key": None})
        tree.keep = set(QUIZ_SETTINGS)  # every setting is written, default or not
        for name in QUIZ_SETTINGS:
            tree[name] = getattr(quiz, name)
        path = f"quizzes/{key}.yaml"
        old = dumper.old(language, path)
        pools = sorted(filter(None, (dumper.key_of(p.translation_key) for p in quiz.pools.all())))
        # A set of quizzes: in the order the file lists them, new ones last.
        tree["pools"] = Flow(
            _in_file_order(pools, _old_list(dumper.old_data(language, path), "pools"), lambda key: key)
        )
        tree["questions"] = [_question_tree(q, choices.get(q.pk, []), dumper) for q in questions.get(quiz.pk, [])]
        yield path, yaml_text(tree, old)


def _old_list(data, name: str) -> list:
    """The list `name` of a file's YAML as it is now (for the order of a set), or []."""
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def categories_dump(dumper, language: str):
    path = QUIZ_CATEGORIES.pattern
    old = dumper.old(language, path)
    old_keys = [c.get("key") for c in _old_list(dumper.old_data(language, path), "categories") if isinstance(c, dict)]
    rows = QuestionCategory.objects.filter(locale=dumper.locales[language]).order_by("pk")
    rows = _in_file_order(rows, old_keys, lambda row: row.key)
    if rows:
        yield path, yaml_text(Map(categories=[Map(key=r.key, label=r.label) for r in rows]), old)
