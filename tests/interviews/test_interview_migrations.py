"""The rename of `DrillSession`/`DrillAnswer` to `PracticeSession`/`PracticeAnswer`
(interviews/migrations/0004) keeps every session, answer, card and grant."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = ("interviews", "0003_interviewcategory")
AFTER = ("interviews", "0004_practice_session_and_answer")


def _migrate(target):
    """Migrate interviews to `target` as `manage.py migrate` does (its signals rename content types)."""
    call_command("migrate", *target, verbosity=0)
    return MigrationLoader(connection).project_state(target).apps


def test_sessions_answers_and_grants_survive_the_rename():
    old = _migrate(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    User = old.get_model("accounts", "User")
    Session = old.get_model("interviews", "DrillSession")
    Answer = old.get_model("interviews", "DrillAnswer")
    Card = old.get_model("interviews", "Card")

    # The permissions of a database that ran 0003 and post_migrate before (as production did).
    def permission(model, codename, name):
        content_type, _ = ContentType.objects.get_or_create(app_label="interviews", model=model)
        found, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        return found

    view_session = permission("drillsession", "view_drillsession", "Can view drill session")
    change_answer = permission("drillanswer", "change_drillanswer", "Can change drill answer")
    view_card = permission("card", "view_card", "Can view drill card")
    reviewers = Group.objects.create(name="Migration interview reviewers")
    reviewers.permissions.add(view_session, change_answer, view_card)
    trainee = User.objects.create(username="migration-trainee", email="migration-trainee@example.com")
    trainee.user_permissions.add(view_session)

    now = timezone.now()
    session = Session.objects.create(user=trainee, mode="practice", categories=["seo"], started_at=now)
    mock = Session.objects.create(user=trainee, mode="mock", level="specialist", started_at=now, finished_at=now)
    answer = Answer.objects.create(session=session, position=1, question_key=uuid.uuid4(), answer_text="kept", rating=3)
    card = Card.objects.create(
        user=trainee, question_key=answer.question_key, category="seo", level="specialist", due=now
    )

    new = _migrate(AFTER)
    Permission = new.get_model("auth", "Permission")
    moved = new.get_model("interviews", "PracticeAnswer").objects.get(pk=answer.pk)
    assert (moved.session_id, moved.position, moved.answer_text, moved.rating) == (session.pk, 1, "kept", 3)
    sessions = new.get_model("interviews", "PracticeSession").objects.filter(user_id=trainee.pk)
    assert sorted(sessions.values_list("pk", "mode")) == sorted([(session.pk, "practice"), (mock.pk, "mock")])
    assert new.get_model("interviews", "Card").objects.get(pk=card.pk).question_key == answer.question_key

    renamed = Permission.objects.get(pk=view_session.pk)
    assert (renamed.codename, renamed.name, renamed.content_type.model) == (
        "view_practicesession",
        "Can view practice session",
        "practicesession",
    )
    assert Permission.objects.get(pk=change_answer.pk).codename == "change_practiceanswer"
    assert Permission.objects.get(pk=view_card.pk).name == "Can view review card"
    assert not Permission.objects.filter(codename__contains="drill").exists()
    assert not Permission.objects.filter(name__contains="drill").exists()
    group_codenames = set(
        new.get_model("auth", "Group").objects.get(pk=reviewers.pk).permissions.values_list("codename", flat=True)
    )
    assert group_codenames == {"view_practicesession", "change_practiceanswer", "view_card"}
    user = new.get_model("accounts", "User").objects.get(pk=trainee.pk)
    assert list(user.user_permissions.values_list("codename", flat=True)) == ["view_practicesession"]

    # And back: the old names return with the same grants and rows.
    back = _migrate(BEFORE)
    assert back.get_model("auth", "Permission").objects.get(pk=view_session.pk).codename == "view_drillsession"
    assert back.get_model("auth", "Permission").objects.get(pk=view_card.pk).name == "Can view drill card"
    assert back.get_model("interviews", "DrillAnswer").objects.get(pk=answer.pk).answer_text == "kept"
    call_command("migrate", verbosity=0)


def test_rated_answers_get_their_review_logs_back():
    """interviews/migrations/0006: each card's rated answers become its review log, in order,
    with the state before each review replayed through FSRS's defaults."""
    old = _migrate(("interviews", "0005_review_log_and_scheduling_parameters"))
    trainee = UserFactory()  # today's User: the accounts tables are not migrated back
    Session = old.get_model("interviews", "PracticeSession")
    Answer = old.get_model("interviews", "PracticeAnswer")
    Card = old.get_model("interviews", "Card")
    key, unrated_key = uuid.uuid4(), uuid.uuid4()
    start = timezone.now().replace(microsecond=0) - timedelta(days=10)
    card = Card.objects.create(user_id=trainee.pk, question_key=key, category="seo", level="specialist", due=start)
    Card.objects.create(user_id=trainee.pk, question_key=unrated_key, category="seo", level="specialist", due=start)
    first = Session.objects.create(user_id=trainee.pk, mode="practice", started_at=start)
    Answer.objects.create(
        session=first, position=0, question_key=key, rating=3, answered_at=start, rated_at=start + timedelta(seconds=8)
    )
    Answer.objects.create(session=first, position=1, question_key=unrated_key, answered_at=start)
    mock = Session.objects.create(
        user_id=trainee.pk, mode="mock", started_at=start, finished_at=start + timedelta(days=4, minutes=5)
    )
    Answer.objects.create(
        session=mock,
        position=0,
        question_key=key,
        rating=1,
        answered_at=start + timedelta(days=4),
        rated_at=start + timedelta(days=4, minutes=6),
    )

    new = _migrate(("interviews", "0006_backfill_review_logs"))
    logs = list(new.get_model("interviews", "ReviewLog").objects.order_by("reviewed_at"))
    assert [(log.card_id, log.rating, log.duration_ms) for log in logs] == [(card.pk, 3, 8000), (card.pk, 1, 60_000)]
    assert (logs[0].state, logs[0].stability, logs[0].elapsed_days) == (0, None, 0)
    assert logs[1].state == 1 and logs[1].stability and logs[1].elapsed_days >= 3
    call_command("migrate", verbosity=0)
