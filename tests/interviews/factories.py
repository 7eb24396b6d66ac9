"""Interview questions in both languages, linked by one translation key, as load_content makes them."""

import random
from datetime import UTC, datetime, timedelta

import fsrs
from wagtail.models import Locale

from content.keys import content_uuid
from interviews.models import Card, InterviewQuestion, KeyPoint, ReviewLog
from interviews.scheduling import days_between

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


def forgetful_history(user, *, cards: int = 40, days: int = 90, forget: float = 0.3, seed: int = 7, start=None) -> int:
    """Give `user` `cards` cards and the review log of `days` of practice on the default FSRS
    schedule by a trainee who forgets faster than FSRS's defaults expect (their memory lasts
    `forget` times the stability FSRS assumes): a forgotten card is rated again, a recalled
    one mostly good. Seeded, so every run writes the same log. Return the number of reviews."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    start = start or datetime(2026, 1, 5, 8, tzinfo=UTC)
    end = start + timedelta(days=days)
    logs = []
    for index in range(cards):
        memory = fsrs.Card(card_id=index + 1, due=start + timedelta(days=rng.randrange(days // 4)))
        history = []
        while memory.due < end:
            now = memory.due + timedelta(minutes=rng.randrange(5, 180))
            if memory.last_review is None:
                rating = rng.choices([1, 2, 3, 4], weights=[3, 2, 4, 1])[0]
            else:
                elapsed = (now - memory.last_review).total_seconds() / 86400
                recall = (1 + scheduler._FACTOR * elapsed / (memory.stability * forget)) ** scheduler._DECAY
                rating = 1 if rng.random() > recall else rng.choices([2, 3, 4], weights=[2, 6, 1])[0]
            history.append(
                (
                    rating,
                    now,
                    0 if memory.last_review is None else int(memory.state),
                    memory.stability,
                    memory.difficulty,
                    days_between(memory.last_review, now) if memory.last_review else 0,
                )
            )
            memory, _log = scheduler.review_card(memory, fsrs.Rating(rating), now)
        card = Card.objects.create(
            user=user,
            question_key=content_uuid("forgetful", f"{user.pk}-{index}"),
            category="tools-analytics",
            level="specialist",
            due=memory.due,
            state=int(memory.state),
            step=memory.step,
            stability=memory.stability,
            difficulty=memory.difficulty,
            last_review=memory.last_review,
            reviews=len(history),
            created_at=start,
        )
        logs += [
            ReviewLog(
                card=card,
                rating=rating,
                reviewed_at=at,
                duration_ms=rng.randrange(2_000, 40_000),
                state=state,
                stability=stability,
                difficulty=difficulty,
                elapsed_days=elapsed_days,
            )
            for rating, at, state, stability, difficulty, elapsed_days in history
        ]
    ReviewLog.objects.bulk_create(logs, batch_size=2000)
    return len(logs)
