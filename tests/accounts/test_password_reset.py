"""Password reset: the same answer and the same work whether or not the email has an account
(the lookup and the mail happen in a Celery task), throttled per address and per client IP."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError

from tests.factories import UserFactory

RESET = "/en/accounts/password-reset/"
THROTTLES = {"password_reset_email": (3, 3600), "password_reset_ip": (5, 3600), "join_code_ip": (10, 900)}


@pytest.fixture
def queued(monkeypatch):
    """The reset tasks queued by the requests, as the keyword arguments they were given."""
    from accounts import tasks

    calls = []
    monkeypatch.setattr(tasks.password_reset_send, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


def reset(email: str, ip: str = "10.0.0.1", url: str = RESET):
    return Client(REMOTE_ADDR=ip).post(url, {"email": email})


@pytest.mark.django_db
def test_a_reset_for_a_known_and_an_unknown_email_does_the_same_work_in_the_request(
    queued, django_capture_on_commit_callbacks
):
    UserFactory(username="omar", email="omar@example.com")
    answers, sql = [], []
    for email in ("omar@example.com", "nobody@example.com"):
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            answers.append(reset(email))
        sql.append([query["sql"] for query in queries.captured_queries])
    known, unknown = answers
    assert known.status_code == unknown.status_code == 302 and known.url == unknown.url
    assert len(sql[0]) == len(sql[1]) and not any("accounts_user" in q for q in sql[0] + sql[1])  # no lookup
    assert mail.outbox == []  # no mail from the request itself
    assert [call["email"] for call in queued] == ["omar@example.com", "nobody@example.com"]


@pytest.mark.django_db
def test_the_reset_mail_is_sent_by_the_worker_in_the_language_of_the_page(
    eager_celery, django_capture_on_commit_callbacks
):
    UserFactory(username="omar", email="omar@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        reset("OMAR@example.com", url="/ar/accounts/password-reset/")
        reset("nobody@example.com", url="/ar/accounts/password-reset/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["omar@example.com"]
    assert mail.outbox[0].subject == "إعادة تعيين كلمة مرورك في مسار"
    assert "http://testserver/ar/accounts/reset/" in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["omar@example.com", "nobody@example.com"])
def test_reset_requests_for_one_email_are_throttled_with_a_translated_message(
    settings, queued, django_capture_on_commit_callbacks, email
):
    settings.MASAR_THROTTLES = THROTTLES
    UserFactory(username="omar", email="omar@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):  # from three addresses: the limit is the mailbox's
            assert reset(email.upper() if n else email, ip=f"10.0.1.{n}").status_code == 302
        refused = reset(email, ip="10.0.1.9", url="/ar/accounts/password-reset/")
    assert refused.status_code == 429
    assert "طلبات كثيرة لإعادة تعيين كلمة المرور" in refused.text and "٦٠" in refused.text  # in the page's digits
    assert len(queued) == 3  # the same for an email with an account and one without


@pytest.mark.django_db
def test_reset_requests_from_one_ip_are_throttled(settings, queued, django_capture_on_commit_callbacks):
    settings.MASAR_THROTTLES = THROTTLES
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            assert reset(f"guess{n}@example.com", ip="10.0.2.1").status_code == 302
        refused = reset("guess5@example.com", ip="10.0.2.1")
        other = reset("guess5@example.com", ip="10.0.2.2")
    assert refused.status_code == 429 and "Too many password reset requests" in refused.text
    assert other.status_code == 302
    assert len(queued) == 6


@pytest.mark.django_db
def test_a_reset_request_still_answers_when_the_cache_is_down(monkeypatch, queued, django_capture_on_commit_callbacks):
    from accounts import throttles

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("cache down")

    monkeypatch.setattr(throttles, "shared_cache", lambda: Down())
    with django_capture_on_commit_callbacks(execute=True):
        assert reset("omar@example.com").status_code == 302
    assert len(queued) == 1


@pytest.mark.django_db(transaction=True)
def test_a_reset_request_still_answers_when_the_broker_is_down(monkeypatch):
    from accounts import tasks

    def down(**kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.password_reset_send, "delay", down)
    response = reset("omar@example.com")
    assert response.status_code == 302 and response.url == "/en/accounts/password-reset/sent/"
