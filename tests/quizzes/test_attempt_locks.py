"""An attempt's row lock holds its own row only: trainees of one quiz never wait for each other.

A lock that also took the quiz's row (FOR UPDATE over a join) made every answer, start and submit
of a quiz wait for the one before, whoever's it was: 200 trainees of one quiz answered one at a
time. These run on PostgreSQL (CI); SQLite locks the whole file for a write, so there is nothing
to see there."""

import threading

import pytest
from django.db import connection, connections, transaction

from quizzes import selectors, services
from tests.factories import UserFactory
from tests.quizzes.factories import right_values

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def _held(action):
    """Run `action` in a transaction of another connection and keep it open (its locks held)
    until the returned `release` is called."""
    locked, release, errors = threading.Event(), threading.Event(), []

    def run():
        try:
            with transaction.atomic():
                action()
                locked.set()
                release.wait(30)
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
            locked.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert locked.wait(30)
    assert not errors, errors

    def done():
        release.set()
        thread.join(30)
        assert not errors, errors

    return done


def _first_answer(attempt):
    row = selectors.attempt_rows(attempt=attempt)[0]
    return {row.question_id: right_values(row.question)}


def _without_waiting(action):
    """Run `action` on this connection, refused if it waits for a lock more than a second."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
        return action()


def test_an_answer_waits_for_no_other_trainees_answer_or_submit_of_the_same_quiz(make_quiz):
    quiz = make_quiz(kinds=["single"] * 3)
    first = services.attempt_start(user=UserFactory(), quiz=quiz)
    second = services.attempt_start(user=UserFactory(), quiz=quiz)
    answer = _first_answer(second)

    release = _held(lambda: services.answers_save(attempt=first, answers=_first_answer(first)))
    try:
        saved = _without_waiting(lambda: services.answers_save(attempt=second, answers=answer))
    finally:
        release()
    assert [a.question_id for a in saved] == list(answer)

    release = _held(lambda: services.attempt_submit(attempt=first))
    try:
        _without_waiting(lambda: services.answers_save(attempt=second, answers=answer))
    finally:
        release()


def test_a_start_waits_for_no_other_trainees_answer_or_start_of_the_same_quiz(make_quiz):
    """A new attempt refers to its quiz, which a lock on the quiz's row would hold up."""
    quiz = make_quiz(kinds=["single"] * 3)
    other = services.attempt_start(user=UserFactory(), quiz=quiz)
    release = _held(lambda: services.answers_save(attempt=other, answers=_first_answer(other)))
    try:
        _without_waiting(lambda: services.attempt_start(user=UserFactory(), quiz=quiz))
    finally:
        release()
    release = _held(lambda: services.attempt_start(user=UserFactory(), quiz=quiz))
    try:
        attempt = _without_waiting(lambda: services.attempt_start(user=UserFactory(), quiz=quiz))
    finally:
        release()
    assert attempt.is_open


def test_two_answers_to_one_attempt_still_wait_for_each_other(make_quiz):
    """The lock still does its job: the same attempt's second writer waits (here: is refused)."""
    from django.db.utils import OperationalError

    quiz = make_quiz(kinds=["single"] * 3)
    attempt = services.attempt_start(user=UserFactory(), quiz=quiz)
    answer = _first_answer(attempt)
    release = _held(lambda: services.answers_save(attempt=attempt, answers=answer))
    try:
        with pytest.raises(OperationalError, match="lock timeout"):
            _without_waiting(lambda: services.answers_save(attempt=attempt, answers=answer))
    finally:
        release()
