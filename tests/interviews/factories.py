"""Interview questions in both languages, linked by one translation key, as load_content makes them."""

from datetime import timedelta

from wagtail.models import Locale

from content.keys import content_uuid
from interviews.models import Card, InterviewQuestion, KeyPoint

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


def card_deck(user, questions, *, now, spread_minutes: int) -> None:
    """Give `user` a reviewed card per question, due from `spread_minutes` before `now` to as many
    after, in a scrambled order (bench/practice.py and the interview practice tests)."""
    past = now - timedelta(days=30)
    Card.objects.bulk_create(
        (
            Card(
                user=user,
                question_key=question.translation_key,
                category=question.category,
                level=question.level,
                due=now + timedelta(minutes=((i * 7919) % (2 * spread_minutes)) - spread_minutes),
                state=2,
                stability=5.0,
                difficulty=5.0,
                last_review=past,
                reviews=3,
                created_at=past,
            )
            for i, question in enumerate(questions)
        ),
        batch_size=2000,
    )
