"""Usernames and emails are unique without regard to case, in the database (unique indexes on
LOWER()), and two sign-ups at the same moment end with one account and a form error, never a 500."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import Client

from accounts import services
from accounts.forms import SignupForm
from tests.factories import UserFactory

User = get_user_model()

SIGNUP = {
    "username": "layla",
    "email": "layla@example.com",
    "name_latin": "Layla Hassan",
    "name_arabic": "ليلى حسن",
    "preferred_language": "en",
    "organization_code": "",
    "password1": "a-long-Secret-77",
    "password2": "a-long-Secret-77",
}
USERNAME_TAKEN = "This username is taken"
EMAIL_TAKEN = "An account with this email already exists"


def sign_up_at_once(monkeypatch, *forms: dict) -> list:
    """Post the sign-up `forms` from one thread each, all of them past the form's checks before
    any is saved; return (status, page text) or the exception of each."""
    barrier = threading.Barrier(len(forms), timeout=15)
    clean = SignupForm.clean

    def clean_then_wait(form):
        cleaned = clean(form)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return cleaned

    monkeypatch.setattr(SignupForm, "clean", clean_then_wait)
    results = [None] * len(forms)

    def post(index, data):
        try:
            response = Client(REMOTE_ADDR=f"10.0.4.{index + 1}").post("/en/accounts/signup/", data)
            results[index] = (response.status_code, response.text)
        except Exception as error:  # a 500: the test client raises the view's exception
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, data)) for i, data in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def one_in_one_refused(results, message: str) -> None:
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(status for status, _text in results) == [200, 302]
    refused = next(text for status, text in results if status == 200)
    assert message in refused


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_at_once_with_one_email_give_one_account_and_a_form_error(monkeypatch):
    results = sign_up_at_once(
        monkeypatch, {**SIGNUP, "username": "layla"}, {**SIGNUP, "username": "layla2", "email": "Layla@Example.com"}
    )
    one_in_one_refused(results, EMAIL_TAKEN)
    assert User.objects.filter(email__iexact="layla@example.com").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_at_once_with_usernames_differing_in_case_give_one_account_and_a_form_error(monkeypatch):
    results = sign_up_at_once(
        monkeypatch, {**SIGNUP, "username": "layla"}, {**SIGNUP, "username": "LAYLA", "email": "other@example.com"}
    )
    one_in_one_refused(results, USERNAME_TAKEN)
    assert User.objects.filter(username__iexact="layla").count() == 1


@pytest.mark.django_db
def test_a_sign_up_that_loses_the_race_at_the_insert_gets_the_form_error(client, monkeypatch):
    """The other sign-up commits between this one's check and its insert: the unique index
    refuses the insert, and the form says why."""
    refuse_taken = services._refuse_taken
    calls = []

    def check_then_the_other_sign_up_commits(**kwargs):
        calls.append(kwargs)
        refuse_taken(**kwargs)
        if len(calls) == 1:
            UserFactory(username="Layla", email="someone@example.com")

    monkeypatch.setattr(services, "_refuse_taken", check_then_the_other_sign_up_commits)
    response = client.post("/ar/accounts/signup/", SIGNUP)
    assert response.status_code == 200
    assert "اسم المستخدم هذا مستخدم" in response.text
    assert "username" in response.context["form"].errors
    assert len(calls) == 2  # checked again after the insert failed
    assert User.objects.filter(username__iexact="layla").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_username_or_email_differing_only_in_case():
    UserFactory(username="Layla", email="layla@example.com")
    for username, email in (("LAYLA", "other@example.com"), ("other", "LAYLA@example.com")):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username=username, email=email, name_latin="X", name_arabic="س")


@pytest.mark.django_db
def test_a_username_differing_only_in_case_is_taken_at_sign_up(client):
    UserFactory(username="Layla", email="first@example.com")
    response = client.post("/ar/accounts/signup/", {**SIGNUP, "username": "lAYLA"})
    assert response.status_code == 200 and "اسم المستخدم هذا مستخدم" in response.text
    assert User.objects.filter(username__iexact="layla").count() == 1
