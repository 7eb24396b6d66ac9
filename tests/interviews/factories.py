"""Interview questions in both languages, linked by one translation key, as load_content makes them."""

from wagtail.models import Locale

from courses.models import content_uuid
from interviews.models import InterviewQuestion, KeyPoint

EN_POINTS = [
    {"key": "scheduling", "text": "Names a scheduling tool", "phrases": ["Hootsuite", "Buffer", "schedule"]},
    {"key": "analytics", "text": "Measures with analytics", "phrases": ["Google Analytics", "UTM", "insights"]},
    {"key": "goals", "text": "Starts from goals and KPIs", "phrases": ["KPI", "goal"]},
]
AR_POINTS = [
    {"key": "scheduling", "text": "يذكر أداة جدولة", "phrases": ["Hootsuite", "Buffer", "جدولة"]},
    {"key": "analytics", "text": "يقيس بالتحليلات", "phrases": ["Google Analytics", "UTM", "التحليلات"]},
    {"key": "goals", "text": "ينطلق من الأهداف ومؤشرات الأداء", "phrases": ["مؤشرات الأداء", "الهدف", "الأهداف"]},
]


def locale(code: str) -> Locale:
    return Locale.objects.get_or_create(language_code=code)[0]


def make_question(
    key: str = "preferred-tools",
    *,
    category: str = "tools-analytics",
    level: str = "specialist",
    languages=("en", "ar"),
    suggested_seconds: int = 120,
) -> dict[str, InterviewQuestion]:
    """Create the question `key` in each language; return {language: question}."""
    made = {}
    for code in languages:
        question = InterviewQuestion.objects.create(
            key=key,
            translation_key=content_uuid("interview", key),
            locale=locale(code),
            category=category,
            level=level,
            prompt=f"[{code}] Which tools do you use? ({key})"
            if code == "en"
            else f"ما الأدوات التي تستخدمها؟ ({key})",
            model_answer="I schedule with Hootsuite and measure with Google Analytics against our KPIs."
            if code == "en"
            else "أجدول المنشورات عبر Hootsuite وأقيس النتائج بـGoogle Analytics مقابل مؤشرات الأداء.",
            suggested_seconds=suggested_seconds,
        )
        for order, point in enumerate(EN_POINTS if code == "en" else AR_POINTS):
            KeyPoint.objects.create(question=question, sort_order=order, **point)
        made[code] = question
    return made


def make_bank(
    count: int,
    *,
    category: str = "tools-analytics",
    level: str = "specialist",
    prefix: str = "q",
    languages=("en", "ar"),
) -> list[dict[str, InterviewQuestion]]:
    return [make_question(f"{prefix}-{i}", category=category, level=level, languages=languages) for i in range(count)]
