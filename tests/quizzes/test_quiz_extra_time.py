"""A trainee's extra time on timed quizzes and the exam: the deadline the server keeps, and the
time limit on the quiz page ("60 minutes (extended from 30)") in both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from quizzes import selectors, services
from quizzes.models import Answer, Attempt
from quizzes.services import AttemptExpired
from tests.factories import UserFactory
from tests.quizzes.factories import right_values

pytestmark = pytest.mark.django_db


def with_extra_time(user, value):
    User.objects.filter(pk=user.pk).update(extra_time=value)
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize(("value", "minutes"), [("", 30), ("1.25", 38), ("1.5", 45), ("2", 60)])
def test_the_deadline_is_extended(make_quiz, trainee, value, minutes):
    trainee = with_extra_time(trainee, value)
    before = timezone.now()
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(time_limit_minutes=30))
    assert before + timedelta(minutes=minutes) <= attempt.deadline <= timezone.now() + timedelta(minutes=minutes)


def test_no_time_limit_means_no_deadline(make_quiz, trainee):
    attempt = services.attempt_start(user=with_extra_time(trainee, "unlimited"), quiz=make_quiz(time_limit_minutes=30))
    assert attempt.deadline is None
    assert not attempt.is_past_deadline(timezone.now() + timedelta(days=30))


def test_an_untimed_quiz_stays_untimed(make_quiz, trainee):
    attempt = services.attempt_start(user=with_extra_time(trainee, "2"), quiz=make_quiz())
    assert attempt.deadline is None


def test_the_server_accepts_answers_before_the_extended_deadline_and_refuses_them_after(make_quiz, trainee):
    trainee = with_extra_time(trainee, "2")
    attempt = services.attempt_start(user=trainee, quiz=make_quiz(time_limit_minutes=10))
    first, second = selectors.attempt_rows(attempt=attempt)[:2]
    # 15 minutes in (the attempt moved 15 minutes back): past the usual 10, within the extended 20.
    shift = timedelta(minutes=15)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - shift, deadline=attempt.deadline - shift
    )
    attempt.refresh_from_db()
    assert attempt.started_at + timedelta(minutes=10) < timezone.now() < attempt.deadline
    services.answer_save(attempt=attempt, question_id=first.question_id, values=right_values(first.question))
    assert Answer.objects.get(pk=first.pk).answered_at is not None
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    # Past the extended deadline: refused, and the attempt closes as expired.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    attempt.refresh_from_db()
    with pytest.raises(AttemptExpired):
        services.answer_save(attempt=attempt, question_id=second.question_id, values=right_values(second.question))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert Answer.objects.get(pk=second.pk).answered_at is None


def test_extra_time_given_during_an_attempt_applies_to_the_next_one(make_quiz, trainee):
    """The deadline is fixed when the attempt starts: the timer on the page and the server agree."""
    quiz = make_quiz(time_limit_minutes=10)
    attempt = services.attempt_start(user=trainee, quiz=quiz)
    deadline = attempt.deadline
    again = services.attempt_start(user=with_extra_time(trainee, "2"), quiz=quiz)
    assert again.pk == attempt.pk and again.deadline == deadline


def test_the_take_page_timer_counts_down_to_the_extended_deadline(make_quiz, trainee, client):
    trainee = with_extra_time(trainee, "1.5")
    client.force_login(trainee)
    quiz = make_quiz(time_limit_minutes=20)
    client.post(f"/en/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=trainee)
    page = client.get(f"/en/quizzes/attempts/{attempt.pk}/").text
    seconds = int(page.split('data-seconds-left="')[1].split('"')[0])
    assert 29 * 60 < seconds <= 30 * 60


@pytest.mark.parametrize(
    ("lang", "value", "base", "expected"),
    [
        ("en", "", 30, "Time limit: 30 minutes. Answers sent after it are not counted."),
        ("en", "2", 30, "Time limit: 60 minutes (extended from 30). Answers sent after it are not counted."),
        ("en", "unlimited", 30, "No time limit (extended from 30 minutes)."),
        ("en", "unlimited", 1, "No time limit (extended from 1 minute)."),
        ("ar", "", 30, "المدة المحددة: ٣٠ دقيقة. لا تُحتسب الإجابات المرسلة بعدها."),
        ("ar", "2", 30, "المدة المحددة: ٦٠ دقيقة (مُدِّدت من ٣٠). لا تُحتسب الإجابات المرسلة بعدها."),
        ("ar", "2", 5, "المدة المحددة: ١٠ دقائق (مُدِّدت من ٥). لا تُحتسب الإجابات المرسلة بعدها."),  # 3-10: plural
        ("ar", "2", 1, "المدة المحددة: دقيقتان (مُدِّدت من ١). لا تُحتسب الإجابات المرسلة بعدها."),  # dual
        ("ar", "1.25", 100, "المدة المحددة: ١٢٥ دقيقة (مُدِّدت من ١٠٠)."),
        ("ar", "unlimited", 30, "بلا حد زمني (بدلًا من ٣٠ دقيقة)."),
        ("ar", "unlimited", 2, "بلا حد زمني (بدلًا من دقيقتين)."),
    ],
)
def test_the_quiz_page_says_the_extended_time(make_quiz, client, lang, value, base, expected):
    trainee = with_extra_time(UserFactory(), value)
    client.force_login(trainee)
    quiz = make_quiz(lang=lang, time_limit_minutes=base)
    page = client.get(f"/{lang}/quizzes/{quiz.pk}/")
    assert page.status_code == 200
    assert expected in " ".join(page.text.split())
