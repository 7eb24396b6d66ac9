"""Interview questions: content/<lang>/interviews/<category>.yaml -> InterviewQuestion rows with
their key points, one per language; and each category's `modules:`, the course modules a
trainee weak in it is sent back to (links, checked like a module's quiz) -> InterviewCategory."""

import uuid
from functools import partial

from content.driver import Item, Kind, Writer, parse_kind, write_kind
from content.emit import Block, Flow, Map, yaml_text
from content.keys import content_uuid
from content.parity import AnyOrder
from content.schema import Field, validate
from content.sources import Problems, Source, source_hash, where
from interviews.matching import generic_phrase
from interviews.models import Category, InterviewCategory, InterviewQuestion, KeyPoint, Level

POINT = {
    "key": Field("key", required=True, max_length=60),
    "text": Field("text", required=True, max_length=300, strict=True),
    "phrases": Field(
        "list", required=True, min_items=1, items=Field("text", required=True, strict=True), noun="non-empty text"
    ),
}
QUESTION = {
    "key": Field("key", required=True, max_length=80),
    "level": Field("text", required=True, choices=tuple(Level.values)),
    "prompt": Field("text", required=True, strict=True),
    "suggested_seconds": Field("int", required=True, low=1, high=32767),
    # Only for a question made in the admin: its translation key, which no key names.
    "translation_key": Field("uuid"),
    "model_answer": Field("text", required=True, strict=True),
    "key_points": Field(
        "list",
        required=True,
        min_items=1,
        max_items=8,
        noun="key point",
        items=Field("mapping", table=POINT, noun="key point"),
    ),
}
FILE = {
    "category": Field("key", required=True),
    "modules": Field("list", default=[], items=Field("key"), noun="module key", link="module", same=True),
    "questions": Field("list", required=True, min_items=1, noun="question"),
}


def _file(source: Source, problems: Problems):
    """The checked top of an interview file, once for both kinds that read it."""

    def check(found):
        data = source.yaml(found)
        values = validate(data, FILE, path=source.path, problems=found) if data is not None else None
        if values is None or values["category"] is None:
            return None
        if source.path.stem not in Category.values:
            found.add(
                source.path,
                "",
                f"unknown category file {source.path.name!r}; categories are {', '.join(Category.values)}",
            )
            return None
        if values["category"] != source.path.stem:
            found.add(
                source.path,
                where(data, "category"),
                f"category {values['category']!r} does not match the file name {source.path.stem!r}",
            )
            return None
        return values

    return source.once("interview-file", check, problems)


class Interviews(Kind):
    name = "interview"
    folder = "interviews"
    noun = "question"
    required = True
    schema = QUESTION

    def parse_file(self, source: Source, problems: Problems) -> list[Item]:
        values = _file(source, problems)
        if values is None:
            return []
        items = []
        for index, raw in enumerate(values["questions"] or []):
            label = f"questions[{index}]"
            before = len(problems)
            question = validate(raw, QUESTION, path=source.path, problems=problems, label=label)
            if question is None:
                continue
            points = [p for p in question["key_points"] or [] if p is not None]
            for n, point in enumerate(points):
                if any(p["key"] == point["key"] for p in points[:n]):
                    problems.add(
                        source.path,
                        where(point, "key", f"{label}.key_points[{n}].key"),
                        f"duplicate key point key {point['key']!r}",
                    )
                for phrase in point["phrases"] or []:
                    word = generic_phrase(phrase, source.language) if isinstance(phrase, str) else None
                    if word:
                        problems.add(
                            source.path,
                            where(point, "phrases", f"{label}.key_points[{n}].phrases"),
                            f"phrase {phrase!r} of key point {point['key']!r} is the generic word {word!r}: "
                            "a trainee's answer says it without covering the point; use a specific phrase",
                        )
            if len(problems) > before:
                continue
            data = {
                "key": question["key"],
                "level": question["level"],
                "prompt": question["prompt"],
                "model_answer": question["model_answer"],
                "suggested_seconds": question["suggested_seconds"],
                "key_points": [{"key": p["key"], "text": p["text"], "phrases": p["phrases"]} for p in points],
                "category": values["category"],
                "translation_key": question["translation_key"],
            }
            items.append(self.item(source, question["key"], data, line=raw.line_of("key")))
        return items

    def shared(self, item: Item) -> dict:
        return {
            "category": ("is in category", item["category"]),
            "level": ("has level", item["level"]),
            "key_points": ("has key points", AnyOrder(p["key"] for p in item["key_points"])),
            "translation_key": ("has translation_key", item["translation_key"]),
        }

    # Writing ------------------------------------------------------------------------------

    def dump(self, dumper, language: str):
        return interviews_dump(dumper, language)

    def state(self, item: Item, writer: Writer):
        locale = writer.locale(item.language)
        question = InterviewQuestion.objects.filter(translation_key=item.translation_key, locale=locale).first()
        # A question made in the admin with this key is the same question: adopted only when forced.
        question = question or InterviewQuestion.objects.filter(key=item.key, locale=locale).first()
        return question, question_fingerprint(question) if question else None

    def fingerprint(self, question: InterviewQuestion, item: Item) -> str:
        return question_fingerprint(question)

    def apply(self, item: Item, question: InterviewQuestion | None, writer: Writer) -> InterviewQuestion:
        question = question or InterviewQuestion(locale=writer.locale(item.language))
        question.translation_key = item.translation_key
        for name in ("key", "category", "level", "prompt", "model_answer", "suggested_seconds"):
            setattr(question, name, item[name])
        question.save()
        existing = {p.key: p for p in KeyPoint.objects.filter(question=question)}
        KeyPoint.objects.filter(question=question).exclude(key__in=[p["key"] for p in item["key_points"]]).delete()
        for order, point in enumerate(item["key_points"]):
            row = existing.get(point["key"]) or KeyPoint(question=question, key=point["key"])
            row.text, row.phrases, row.sort_order = point["text"], point["phrases"], order
            row.save()
        return question


def question_fingerprint(question: InterviewQuestion) -> str:
    """The question's state in the database, key points included."""
    return source_hash(
        {
            "key": question.key,
            "category": question.category,
            "level": question.level,
            "prompt": question.prompt,
            "model_answer": question.model_answer,
            "suggested_seconds": question.suggested_seconds,
            "key_points": [
                {"key": p.key, "text": p.text, "phrases": p.phrases}
                for p in KeyPoint.objects.filter(question=question).order_by("sort_order", "id")
            ],
        }
    )


class InterviewCategories(Kind):
    """The `modules:` of each interview file: a schema (FILE's modules field) and an apply."""

    name = "interview-category"
    folder = "interviews"
    noun = "category"
    schema = {"modules": FILE["modules"]}

    def files(self, root, language, problems=None):
        return Kind.files(self, root, language)  # the same files; their problems are the questions'

    def dump(self, dumper, language: str):
        return interviews_dump(dumper, language)  # the same files, with their questions

    def parse_file(self, source: Source, problems: Problems) -> list[Item]:
        values = _file(source, problems)
        if values is None:
            return []
        data = {"modules": values["modules"] or []}
        links = [("modules", "module", key, values.line_of("modules")) for key in data["modules"] if key]
        return [self.item(source, values["category"], data, line=values.line_of("category"), links=links)]

    def apply(self, item: Item, row: InterviewCategory | None, writer: Writer) -> InterviewCategory:
        # The links are the same in every language (parity): one row per category.
        row, _created = InterviewCategory.objects.update_or_create(
            key=item.key, defaults={"modules": [str(writer.uuid("module", key)) for key in item["modules"]]}
        )
        return row


INTERVIEWS = Interviews()
INTERVIEW_CATEGORIES = InterviewCategories()
parse = partial(parse_kind, INTERVIEWS)
write = partial(write_kind, INTERVIEWS)


# Dumping (`dump_content`) -------------------------------------------------------------------------


def interviews_dump(dumper, language: str):
    """(path, text) of each category's file of one language: its `modules` and its questions,
    in the order the file has them (new questions last)."""
    questions = InterviewQuestion.objects.filter(locale=dumper.locales[language]).order_by("pk")
    points: dict = {}
    for point in KeyPoint.objects.filter(question__in=questions).order_by("sort_order", "id"):
        points.setdefault(point.question_id, []).append(point)
    by_category: dict = {}
    for question in questions:
        by_category.setdefault(question.category, []).append(question)
    modules = dict(InterviewCategory.objects.values_list("key", "modules"))
    for category, rows in sorted(by_category.items()):
        path = f"interviews/{category}.yaml"
        old, data = dumper.old(language, path), dumper.old_data(language, path)
        questions = data.get("questions") if isinstance(data, dict) else None
        old_keys = [q.get("key") for q in questions if isinstance(q, dict)] if isinstance(questions, list) else []
        position = {key: n for n, key in enumerate(old_keys)}
        rows = sorted(rows, key=lambda q: position.get(q.key, len(position)))
        tree = Map(
            category=category,
            modules=Flow(filter(None, (dumper.key_of(uuid.UUID(m)) for m in modules.get(category, [])))),
            questions=[
                Map(
                    key=q.key,
                    translation_key=_given_key(q.translation_key, content_uuid("interview", q.key)),
                    level=q.level,
                    prompt=q.prompt,
                    suggested_seconds=q.suggested_seconds,
                    model_answer=Block(q.model_answer),
                    key_points=[
                        Map(key=p.key, text=p.text, phrases=Flow(p.phrases or [])) for p in points.get(q.pk, [])
                    ],
                )
                for q in rows
            ],
            optional={"modules": []},
        )
        for question in tree["questions"]:
            question.optional = {"translation_key": None}
        yield path, yaml_text(tree, old)


def _given_key(translation_key, derived):
    """The translation key a file must write: only when its key does not name it (made in the admin)."""
    return str(translation_key) if translation_key and translation_key != derived else None
