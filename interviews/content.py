"""The interview part of `load_content`: content/<lang>/interviews/<category>.yaml.

`parse` validates every file of every language and their parity, adding problems that
name the file and the line or field; `write` creates or updates the questions, one per
language, linked by the translation key content_uuid("interview", key)."""

import re
from pathlib import Path

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

from .models import Category, InterviewQuestion, KeyPoint, Level

KIND = "interview"
KEY_RE = re.compile(r"^[a-z0-9-]+$")
FILE_FIELDS = {"category", "questions"}
QUESTION_FIELDS = {"key", "level", "prompt", "suggested_seconds", "model_answer", "key_points"}
POINT_FIELDS = {"key", "text", "phrases"}
MAX_KEY_POINTS = 8
MAX_SECONDS = 32767


def _field_where(data, index: int, name: str, prefix: str = "questions") -> str:
    return where(data, name) or f"{prefix}[{index}].{name}"


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _parse_point(path: Path, point, qi: int, pi: int, problems: Problems) -> dict | None:
    label = f"questions[{qi}].key_points[{pi}]"
    if not isinstance(point, dict):
        problems.add(path, label, "a key point must be a mapping with key, text and phrases")
        return None
    ok = True
    for name in sorted(set(point) - POINT_FIELDS):
        problems.add(path, where(point, name) or f"{label}.{name}", f"unknown field {name!r} in a key point")
        ok = False
    for name in sorted(POINT_FIELDS - set(point)):
        problems.add(path, where(point, "key") or label, f"key point is missing the required field {name!r}")
        ok = False
    if not ok:
        return None
    key, text, phrases = point["key"], point["text"], point["phrases"]
    if not isinstance(key, str) or not KEY_RE.match(key) or len(key) > 60:
        problems.add(
            path, where(point, "key") or f"{label}.key", f"key point key {key!r} must be a slug of a-z, 0-9 and -"
        )
        ok = False
    if not _text(text) or len(text) > 300:
        problems.add(
            path,
            where(point, "text") or f"{label}.text",
            "key point text must be non-empty text of at most 300 characters",
        )
        ok = False
    if not isinstance(phrases, list) or not phrases or not all(_text(p) for p in phrases):
        problems.add(
            path, where(point, "phrases") or f"{label}.phrases", "phrases must be a non-empty list of non-empty strings"
        )
        ok = False
    if not ok:
        return None
    return {"key": key, "text": text.strip(), "phrases": [p.strip() for p in phrases]}


def _parse_question(path: Path, question, qi: int, problems: Problems) -> dict | None:
    if not isinstance(question, dict):
        problems.add(path, f"questions[{qi}]", "a question must be a mapping")
        return None
    ok = True
    for name in sorted(set(question) - QUESTION_FIELDS):
        problems.add(path, _field_where(question, qi, name), f"unknown field {name!r} in question")
        ok = False
    for name in sorted(QUESTION_FIELDS - set(question)):
        problems.add(
            path, where(question, "key") or f"questions[{qi}]", f"question is missing the required field {name!r}"
        )
        ok = False
    if not ok:
        return None
    key = question["key"]
    if not isinstance(key, str) or not KEY_RE.match(key) or len(key) > 80:
        problems.add(
            path, _field_where(question, qi, "key"), f"key {key!r} must be a slug of a-z, 0-9 and - (at most 80)"
        )
        ok = False
    if question["level"] not in Level.values:
        problems.add(
            path,
            _field_where(question, qi, "level"),
            f"level {question['level']!r} must be one of {', '.join(Level.values)}",
        )
        ok = False
    for name in ("prompt", "model_answer"):
        if not _text(question[name]):
            problems.add(path, _field_where(question, qi, name), f"{name} must be non-empty text")
            ok = False
    seconds = question["suggested_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds <= MAX_SECONDS:
        problems.add(
            path,
            _field_where(question, qi, "suggested_seconds"),
            f"suggested_seconds must be a positive whole number, not {seconds!r}",
        )
        ok = False
    points = question["key_points"]
    parsed_points = []
    if not isinstance(points, list) or not 1 <= len(points) <= MAX_KEY_POINTS:
        problems.add(
            path,
            _field_where(question, qi, "key_points"),
            f"key_points must be a list of 1 to {MAX_KEY_POINTS} key points",
        )
        ok = False
    else:
        for pi, point in enumerate(points):
            parsed = _parse_point(path, point, qi, pi, problems)
            if parsed is None:
                ok = False
                continue
            if any(p["key"] == parsed["key"] for p in parsed_points):
                problems.add(
                    path,
                    where(point, "key") or f"questions[{qi}].key_points[{pi}].key",
                    f"duplicate key point key {parsed['key']!r}",
                )
                ok = False
            parsed_points.append(parsed)
    if not ok:
        return None
    return {
        "key": key,
        "level": question["level"],
        "prompt": question["prompt"].strip(),
        "model_answer": question["model_answer"].strip(),
        "suggested_seconds": seconds,
        "key_points": parsed_points,
    }


def _parse_file(path: Path, problems: Problems) -> list[dict]:
    data = read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, dict):
        problems.add(path, "", "the file must be a mapping with category and questions")
        return []
    ok = True
    for name in sorted(set(data) - FILE_FIELDS):
        problems.add(path, where(data, name) or name, f"unknown field {name!r}")
        ok = False
    for name in sorted(FILE_FIELDS - set(data)):
        problems.add(path, "", f"missing the required field {name!r}")
        ok = False
    if not ok:
        return []
    category = data["category"]
    if path.stem not in Category.values:
        problems.add(path, "", f"unknown category file {path.name!r}; categories are {', '.join(Category.values)}")
        return []
    if category != path.stem:
        problems.add(
            path, where(data, "category") or "category", f"category {category!r} must match the file name {path.stem!r}"
        )
        return []
    questions = data["questions"]
    if not isinstance(questions, list) or not questions:
        problems.add(path, where(data, "questions") or "questions", "questions must be a non-empty list")
        return []
    parsed = []
    for qi, question in enumerate(questions):
        item = _parse_question(path, question, qi, problems)
        if item is not None:
            item["category"] = category
            item["_path"] = str(path)
            item["_where"] = _field_where(question, qi, "key")
            parsed.append(item)
    return parsed


def parse(root: Path, problems: Problems) -> dict:
    """Validate content/<lang>/interviews/*.yaml in every language; return {lang: {key: question}}."""
    root = Path(root)
    parsed: dict[str, dict[str, dict]] = {}
    for lang in LANGUAGES:
        folder = root / lang / "interviews"
        by_key: dict[str, dict] = {}
        parsed[lang] = by_key
        if not folder.is_dir():
            problems.add(folder, "", "folder of interview questions is missing")
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".yaml", ".yml"):
                if path.is_file():
                    problems.add(path, "", "unexpected file: interview questions are <category>.yaml files")
                continue
            for question in _parse_file(path, problems):
                first = by_key.get(question["key"])
                if first is not None:
                    problems.add(
                        path,
                        question["_where"],
                        f"duplicate question key {question['key']!r} (also in {Path(first['_path']).name})",
                    )
                    continue
                by_key[question["key"]] = question
    _check_parity(root, parsed, problems)
    return parsed


def _check_parity(root: Path, parsed: dict, problems: Problems) -> None:
    if len(parsed) < 2:
        return
    reference_lang, *others = list(parsed)
    reference = parsed[reference_lang]
    for lang in others:
        other = parsed[lang]
        for key in sorted(set(reference) - set(other)):
            q = reference[key]
            problems.add(
                root / lang / "interviews" / f"{q['category']}.yaml",
                "",
                f"question {key!r} exists in {reference_lang} ({Path(q['_path']).name}) but not in {lang}",
            )
        for key in sorted(set(other) - set(reference)):
            q = other[key]
            problems.add(q["_path"], q["_where"], f"question {key!r} exists in {lang} but not in {reference_lang}")
        for key in sorted(set(reference) & set(other)):
            a, b = reference[key], other[key]
            if a["category"] != b["category"]:
                problems.add(
                    b["_path"],
                    b["_where"],
                    f"question {key!r} is in category {b['category']!r} in {lang} but {a['category']!r} in {reference_lang}",
                )
            if a["level"] != b["level"]:
                problems.add(
                    b["_path"],
                    b["_where"],
                    f"question {key!r} has level {b['level']!r} in {lang} but {a['level']!r} in {reference_lang}",
                )
            keys_a = [p["key"] for p in a["key_points"]]
            keys_b = [p["key"] for p in b["key_points"]]
            if sorted(keys_a) != sorted(keys_b):
                problems.add(
                    b["_path"],
                    b["_where"],
                    f"question {key!r} has key points {keys_b} in {lang} but {keys_a} in {reference_lang}",
                )


def _source(question: dict) -> dict:
    return {k: v for k, v in question.items() if not k.startswith("_")}


def fingerprint(question: InterviewQuestion) -> str:
    """Hash the question's current state in the database, key points included."""
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


def _apply(question: InterviewQuestion, data: dict) -> None:
    question.key = data["key"]
    question.category = data["category"]
    question.level = data["level"]
    question.prompt = data["prompt"]
    question.model_answer = data["model_answer"]
    question.suggested_seconds = data["suggested_seconds"]
    question.save()
    existing = {p.key: p for p in KeyPoint.objects.filter(question=question)}
    wanted = {p["key"] for p in data["key_points"]}
    KeyPoint.objects.filter(question=question).exclude(key__in=wanted).delete()
    for order, point in enumerate(data["key_points"]):
        row = existing.get(point["key"]) or KeyPoint(question=question, key=point["key"])
        row.text, row.phrases, row.sort_order = point["text"], point["phrases"], order
        row.save()


def write(parsed: dict, *, report: Report, force: bool) -> None:
    """Create or update every question in every language; questions an editor changed
    since the last load are conflicts, left alone unless `force`."""
    for lang, questions in parsed.items():
        locale, _created = Locale.objects.get_or_create(language_code=lang)
        for key, data in questions.items():
            translation_key = content_uuid(KIND, key)
            existing = InterviewQuestion.objects.filter(translation_key=translation_key, locale=locale).first()
            if existing is None:
                clash = InterviewQuestion.objects.filter(key=key, locale=locale).first()
                if clash is not None:
                    # The key is taken by a question made in the admin: adopt it only when forced.
                    if not force:
                        report.count(KIND, "conflict")
                        report.conflicts.append(f"{KIND}:{key}:{lang}")
                        continue
                    clash.translation_key = translation_key
                    existing = clash
            source = source_hash(_source(data))
            now_print = fingerprint(existing) if existing is not None else None
            outcome = decide(kind=KIND, key=key, language=lang, source=source, fingerprint_now=now_print, force=force)
            if outcome == "conflict":
                report.count(KIND, "conflict")
                report.conflicts.append(f"{KIND}:{key}:{lang}")
                continue
            if outcome == "unchanged":
                report.count(KIND, "unchanged")
                continue
            question = existing or InterviewQuestion(translation_key=translation_key, locale=locale)
            _apply(question, data)
            record_save(kind=KIND, key=key, language=lang, source=source, fingerprint=fingerprint(question))
            report.count(KIND, "created" if outcome == "create" else "updated")
