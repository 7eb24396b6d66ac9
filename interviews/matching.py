"""Key-point hints: which key points an answer seems to cover, in Arabic or English.

Both the answer and each key point's phrases are cut into normalized tokens; a phrase
matches when its tokens appear in the answer in the same order, with at most
`MAX_GAP` other words between two of them (Arabic and English both slip short words
in: "the", "our", "في", "على"). A key point is covered when any of its phrases matches.

Normalization is per token, by script, so an Arabic answer that names "Google Analytics"
matches an English phrase and the other way round.

- Arabic: diacritics (harakat, shadda, sukun, dagger alef) and tatweel removed; alef
  forms (أ إ آ ٱ) unified to ا; ة folded to ه and ى to ي; Arabic-Indic digits to ASCII;
  the definite article (ال, also after و ف ب ك: وال، بال...; and لل) stripped; a single
  attached و ف ب ل ك in the answer is tolerated ("وتحليل" matches "تحليل").
- English (and other Latin text): case-folded, then simple plural and inflection folding
  (-ies -> y, -es after s/x/z/ch/sh, -s, -ing, -ed, a final -e), conservative enough
  that short words stay as they are.
"""

import re
import unicodedata
from collections.abc import Iterable

MAX_GAP = 2

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    }
)
# Arabic runs and other word runs are separate tokens: "وGoogle" is "و" + "google".
_ARABIC_RUN = "\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06fa-\u06fc"
_TOKEN = re.compile(f"[{_ARABIC_RUN}]+|[^\\W_\u0600-\u06ff]+", re.UNICODE)
_ARABIC_LETTER = re.compile("[\u0620-\u064a]")
# Longest first: the article with a leading conjunction or preposition, then the article alone.
_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
_PROCLITICS = "وفبلك"
_VOWELS = set("aeiouy")


def normalize_arabic(text: str) -> str:
    """Return Arabic `text` without diacritics and tatweel, with alef, ta marbuta and alef maqsura folded."""
    text = unicodedata.normalize("NFC", text)
    text = _ARABIC_MARKS.sub("", text).replace(_TATWEEL, "")
    return text.translate(_ARABIC_FOLD)


def strip_article(token: str) -> str:
    """Return an Arabic token without its definite article, when enough of the word remains."""
    for article in _ARTICLES:
        if token.startswith(article) and len(token) - len(article) >= 2:
            return token[len(article) :]
    return token


def fold_english(token: str) -> str:
    """Return an English token with simple plural and inflection endings folded.

    The same folding runs on answers and phrases, so it only has to be consistent:
    "schedule", "schedules", "scheduled" and "scheduling" all become "schedul"."""
    word = token
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us")) and not (word.endswith("is") and len(word) > 4):
        word = word[:-1]
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) - 3 >= 3 and _VOWELS & set(word[:-3]):
        word = word[:-3]
        word = _undouble(word)
    elif word.endswith("ed") and len(word) - 2 >= 3 and _VOWELS & set(word[:-2]):
        word = word[:-2]
        word = _undouble(word)
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "lsz" and word[-1] not in _VOWELS:
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Return the normalized tokens of `text` (Arabic, English or both mixed)."""
    text = normalize_arabic(text).casefold()
    result = []
    for token in _TOKEN.findall(text):
        if _ARABIC_LETTER.search(token):
            result.append(strip_article(token))
        else:
            result.append(fold_english(token))
    return result


def _answer_variants(text: str) -> list[frozenset[str]]:
    """Return, for each answer token, the forms a phrase token may match."""
    variants = []
    text = normalize_arabic(text).casefold()
    for token in _TOKEN.findall(text):
        if _ARABIC_LETTER.search(token):
            forms = {strip_article(token)}
            if token[0] in _PROCLITICS and len(token) >= 4:
                forms.add(strip_article(token[1:]))
            variants.append(frozenset(forms))
        else:
            variants.append(frozenset({fold_english(token)}))
    return variants


def _phrase_matches(phrase: list[str], answer: list[frozenset[str]]) -> bool:
    if not phrase:
        return False
    for start, forms in enumerate(answer):
        if phrase[0] not in forms:
            continue
        position, ok = start, True
        for token in phrase[1:]:
            window = answer[position + 1 : position + 2 + MAX_GAP]
            hit = next((i for i, forms in enumerate(window) if token in forms), None)
            if hit is None:
                ok = False
                break
            position += 1 + hit
        if ok:
            return True
    return False


def phrase_in(phrase: str, answer_text: str) -> bool:
    """Return True if `phrase` appears in `answer_text` after normalization."""
    return _phrase_matches(tokens(phrase), _answer_variants(answer_text))


def covered_key_points(answer_text: str, key_points: Iterable) -> list[str]:
    """Return the keys of the key points whose phrases appear in `answer_text`, in the given order.

    `key_points` are objects with `key` and `phrases` (KeyPoint rows or anything alike)."""
    if not answer_text or not answer_text.strip():
        return []
    answer = _answer_variants(answer_text)
    covered = []
    for point in key_points:
        phrases = point["phrases"] if isinstance(point, dict) else point.phrases
        key = point["key"] if isinstance(point, dict) else point.key
        if any(_phrase_matches(tokens(phrase), answer) for phrase in phrases or [] if isinstance(phrase, str)):
            covered.append(key)
    return covered
