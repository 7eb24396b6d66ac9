"""Key-point hints: which key points an answer seems to cover, in Arabic or English.

Both the answer and each key point's phrases are cut into tokens, and each token into the
stems it may stand for; a phrase matches when its tokens appear in the answer in the same
order, with at most `MAX_GAP` other words between two of them (Arabic and English both slip
short words in: "the", "our", "في", "على"). A key point is covered when any of its phrases
matches. Phrases are evidence, not keywords: `generic_phrase` tells the content loader which
phrases to refuse (a single generic word of its language, such as "result" or "نتيجة").

Stemming is Snowball's (the `PyStemmer` package, Snowball's own C stemmers), per token and by script, so an Arabic
answer that names "Google Analytics" matches an English phrase and the other way round.

- Arabic: NFC; tanween alef (ًا at a word's end) dropped; diacritics (harakat, shadda, sukun,
  dagger alef) and tatweel removed; alef forms (أ إ آ ٱ) unified to ا, ة folded to ه and ى to
  ي; Arabic-Indic digits to ASCII; common spellings of platform names unified (فيس بوك and
  فيسبوك, انستقرام and إنستغرام, لينكد إن and لينكدإن... see `_SPELLINGS`), and platform names
  in Arabic letters read as their Latin names ("وفيسبوك" matches "Facebook", `_LATIN_NAMES`). A token's stems
  are Snowball's stem of the word, without its definite article (ال, also after و ف ب ك:
  وال، بال...; and لل) and, when it starts with one, without a single attached و ف ب ل ك
  ("وتحليل" matches "تحليل"), and without a final ا (tanween alef written without its mark,
  "موجزا"); each both as it stands and read as a noun (Snowball strips an
  initial ف or ب from a bare noun, "فريق", but not after the article), so that the verb and
  noun readings of a word meet. A phrase token matches an answer token sharing a stem.
- English (and other Latin text): case-folded, a plural acronym's s dropped (KPIs, CTAs),
  British -ise/-our spellings folded to -ize/-or, then Snowball's English stemmer.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer  # PyStemmer: Snowball's stemmers in C

MAX_GAP = 2

_ARABIC_STEMMER = Stemmer.Stemmer("arabic")
_ENGLISH_STEMMER = Stemmer.Stemmer("english")

_TANWEEN_ALEF = re.compile("(?:\u064b\u0627|\u0627\u064b)(?=[^\u0621-\u064a]|$)")
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
# Common spellings of the same name, on normalized text (alef forms already unified): each
# pattern's spellings become one; a leading و ف ب ل ك or article stays attached.
_SPELLINGS = [
    (re.compile(p), r)
    for p, r in (
        (r"فيس\s+بوك", "فيسبوك"),
        (r"ان[سز]ت[اي]?(?:ق|غ|ج|ك|جج)رام", "انستغرام"),
        (r"لينكد\s*ان", "لينكدان"),
        (r"لينكدين", "لينكدان"),
        (r"تيك\s+توك", "تيكتوك"),
        (r"يو\s+تيوب", "يوتيوب"),
        (r"سناب\s+شات", "سنابشات"),
        (r"وات?س\s+اب", "واتساب"),
        (r"(?:غوغل|قوقل|جوجل)", "جوجل"),
        (r"هاش\s+تاق|هاشتاق|هاش\s+تاغ|هاشتاغ|هاش\s+تاج", "هاشتاج"),
        (r"ايميل", "بريد الكتروني"),
    )
]
# Platform names written in Arabic letters match their Latin names ("وفيسبوك" is "facebook"):
# the name with an attached و ف ب ل ك and/or the article becomes the Latin token.
_LATIN_NAMES = {
    "فيسبوك": "facebook",
    "انستغرام": "instagram",
    "لينكدان": "linkedin",
    "تيكتوك": "tiktok",
    "يوتيوب": "youtube",
    "سنابشات": "snapchat",
    "واتساب": "whatsapp",
    "جوجل": "google",
    "تويتر": "twitter",
    "بنترست": "pinterest",
    "ثريدز": "threads",
}
_LATIN_NAME = re.compile("(?<![\u0621-\u064a])[وفبلك]?(?:ال)?(" + "|".join(_LATIN_NAMES) + ")(?![\u0621-\u064a])")
# Arabic runs and other word runs are separate tokens: "وGoogle" is "و" + "google".
_ARABIC_RUN = "\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06fa-\u06fc"
_TOKEN = re.compile(f"[{_ARABIC_RUN}]+|[^\\W_\u0600-\u06ff]+", re.UNICODE)
_ARABIC_LETTER = re.compile("[\u0620-\u064a]")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_BRITISH_ISE = re.compile(r"(?<=[a-z]{3})([iy])s(e|es|ed|ing|ation|ations)$")
_BRITISH_OUR = re.compile(r"(?<=[a-z]{3})our(s|ed|ing|ite|ites|able|ably)?$")
# Longest first: the article with a leading conjunction or preposition, then the article alone.
_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
_PROCLITICS = "وفبلك"

# Words that carry no evidence of their own: a phrase made of them and at most one generic word
# is refused by the content loader. Function words first, then generic words, per language.
FUNCTION_WORDS = {
    "en": (
        "a an the and or but of in on at to for with by from as is are was were be been it its this that these "
        "those my our your their his her we i you they he she me us them so then than very more most also just "
        "about into over up out not no do did done have has had will would can could should next first last "
        "really some any all"
    ).split(),
    "ar": (
        "في من على الى إلى عن مع و او أو ثم لا لم لن ما هذا هذه ذلك تلك هو هي هم نحن انا أنا كل كان كانت "
        "قد لقد بعد قبل عند حتى التي الذي الذين ان أن إن كما بين اي أي ايضا أيضًا جدا جدًا"
    ).split(),
}
GENERIC_WORDS = {
    "en": (
        "result results outcome data team teams plan plans planning ready role job work goal goals target "
        "number numbers people audience content post posts platform platforms brand good better best great "
        "new change changes update process action actions step steps example time way thing "
        "things problem issue issues idea ideas strategy experience skill skills learn learned learning grow "
        "growth success successful manager management report reports feedback customer customers client "
        "clients quality value important approach use used tool tools social media online campaign campaigns "
        "marketing business company help improve impact test tested analysis insights engagement reach "
        "performance communication support focus measure review check share shared moved changed reduced "
        "agreed local consistent clear current research market link website site traffic questions trust "
        "interaction comments messages calendar schedule budget video format official policy update help "
        "talk personal professional calm reply respond quickly publicly fast media legal risk source facts "
        "training course record keep document owner roles approve approval day week month year years here "
        "company organization organisation effort decision lesson evidence"
    ).split(),
    "ar": (
        "نتيجة نتائج النتيجة النتائج بيانات البيانات فريق الفريق خطة الخطة خطط جاهز جاهزة مستعد دور الدور "
        "وظيفة عمل العمل هدف الهدف أهداف الأهداف رقم أرقام الأرقام جمهور الجمهور محتوى المحتوى منشور منشورات "
        "منصة المنصة منصات المنصات علامة جيد أفضل جديد تغيير تحديث عملية إجراء خطوة مثال وقت طريقة "
        "شيء مشكلة فكرة أفكار استراتيجية خبرة مهارة مهارات تعلم نمو نجاح مدير إدارة تقرير تقارير عميل عملاء "
        "جودة قيمة مهم أداة أدوات وسائل التواصل حملة حملات تسويق شركة مساعدة تحسين تأثير اختبار تحليل تفاعل "
        "وصول أداء تواصل دعم تركيز قياس مراجعة مشاركة محلي واضح حالي بحث سوق رابط موقع زيارات أسئلة ثقة "
        "تعليقات رسائل تقويم جدولة ميزانية فيديو صيغة رسمي سياسة مساعدة شخصي مهني هدوء رد بسرعة علنا سريع "
        "إعلام قانوني مخاطر مصدر حقائق تدريب سجل مسؤول أدوار اعتماد موافقة يوم أسبوع شهر سنة سنوات هنا "
        "مؤسسة جهد قرار درس أدلة الإجراء إجراءات"
    ).split(),
}


def normalize_arabic(text: str) -> str:
    """Return `text` with Arabic diacritics, tatweel and tanween alef removed, alef, ta marbuta
    and alef maqsura folded, digits made ASCII and common spellings of platform names unified."""
    text = unicodedata.normalize("NFC", text)
    text = _TANWEEN_ALEF.sub("", text)
    text = _ARABIC_MARKS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_ARABIC_FOLD)
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return _LATIN_NAME.sub(lambda m: f" {_LATIN_NAMES[m.group(1)]} ", text)


def strip_article(token: str) -> str:
    """Return an Arabic token without its definite article, when enough of the word remains."""
    for article in _ARTICLES:
        if token.startswith(article) and len(token) - len(article) >= 2:
            return token[len(article) :]
    return token


@lru_cache(maxsize=65536)
def stem_english(token: str) -> str:
    """Snowball's English stem of a case-folded token, British -ise/-our spellings folded first."""
    word = _BRITISH_OUR.sub(r"or\1", _BRITISH_ISE.sub(r"\1z\2", token))
    return _ENGLISH_STEMMER.stemWord(word)


fold_english = stem_english  # the former name


@lru_cache(maxsize=65536)
def arabic_stems(token: str) -> frozenset[str]:
    """The stems a normalized Arabic token may stand for (see the module's docstring)."""
    bare = [strip_article(token)]
    if token[0] in _PROCLITICS and len(token) >= 4 and bare[0] == token:
        bare.append(strip_article(token[1:]))
    # Tanween alef written without its mark ("موجزا كاملا" for "موجزًا كاملًا").
    bare += [word[:-1] for word in bare if len(word) >= 4 and word.endswith("ا")]
    stems = set()
    for word in bare:
        stems.add(_ARABIC_STEMMER.stemWord(word))
        stems.add(_ARABIC_STEMMER.stemWord("ال" + word))
    return frozenset(stems)


def _prepare(text: str) -> list[str]:
    text = _ACRONYM_PLURAL.sub(r"\1", unicodedata.normalize("NFC", text))
    return _TOKEN.findall(normalize_arabic(text).casefold())


def _forms(text: str) -> list[frozenset[str]]:
    """For each token of `text`, the stems it may stand for."""
    return [
        arabic_stems(token) if _ARABIC_LETTER.search(token) else frozenset({stem_english(token)})
        for token in _prepare(text)
    ]


def tokens(text: str) -> list[str]:
    """Return one normalized stem per token of `text` (Arabic, English or both mixed), for display and tests."""
    return [min(forms, key=lambda s: (-len(s), s)) for forms in _forms(text)]


@lru_cache(maxsize=16384)
def _phrase_forms(phrase: str) -> tuple[frozenset[str], ...]:
    return tuple(_forms(phrase))


def _phrase_matches(phrase: tuple[frozenset[str], ...], answer: list[frozenset[str]]) -> bool:
    if not phrase:
        return False
    first, rest = phrase[0], phrase[1:]
    for start, forms in enumerate(answer):
        if first.isdisjoint(forms):
            continue
        position, ok = start, True
        for token in rest:
            window = answer[position + 1 : position + 2 + MAX_GAP]
            hit = next((i for i, forms in enumerate(window) if not token.isdisjoint(forms)), None)
            if hit is None:
                ok = False
                break
            position += 1 + hit
        if ok:
            return True
    return False


def phrase_in(phrase: str, answer_text: str) -> bool:
    """Return True if `phrase` appears in `answer_text` after normalization and stemming."""
    return _phrase_matches(_phrase_forms(phrase), _forms(answer_text))


def covered_key_points(answer_text: str, key_points: Iterable) -> list[str]:
    """Return the keys of the key points whose phrases appear in `answer_text`, in the given order.

    `key_points` are objects with `key` and `phrases` (KeyPoint rows or anything alike)."""
    if not answer_text or not answer_text.strip():
        return []
    answer = _forms(answer_text)
    covered = []
    for point in key_points:
        phrases = point["phrases"] if isinstance(point, dict) else point.phrases
        key = point["key"] if isinstance(point, dict) else point.key
        if any(_phrase_matches(_phrase_forms(p), answer) for p in phrases or [] if isinstance(p, str)):
            covered.append(key)
    return covered


def _stem_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(stem for word in words for forms in _forms(word) for stem in forms)


_FUNCTION_STEMS = {language: _stem_set(words) for language, words in FUNCTION_WORDS.items()}
_GENERIC_STEMS = {language: _stem_set(words) for language, words in GENERIC_WORDS.items()}


def generic_phrase(phrase: str, language: str) -> str | None:
    """Return the generic word `phrase` comes down to, or None when it is evidence.

    A phrase is generic when, apart from function words ("the", "as a", "في"), it is at most
    one word and that word is on the language's generic list ("result", "ready", "نتيجة"):
    "as a result" and "this role" are refused, "post-mortem" and "holding statement" are not."""
    function = _FUNCTION_STEMS.get(language, frozenset())
    generic = _GENERIC_STEMS.get(language, frozenset())
    words = [(word, forms) for word, forms in zip(_prepare(phrase), _forms(phrase), strict=True)]
    content = [(word, forms) for word, forms in words if forms.isdisjoint(function)]
    if not content:
        return words[0][0] if words else phrase
    if len(content) == 1 and not content[0][1].isdisjoint(generic):
        return content[0][0]
    return None
