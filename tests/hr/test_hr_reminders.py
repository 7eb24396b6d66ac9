"""Reminder emails of assigned courses (3 days before, 1 and 7 days after the due date, unless
completed) and the weekly HR digest: in the recipient's language, and never sent twice."""

import datetime
import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import CourseAssignment, Enrollment
from hr import services
from hr.models import Digest, Reminder
from tests.factories import HRFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def assign(user, course, due_on):
    return CourseAssignment.objects.create(user=user, course_key=course.translation_key, due_on=due_on)


def test_reminders_go_before_and_after_the_due_date_unless_completed(organization, course):
    due = datetime.date(2026, 6, 15)
    sara = UserFactory(organization=organization, email="sara@example.com", preferred_language="en")
    done = UserFactory(organization=organization, email="done@example.com")
    assign(sara, course, due)
    assign(done, course, due)
    Enrollment.objects.create(user=done, course_key=course.translation_key, completed_at=timezone.now())

    sent = {}
    for day in range(-6, 16):
        today = due + day * DAY
        mail.outbox = []
        services.assignment_reminders_send(today=today)
        if mail.outbox:
            sent[day] = [m.to[0] for m in mail.outbox]
    # 3 days before, 1 day after, 7 days after: once each, never to the one who completed.
    assert sent == {-3: ["sara@example.com"], 1: ["sara@example.com"], 7: ["sara@example.com"]}
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["after_1", "after_7", "before_3"]
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_each_recipient_reads_the_reminder_in_their_language(organization, course):
    due = timezone.localdate() + 2 * DAY
    assign(UserFactory(organization=organization, email="en@example.com", preferred_language="en"), course, due)
    assign(UserFactory(organization=organization, email="ar@example.com", preferred_language="ar"), course, due)
    assert services.assignment_reminders_send() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    english, arabic = by_address["en@example.com"], by_address["ar@example.com"]
    assert english.subject.startswith("Reminder:") and "Demo" in english.subject or course.title in english.subject
    assert "/en/learn/" in english.body and "2 days are left" in english.body
    assert "تذكير" in arabic.subject and "/ar/learn/" in arabic.body and "٢" in arabic.body


def test_a_second_run_a_restart_or_two_runs_at_once_send_nothing_twice(organization, course, transactional_db):
    due = timezone.localdate() + DAY
    for i in range(5):
        assign(UserFactory(organization=organization, email=f"t{i}@example.com"), course, due)
    assert services.assignment_reminders_send() == 5
    assert services.assignment_reminders_send() == 0  # a double beat
    assert len(mail.outbox) == 5


def test_two_runs_at_the_same_moment_claim_each_reminder_once(organization, course, transactional_db):
    due = timezone.localdate() + DAY
    for i in range(20):
        assign(UserFactory(organization=organization, email=f"c{i}@example.com"), course, due)
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(services.assignment_reminders_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 20 and len(mail.outbox) == 20
    assert len({m.to[0] for m in mail.outbox}) == 20


def test_a_refused_batch_is_tried_again_next_run_and_never_doubled(organization, course, monkeypatch):
    due = timezone.localdate() + DAY
    assign(UserFactory(organization=organization, email="x@example.com"), course, due)
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server away")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        assert services.assignment_reminders_send() == 0
    assert not Reminder.objects.exists()  # released, not marked sent
    assert services.assignment_reminders_send() == 1
    assert services.assignment_reminders_send() == 0
    assert len(mail.outbox) == 1


def test_a_changed_due_date_starts_the_reminders_over(organization, course):
    hr = HRFactory(organization=organization)
    trainee = UserFactory(organization=organization)
    today = timezone.localdate()
    services.assignments_create(actor=hr, course_key=course.translation_key, due_on=today + DAY)
    assert services.assignment_reminders_send(today=today) == 1
    services.assignments_create(actor=hr, course_key=course.translation_key, due_on=today + 2 * DAY)
    assert not Reminder.objects.exists()
    assert services.assignment_reminders_send(today=today) == 1
    assert [m.to[0] for m in mail.outbox] == [trainee.email, trainee.email]


def test_the_weekly_digest_lists_overdue_and_due_soon_trainees_to_hr_in_their_language(organization, course):
    today = timezone.localdate()
    HRFactory(organization=organization, email="hr-en@example.com", preferred_language="en")
    hr_ar = HRFactory(organization=organization, email="hr-ar@example.com", preferred_language="ar")
    HRFactory(organization=OrganizationFactory(name="Quiet"), email="quiet@example.com")
    assign(
        UserFactory(organization=organization, name_latin="Late Lina", email="lina@example.com"), course, today - DAY
    )
    assign(UserFactory(organization=organization, name_latin="Soon Samir"), course, today + 3 * DAY)
    assign(UserFactory(organization=organization, name_latin="Far Fadi"), course, today + 30 * DAY)
    assert services.assignment_digests_send(today=today) == 2
    assert services.assignment_digests_send(today=today) == 0  # once a week
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"hr-en@example.com", "hr-ar@example.com"}
    english = by_address["hr-en@example.com"]
    assert "1 overdue, 1 due soon" in english.subject
    assert "Late Lina" in english.body and "Soon Samir" in english.body and "Far Fadi" not in english.body
    assert "/en/hr/" in english.body
    assert "متأخر" in by_address["hr-ar@example.com"].body or "متأخرة" in by_address["hr-ar@example.com"].body
    assert Digest.objects.filter(user=hr_ar, sent_at__isnull=False).exists()
    # Next week, a new digest.
    assert services.assignment_digests_send(today=today + 7 * DAY) == 2


def test_reminders_take_a_fixed_number_of_queries(organization, course):
    due = timezone.localdate() + DAY

    def queries(count, prefix):
        for i in range(count):
            assign(UserFactory(organization=organization, email=f"{prefix}{i}@example.com"), course, due)
        with CaptureQueriesContext(connection) as ctx:
            assert services.assignment_reminders_send() == count
        return len(ctx.captured_queries)

    assert queries(3, "few") == queries(60, "many")
