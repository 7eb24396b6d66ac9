"""What an invitation link says when it cannot sign anyone up: revoked or expired (410, the reason and
what to do), the invited address taken since by an account of another organization, or someone
signed in (409, nothing joined, nobody signed in or out). Never a silent join."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, User
from tests.factories import HRFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "invitee",
    "name_latin": "Ina Invitee",
    "name_arabic": "إينا",
    "preferred_language": "en",
    "password1": "a-long-Secret-77",
    "password2": "a-long-Secret-77",
}


@pytest.fixture
def invitation(organization):
    return Invitation.objects.create(
        organization=organization,
        email="ina@example.com",
        invited_by=HRFactory(organization=organization),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


def link(invitation, language="en") -> str:
    return f"/{language}/accounts/invitations/{invitation.token}/"


def nobody_joined(invitation) -> bool:
    invitation.refresh_from_db()
    return invitation.accepted_at is None and not User.objects.filter(username=SIGNUP["username"]).exists()


def test_an_open_link_shows_the_sign_up_form_and_joins_the_organization(client, invitation, organization):
    page = client.get(link(invitation))
    assert page.status_code == 200 and "Create your account" in page.text and "ina@example.com" in page.text
    assert client.post(link(invitation), SIGNUP).status_code == 302
    assert User.objects.get(username="invitee").organization == organization


def test_a_revoked_link_says_so_and_signs_nobody_up(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    page = client.get(link(invitation))
    assert page.status_code == 410
    assert "This invitation link no longer works" in page.text and "withdrew this invitation" in page.text
    assert "password1" not in page.text
    assert client.post(link(invitation), SIGNUP).status_code == 410 and nobody_joined(invitation)
    arabic = client.get(link(invitation, "ar"))
    assert arabic.status_code == 410 and "سحب فريق الموارد البشرية هذه الدعوة" in arabic.text


def test_an_expired_link_says_so_and_signs_nobody_up(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(link(invitation))
    assert page.status_code == 410 and "This invitation link has expired" in page.text
    assert "password1" not in page.text
    assert client.post(link(invitation), SIGNUP).status_code == 410 and nobody_joined(invitation)
    assert "انتهت صلاحية رابط الدعوة هذا" in client.get(link(invitation, "ar")).text
    # A link that never existed (or an old token of an invitation sent again): the general message.
    unknown = client.get("/en/accounts/invitations/no-such-token/")
    assert unknown.status_code == 410 and "it was used, revoked or has expired" in unknown.text


def test_the_invited_address_now_a_member_of_another_organization_is_refused_with_a_message(client, invitation):
    rival = OrganizationFactory(name="Rival Co")
    member = UserFactory(organization=rival, email="INA@example.com")
    page = client.get(link(invitation))
    assert page.status_code == 409
    assert "already exists in another organization" in page.text and "password1" not in page.text
    assert client.post(link(invitation), SIGNUP).status_code == 409 and nobody_joined(invitation)
    member.refresh_from_db()
    assert member.organization == rival  # never moved silently
    assert "في مؤسسة أخرى" in client.get(link(invitation, "ar")).text


def test_a_signed_in_trainee_of_another_organization_gets_a_clear_message_and_never_joins(client, invitation):
    rival = OrganizationFactory(name="Rival Co")
    trainee_b = UserFactory(organization=rival, name_latin="Basel Other", email="basel@example.com")
    client.force_login(trainee_b)
    page = client.get(link(invitation))
    assert page.status_code == 409
    assert "You are signed in as Basel Other" in page.text and "ina@example.com" in page.text
    assert "nothing was changed" in page.text and "password1" not in page.text
    response = client.post(link(invitation), SIGNUP)
    assert response.status_code == 409 and nobody_joined(invitation)
    trainee_b.refresh_from_db()
    assert trainee_b.organization == rival
    # Still signed in as themselves: the session was not switched to a new account.
    assert client.get("/en/learn/").context["user"].pk == trainee_b.pk
    arabic = client.get(link(invitation, "ar"))
    assert arabic.status_code == 409 and "أنت مسجّل الدخول باسم" in arabic.text


def test_a_used_link_says_so_and_an_address_that_joined_meanwhile_is_told_to_log_in(client, invitation, organization):
    Client().post(link(invitation), SIGNUP)  # accepted in one browser ...
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    page = client.get(link(invitation))  # ... and opened again
    assert page.status_code == 410 and "already used to create an account" in page.text
    # Another open invitation of the organization whose address joined meanwhile (with the join code).
    second = Invitation.objects.create(
        organization=organization, email="joined@example.com", expires_at=timezone.now() + datetime.timedelta(days=7)
    )
    UserFactory(organization=organization, email="joined@example.com")
    again = client.get(link(second))
    assert again.status_code == 409 and "is already a member of" in again.text and "Log in with it." in again.text
