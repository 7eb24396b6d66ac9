"""Give the reviews rated before review logs existed their log rows: each card's rated practice
answers, replayed in order through FSRS with the default parameters (what scheduled them then)
to recover the state before each review. Durations run from the reveal to the rating, as
services.answer_rate records them."""

from datetime import UTC

import fsrs
from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone

BATCH = 2000


def _days(earlier, later) -> int:
    return max(0, (timezone.localdate(later) - timezone.localdate(earlier)).days)


def backfill(apps, schema_editor):
    Card = apps.get_model("interviews", "Card")
    PracticeAnswer = apps.get_model("interviews", "PracticeAnswer")
    ReviewLog = apps.get_model("interviews", "ReviewLog")
    # Without fuzzing: fuzz moves only the due date, never the state, stability or difficulty.
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card_of = Card.objects.filter(user_id=OuterRef("session__user_id"), question_key=OuterRef("question_key"))
    rows = (
        PracticeAnswer.objects.filter(rating__isnull=False, rated_at__isnull=False)
        .annotate(log_card=Subquery(card_of.values("pk")[:1]))
        .filter(log_card__isnull=False)
        .exclude(log_card__in=ReviewLog.objects.values("card_id"))
        .order_by("log_card", "rated_at", "pk")
        .values_list("log_card", "rating", "rated_at", "answered_at", "session__mode", "session__finished_at")
    )
    logs, current, memory = [], None, None
    for card_id, rating, rated_at, answered_at, mode, finished_at in rows.iterator(chunk_size=BATCH):
        if card_id != current:
            current, memory, first = card_id, fsrs.Card(card_id=card_id, due=rated_at.astimezone(UTC)), True
        revealed = finished_at if mode == "mock" else answered_at
        logs.append(
            ReviewLog(
                card_id=card_id,
                rating=rating,
                reviewed_at=rated_at,
                duration_ms=None if revealed is None else max(0, int((rated_at - revealed).total_seconds() * 1000)),
                state=0 if first else int(memory.state),
                stability=memory.stability,
                difficulty=memory.difficulty,
                elapsed_days=_days(memory.last_review, rated_at) if memory.last_review else 0,
            )
        )
        memory, _log = scheduler.review_card(memory, fsrs.Rating(rating), rated_at.astimezone(UTC))
        first = False
        if len(logs) >= BATCH:
            ReviewLog.objects.bulk_create(logs)
            logs = []
    ReviewLog.objects.bulk_create(logs)


class Migration(migrations.Migration):
    dependencies = [("interviews", "0005_review_log_and_scheduling_parameters")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
