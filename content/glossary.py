"""The glossary part of `load_content`: content/glossary.yaml names one term per concept
and language and the variants to avoid; every content file is scanned for them.

A hit is a warning, not a problem: it names the file, the line, the variant found and the
preferred term, and the content still loads. The scan reads the files line by line (so a
warning points at the line to edit) and skips what is not prose: keys, quiz references,
URLs and link targets, and the `phrases` of interview key points (words a trainee may say,
variants included, so that the hints recognize them).

Matching:
- Arabic variants match with or without the definite article (ال, لل) and a leading
  و ف ب ل ك; diacritics and tatweel are ignored; alef forms, ة/ه and ى/ي are folded (as
  interviews/matching.py does); a word may carry a plural, feminine or pronoun ending.
- Latin variants (English files, and Latin names in Arabic files) match as whole words,
  case-insensitively.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .driver import LANGUAGES
from .kinds import KINDS
from .sources import Problem, Problems, Source

FILE_NAME = "glossary.yaml"
ENTRY_FIELDS = {"concept", "ar", "en", "avoid_ar", "avoid_en", "allow_ar", "allow_en", "note"}
CONCEPT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# Before a word: a conjunction, then a preposition or the article ("وبال", "فلل", "كال").
_ARABIC_PREFIX = "(?:[وف]?(?:[بك]?ال|لل|[بكل])?)"
# After a word: a plural, dual, feminine, pronoun or accusative ending ("هاشتاغات", "أخصائية", "تحريريًّا").
_ARABIC_SUFFIX = "(?:ات|ه|ان|ين|ون|ي|يه|يا|ا|ها|هم|نا|ك)?"
# Between the words of a phrase: spaces and the quotation marks a label may sit in.
_BETWEEN = "[\\s«»\"'“”]+"
_LATIN_EDGE_BEFORE = "(?<![A-Za-z0-9])"
_LATIN_EDGE_AFTER = "(?![A-Za-z0-9])"
_ARABIC_EDGE_BEFORE = "(?<![\u0621-\u064a])"
_ARABIC_EDGE_AFTER = "(?![\u0621-\u064a])"

# Fields of the front matter, quizzes and interview files whose values are not prose.
NOT_PROSE = {
    "key",
    "quiz",
    "url",
    "level",
    "category",
    "type",
    "order",
    "required",
    "phrases",
    "modules",
    "estimated_minutes",
    "estimated_hours",
    "last_reviewed",
    "interval_days",
}
_FIELD = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<name>[a-z_]+):(?P<rest>.*)$")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Variant:
    concept: str
    language: str
    text: str
    preferred: str
    pattern: re.Pattern
    allowed: tuple


def normalize(text: str) -> tuple[str, list[int]]:
    """Return `text` with Arabic diacritics and tatweel removed and letters folded, and the
    index in `text` of each character of the result."""
    text = unicodedata.normalize("NFC", text)
    chars, positions = [], []
    for index, char in enumerate(text):
        if _ARABIC_MARKS.match(char):
            continue
        chars.append(char.translate(_ARABIC_FOLD))
        positions.append(index)
    return "".join(chars), positions


def _strip_article(word: str) -> str:
    for article in ("لل", "ال"):
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


def compile_phrase(phrase: str) -> re.Pattern:
    """Return the pattern that finds `phrase` the way the module docstring describes."""
    words = normalize(phrase)[0].split()
    if any(_ARABIC_LETTER.search(word) for word in words):
        parts = []
        for word in words:
            if _ARABIC_LETTER.search(word):
                parts.append(_ARABIC_PREFIX + re.escape(_strip_article(word)) + _ARABIC_SUFFIX)
            else:
                parts.append(re.escape(word))
        first = _ARABIC_EDGE_BEFORE if _ARABIC_LETTER.match(words[0]) else _LATIN_EDGE_BEFORE
        last = _ARABIC_EDGE_AFTER if _ARABIC_LETTER.search(words[-1][-1]) else _LATIN_EDGE_AFTER
        return re.compile(first + _BETWEEN.join(parts) + last, re.IGNORECASE)
    body = _BETWEEN.join(re.escape(word) for word in words)
    return re.compile(_LATIN_EDGE_BEFORE + body + _LATIN_EDGE_AFTER, re.IGNORECASE)


def _text_list(entry, name, path, problems) -> list[str]:
    value = entry.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add(path, f"line {entry.line_of(name)}", f"{name} must be a list of texts")
        return []
    return value


def read(root: Path, problems: Problems) -> list[Variant] | None:
    """Read and validate `root`/glossary.yaml; return its variants, or None if there is no glossary."""
    path = root / FILE_NAME
    if not path.exists():
        return None
    data = Source(path, "").yaml(problems)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add(path, "line 1", "the glossary must be a list of entries")
        return []
    variants: list[Variant] = []
    preferred: dict[str, list[tuple[str, str]]] = {language: [] for language in LANGUAGES}
    seen: dict[str, int] = {}
    for entry in data:
        if not isinstance(entry, dict):
            problems.add(path, "", "each glossary entry must be a mapping")
            continue
        line = f"line {entry.line}"
        concept = entry.get("concept")
        if not isinstance(concept, str) or not CONCEPT.match(concept):
            problems.add(path, line, "concept must be a slug of a-z, 0-9 and -")
            continue
        if concept in seen:
            problems.add(path, line, f"concept {concept!r} is also on line {seen[concept]}")
        seen[concept] = entry.line
        for name in sorted(set(entry) - ENTRY_FIELDS):
            problems.add(path, f"line {entry.line_of(name)}", f"unknown field {name!r}")
        if not any(isinstance(entry.get(language), str) and entry[language].strip() for language in LANGUAGES):
            problems.add(path, line, f"concept {concept!r} needs a preferred term in ar or en")
        for language in LANGUAGES:
            term = entry.get(language)
            if term is not None and not (isinstance(term, str) and term.strip()):
                problems.add(path, f"line {entry.line_of(language)}", f"{language} must be a text")
                term = None
            avoided = _text_list(entry, f"avoid_{language}", path, problems)
            allowed = tuple(compile_phrase(a) for a in _text_list(entry, f"allow_{language}", path, problems))
            if avoided and not term:
                problems.add(path, line, f"concept {concept!r} avoids {language} variants but has no {language} term")
                continue
            if term:
                preferred[language].append((concept, term))
            for text in avoided:
                pattern = compile_phrase(text)
                variants.append(Variant(concept, language, text, term, pattern, allowed))
        if not isinstance(entry.get("note", ""), str):
            problems.add(path, f"line {entry.line_of('note')}", "note must be a text")
    # A variant that finds a preferred term could never be fixed.
    for variant in variants:
        for concept, term in preferred[variant.language]:
            if variant.pattern.search(normalize(term)[0]):
                problems.add(
                    path,
                    "",
                    f"the {variant.language} variant {variant.text!r} of {variant.concept!r} "
                    f"matches the preferred term {term!r} of {concept!r}",
                )
    return variants


def _prose_lines(text: str):
    """Yield (line number, line) for the lines of a content file that hold prose, with link
    targets and URLs blanked out."""
    skip_deeper_than = None
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if line.strip() and indent <= skip_deeper_than:
                skip_deeper_than = None
            else:
                continue
        field = _FIELD.match(line)
        if field and field["name"] in NOT_PROSE:
            rest = field["rest"].strip()
            if not rest or (rest.startswith("[") and "]" not in rest):
                # A block below the field, or a flow list that goes on over the next lines.
                skip_deeper_than = len(field["indent"])
            continue
        line = _LINK_TARGET.sub(lambda m: "](" + " " * (len(m[0]) - 3) + ")", line)
        yield number, _URL.sub(lambda m: " " * len(m[0]), line)


def check_file(source: Source, variants: list[Variant]) -> list[Problem]:
    """Return a warning for each avoided variant of the file's language found in it (one per
    place: where several variants of a concept overlap, the longest is named)."""
    path = source.path
    mine = [v for v in variants if v.language == source.language]
    warnings = []
    for number, line in _prose_lines(source.text):
        original = unicodedata.normalize("NFC", line)
        normal, positions = normalize(line)
        hits = []
        masked_by_concept: dict[str, str] = {}
        for variant in mine:
            text = masked_by_concept.get(variant.concept)
            if text is None:
                text = normal
                for allowed in variant.allowed:
                    text = allowed.sub(lambda m: "\0" * len(m[0]), text)
                masked_by_concept[variant.concept] = text
            hits.extend((m.start(), m.end(), variant) for m in variant.pattern.finditer(text))
        taken: list[tuple[int, int]] = []
        for start, end, variant in sorted(hits, key=lambda h: (h[0], h[0] - h[1])):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found = original[positions[start] : positions[end - 1] + 1].strip()
            warnings.append(
                Problem(
                    path,
                    f"line {number}",
                    f"glossary: {found!r} is a variant to avoid; use {variant.preferred!r} ({variant.concept})",
                )
            )
    return warnings


def content_sources(root: Path) -> list[Source]:
    """Every content file of every language: the files of every kind (content/kinds)."""
    paths = {path: language for language in LANGUAGES for kind in KINDS for path in kind.files(root, language)}
    return [Source(path, language) for path, language in paths.items()]


def check(root: Path, problems: Problems, sources: list[Source] | None = None) -> Problems:
    """Return the glossary warnings of every content file under `root` (the `sources` the loader
    read, or every file of every kind); glossary errors go to `problems`."""
    warnings = Problems()
    variants = read(Path(root), problems)
    if not variants:
        return warnings
    for source in sorted(sources if sources is not None else content_sources(Path(root)), key=lambda s: str(s.path)):
        warnings.extend(check_file(source, variants))
    return warnings
