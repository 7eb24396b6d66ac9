"""Revoking a certificate: HR of the holder's organization and support, from the certificate's page."""

import pytest
from django.utils import timezone

from certificates.models import Certificate
from tests.certificates.factories import issued
from tests.factories import EditorFactory, HRFactory, OrganizationFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(trainee, course):
    return issued(trainee, course, render=True)


def test_hr_of_the_organization_revokes_with_a_reason_and_verification_says_so(client, trainee, organization, ready):
    hr = HRFactory(organization=organization)
    client.force_login(hr)
    page = client.get(f"/en/certificates/{ready.code}/")
    assert "Revoke this certificate" in page.text
    empty = client.post(f"/en/certificates/{ready.code}/revoke/", {"reason": "  "})
    assert empty.status_code == 400 and "This field is required." in empty.text  # the form again, on its own page
    assert f'action="/en/certificates/{ready.code}/revoke/"' in empty.text
    assert Certificate.objects.get(pk=ready.pk).status == Certificate.Status.READY

    response = client.post(f"/en/certificates/{ready.code}/revoke/", {"reason": "Issued by mistake"})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Certificate.Status.REVOKED
    assert ready.revoked_by == hr and ready.revoked_reason == "Issued by mistake" and ready.revoked_at

    client.logout()
    data = client.get(f"/verify/{ready.code}/?format=json").json()
    assert data["status"] == "revoked" and data["revoked_reason"] == "Issued by mistake"
    assert data["revoked_on"] == timezone.localdate(ready.revoked_at).isoformat()
    page = client.get(f"/verify/{ready.code}/")
    assert page.status_code == 200 and "Revoked certificate" in page.text and "Issued by mistake" in page.text


@pytest.mark.parametrize(
    "who", ["owner", "another trainee of the organization", "hr of another organization", "an editor (staff)"]
)
def test_others_cannot_revoke(client, trainee, organization, ready, who):
    user = {
        "owner": lambda: trainee,
        "another trainee of the organization": lambda: UserFactory(organization=organization),
        "hr of another organization": lambda: HRFactory(organization=OrganizationFactory(name="Other Org")),
        "an editor (staff)": lambda: EditorFactory(organization=organization),
    }[who]()
    client.force_login(user)
    assert client.post(f"/en/certificates/{ready.code}/revoke/", {"reason": "no"}).status_code == 404
    assert Certificate.objects.get(pk=ready.pk).status == Certificate.Status.READY


def test_support_can_revoke(client, ready):
    client.force_login(SupportFactory())
    assert client.post(f"/en/certificates/{ready.code}/revoke/", {"reason": "Fraud"}).status_code == 302
    assert Certificate.objects.get(pk=ready.pk).status == Certificate.Status.REVOKED
