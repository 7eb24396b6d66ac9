"""Log-in lockout (accounts/lockout.py, accounts/client_ip.py): a (username, client IP) pair is
locked after 5 failures, a success resets only its own pair, one client IP is locked after
LOGIN_IP_FAILURE_LIMIT failures of any usernames, and the client IP comes from a proxy header
only when one is configured."""

import pytest
from django.test import Client, RequestFactory

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"
PASSWORD = "correct-horse-battery"  # tests/factories.py


def log_in(ip: str, username: str, password: str, **headers):
    """One attempt from a fresh browser at address `ip`: 302 in, 200 refused, 429 locked out."""
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(LOGIN, {"username": username, "password": password})
    response.signed_in = "_auth_user_id" in client.session
    return response


def test_a_correct_login_of_another_account_does_not_reset_a_victims_failures():
    UserFactory(username="victim")
    UserFactory(username="attacker")
    for _round in range(3):  # 4 guesses, then the attacker's own account to reset the count
        for _ in range(4):
            log_in("10.0.0.1", "victim", "guess")
        assert log_in("10.0.0.1", "attacker", PASSWORD).status_code == 302
    response = log_in("10.0.0.1", "victim", PASSWORD)
    assert response.status_code == 429 and not response.signed_in


def test_a_correct_login_still_resets_its_own_failures():
    UserFactory(username="omar")
    for _round in range(3):
        for _ in range(4):
            assert log_in("10.0.0.1", "omar", "typo").status_code == 200
        assert log_in("10.0.0.1", "omar", PASSWORD).status_code == 302


def test_failures_for_a_username_from_one_ip_do_not_lock_its_owner_out_from_another():
    UserFactory(username="victim")
    for _ in range(5):
        log_in("10.0.0.66", "victim", "guess")
    assert log_in("10.0.0.66", "victim", PASSWORD).status_code == 429  # the guessing address is stopped
    response = log_in("10.0.0.2", "victim", PASSWORD)  # the owner, at home, is not
    assert response.status_code == 302 and response.signed_in


def test_failures_for_made_up_usernames_do_not_lock_out_the_other_users_of_that_ip():
    UserFactory(username="colleague")
    for n in range(5):
        log_in("10.0.0.3", f"nobody{n}", "guess")
    for _ in range(5):
        log_in("10.0.0.3", "nobody", "guess")
    response = log_in("10.0.0.3", "colleague", PASSWORD)
    assert response.status_code == 302 and response.signed_in


def test_credential_stuffing_from_one_ip_is_stopped_by_the_per_ip_ceiling(settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 12
    UserFactory(username="colleague")
    for n in range(11):  # never 5 for one username
        log_in("10.0.0.4", f"leaked{n}", "leaked-password")
    assert log_in("10.0.0.4", "colleague", PASSWORD).status_code == 302  # below the ceiling
    assert log_in("10.0.0.4", "leaked-last", "leaked-password").status_code == 429  # the 12th failure
    response = log_in("10.0.0.4", "colleague", PASSWORD)  # a success does not lift the ceiling
    assert response.status_code == 429 and not response.signed_in
    arabic = Client(REMOTE_ADDR="10.0.0.4").post("/ar/accounts/login/", {"username": "x", "password": "y"})
    assert arabic.status_code == 429 and "محاولات" in arabic.text
    assert log_in("10.0.0.5", "colleague", PASSWORD).status_code == 302  # other addresses are not concerned


def test_changing_the_case_of_the_username_gives_no_more_guesses():
    UserFactory(username="Victim")
    for spelling in ("victim", "VICTIM", "Victim", "vIcTiM", "victiM"):
        log_in("10.0.0.6", spelling, "guess")
    assert log_in("10.0.0.6", "victim", PASSWORD).status_code == 429


def test_login_accepts_the_username_in_any_case():
    UserFactory(username="Layla")
    response = log_in("10.0.0.7", "layla", PASSWORD)
    assert response.status_code == 302 and response.signed_in


def test_a_forged_forwarded_for_header_is_ignored_by_default():
    UserFactory(username="victim")
    for n in range(5):
        log_in("10.0.0.8", "victim", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert log_in("10.0.0.8", "victim", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_under_its_own_address(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="victim")
    proxy = "10.0.0.254"
    for n in range(5):  # the attacker forges the left part; the proxy appends the real address
        log_in(proxy, "victim", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7")
    attacker = log_in(proxy, "victim", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    assert attacker.status_code == 429
    owner = log_in(proxy, "victim", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert owner.status_code == 302 and owner.signed_in


@pytest.mark.parametrize(
    ("header", "count", "meta", "expected"),
    [
        ("", 1, {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "10.1.1.1"),  # not configured: not trusted
        ("HTTP_X_FORWARDED_FOR", 1, {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}, "203.0.113.7"),
        ("X-Forwarded-For", 2, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7, 10.9.9.9"}, "203.0.113.7"),
        ("HTTP_X_FORWARDED_FOR", 2, {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, "10.1.1.1"),  # too short
        ("HTTP_X_FORWARDED_FOR", 1, {}, "10.1.1.1"),  # missing
        ("HTTP_X_FORWARDED_FOR", 1, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, not-an-ip"}, "10.1.1.1"),
        ("HTTP_X_REAL_IP", 1, {"HTTP_X_REAL_IP": "[2001:db8::1]:443"}, "2001:db8::1"),
        ("HTTP_X_REAL_IP", 1, {"HTTP_X_REAL_IP": "203.0.113.7:51000"}, "203.0.113.7"),
    ],
)
def test_the_client_ip_comes_from_the_configured_proxy_header_only(settings, header, count, meta, expected):
    from accounts.client_ip import client_ip

    settings.TRUSTED_PROXY_HEADER = header
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", **meta)
    assert client_ip(request) == expected
