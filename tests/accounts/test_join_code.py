"""Organization join codes: random by default, and not guessable through the sign-up form (wrong
codes are throttled per client IP)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import Organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "username": "layla",
    "email": "layla@example.com",
    "name_latin": "Layla Hassan",
    "name_arabic": "ليلى حسن",
    "preferred_language": "ar",
    "password1": "a-long-Secret-77",
    "password2": "a-long-Secret-77",
}


def sign_up(ip: str, code: str, n: int, language: str = "en"):
    data = {**SIGNUP, "username": f"layla{n}", "email": f"layla{n}@example.com", "organization_code": code}
    return Client(REMOTE_ADDR=ip).post(f"/{language}/accounts/signup/", data)


def test_guessing_organization_codes_is_throttled_per_ip_with_a_translated_message(settings):
    settings.MASAR_THROTTLES = {**settings.MASAR_THROTTLES, "join_code_ip": (3, 900)}
    org = OrganizationFactory(name="Acme", join_code="ACME-7Q2X")
    for n in range(3):
        wrong = sign_up("10.0.3.1", f"ACME-{n:04d}", n, language="ar")
        assert wrong.status_code == 200 and "لا توجد جهة بهذا الرمز" in wrong.text
    refused = sign_up("10.0.3.1", "ACME-7Q2X", 9, language="ar")  # even the right code, from that IP
    assert refused.status_code == 429
    assert "رموز جهات خاطئة كثيرة" in refused.text and "15" in refused.text
    assert not User.objects.filter(username="layla9").exists()
    elsewhere = sign_up("10.0.3.2", "ACME-7Q2X", 10)
    assert elsewhere.status_code == 302
    assert User.objects.get(username="layla10").organization == org


def test_a_right_code_or_no_code_does_not_count_towards_the_throttle(settings):
    settings.MASAR_THROTTLES = {**settings.MASAR_THROTTLES, "join_code_ip": (1, 900)}
    OrganizationFactory(name="Acme", join_code="ACME-7Q2X")
    assert sign_up("10.0.3.3", "ACME-7Q2X", 1).status_code == 302
    assert sign_up("10.0.3.3", "", 2).status_code == 302
    assert sign_up("10.0.3.3", "ACME-7Q2X", 3).status_code == 302


def test_an_organization_added_in_the_admin_gets_a_random_join_code(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    codes = set()
    for _ in range(2):
        page = client.get("/django-admin/accounts/organization/add/")
        codes.add(re.search(r'name="join_code"[^>]*value="([^"]+)"', page.text).group(1))
    assert len(codes) == 2 and all(len(code) >= 12 for code in codes)
    code = codes.pop()
    response = client.post(
        "/django-admin/accounts/organization/add/", {"name": "Acme", "join_code": code, "initial-join_code": code}
    )
    assert response.status_code == 302
    assert Organization.objects.get(name="Acme").join_code == code
    assert Organization.objects.create(name="Other").join_code not in {code, ""}
