"""HR invites trainees by email, one by one or from a CSV; the link signs the person up into the
organization, expires, can be revoked and sent again; the join code can be turned off."""

import datetime
import re
import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, User
from hr.forms import MAX_UPLOAD_ROWS
from tests.factories import HRFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newcomer",
    "name_latin": "Nadia Newcomer",
    "name_arabic": "نادية",
    "preferred_language": "ar",
    "password1": "a-long-Secret-77",
    "password2": "a-long-Secret-77",
}


@pytest.fixture
def hr(organization):
    return HRFactory(organization=organization, preferred_language="en")


@pytest.fixture
def hr_client(client, hr):
    client.force_login(hr)
    return client


@pytest.fixture
def sending(eager_celery, django_capture_on_commit_callbacks):
    """Run what the request queues on commit (the emails) in the test, as a worker would after it."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def link_of(message) -> str:
    return re.search(r"http://\S+/accounts/invitations/[\w-]+/", message.body).group(0)


def upload(client, content: bytes, name="emails.csv", language="en"):
    return client.post(
        "/en/hr/invitations/upload/", {"file": SimpleUploadedFile(name, content, "text/csv"), "language": language}
    )


def test_an_invitation_signs_the_person_up_into_the_organization(hr_client, organization, sending):
    with sending():
        response = hr_client.post("/en/hr/invitations/", {"email": "Nadia@Example.com", "language": "ar"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["nadia@example.com"]
    assert organization.name in message.subject and "تدعوك" in message.subject  # in the invitation's language
    assert "١٤" in message.body  # 14 days, in Arabic digits
    link = link_of(message)
    path = link.removeprefix("http://testserver").removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/ar/accounts/invitations/")
    visitor = Client()
    form = visitor.get(path)
    assert form.status_code == 200
    assert re.search(r'<input type="email" name="email" value="nadia@example.com"[^>]*disabled', form.text)
    assert "organization_code" not in form.text
    # A changed address in the post is ignored: the invited one is used.
    done = visitor.post(path, {**SIGNUP, "email": "someone-else@example.com"})
    assert done.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.email == "nadia@example.com" and user.organization == organization and user.role == "trainee"
    invitation = Invitation.objects.get()
    assert invitation.accepted_at and invitation.user == user
    # Used once: the link no longer works, and says so.
    again = Client().get(path)
    assert again.status_code == 410 and "لم يعد يعمل" in again.text
    assert "Accepted" in hr_client.get("/en/hr/invitations/").text


def test_links_expire_can_be_revoked_and_sent_again(hr_client, sending, settings):
    settings.INVITATION_DAYS = 3
    with sending():
        hr_client.post("/en/hr/invitations/", {"email": "a@example.com", "language": "en"})
    invitation = Invitation.objects.get()
    assert (invitation.expires_at - timezone.now()).days in (2, 3)
    path = f"/en/accounts/invitations/{invitation.token}/"
    assert Client().get(path).status_code == 200
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert Client().get(path).status_code == 410
    # Sent again: a new link, a new expiry; the old link stays dead.
    with sending():
        assert hr_client.post(f"/en/hr/invitations/{invitation.pk}/resend/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.token not in path and invitation.expires_at > timezone.now()
    assert len(mail.outbox) == 2 and invitation.token in mail.outbox[1].body
    assert Client().get(path).status_code == 410
    new_path = f"/en/accounts/invitations/{invitation.token}/"
    assert hr_client.post(f"/en/hr/invitations/{invitation.pk}/revoke/").status_code == 302
    assert Client().get(new_path).status_code == 410
    assert Client().post(new_path, {**SIGNUP, "email": "a@example.com"}).status_code == 410
    assert not User.objects.filter(username="newcomer").exists()


def test_someone_of_another_organization_is_refused_and_a_member_is_reported(hr_client, organization):
    UserFactory(email="taken@example.com", organization=OrganizationFactory(name="Rival"))
    UserFactory(email="mine@example.com", organization=organization)
    refused = hr_client.post("/en/hr/invitations/", {"email": "TAKEN@example.com", "language": "en"})
    assert refused.status_code == 400 and "account in another organization" in refused.text
    member = hr_client.post("/en/hr/invitations/", {"email": "mine@example.com", "language": "en"})
    assert member.status_code == 400 and "Already a member of your organization" in member.text
    arabic = hr_client.post("/ar/hr/invitations/", {"email": "taken@example.com", "language": "ar"})
    assert "مؤسسة أخرى" in arabic.text
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_join_code_can_be_turned_off(hr_client, organization):
    data = {**SIGNUP, "email": "self@example.com", "organization_code": organization.join_code}
    hr_client.post("/en/hr/invitations/join-code/", {"enabled": "0"})
    organization.refresh_from_db()
    assert organization.join_code_enabled is False
    refused = Client().post("/en/accounts/signup/", data)
    assert refused.status_code == 200 and "by invitation only" in refused.text
    assert not User.objects.filter(email="self@example.com").exists()
    hr_client.post("/en/hr/invitations/join-code/", {"enabled": "1"})
    assert Client().post("/en/accounts/signup/", data).status_code == 302
    assert User.objects.get(email="self@example.com").organization == organization


def test_hr_of_another_organization_cannot_revoke_or_resend(client, organization):
    Invitation.objects.create(
        organization=organization, email="x@example.com", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    invitation = Invitation.objects.get()
    client.force_login(HRFactory(organization=OrganizationFactory(name="Rival")))
    assert client.post(f"/en/hr/invitations/{invitation.pk}/revoke/").status_code == 404
    assert client.post(f"/en/hr/invitations/{invitation.pk}/resend/").status_code == 404
    assert "x@example.com" not in client.get("/en/hr/invitations/").text
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- CSV uploads ---------------------------------------------------------------------


def test_a_csv_invites_its_valid_rows_and_lists_the_others_by_line(hr_client, organization, sending):
    UserFactory(email="rival@example.com", organization=OrganizationFactory(name="Rival"))
    UserFactory(email="member@example.com", organization=organization)
    rows = [
        "name,email",  # 1: a header
        "Amal,amal@example.com",  # 2
        "Bad,not-an-email",  # 3
        "Twice,AMAL@example.com",  # 4: a repeat of line 2
        "Formula,\"=cmd|' /C calc'!A0\"",  # 5: a formula is text, not an address
        "Rival,rival@example.com",  # 6: another organization's
        "Member,member@example.com",  # 7
        "",  # 8: blank, skipped
        "Basma,basma@example.com",  # 9
    ]
    with sending():
        response = upload(hr_client, "\n".join(rows).encode("utf-8"))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.sent == 2
    assert [line for line, _cell, _message in report.problems] == [3, 4, 5, 6, 7]
    assert "Repeats line 2" in response.text and "=cmd|" in response.text
    assert "another organization" in response.text and "Already a member" in response.text
    assert "2 invitations sent" in response.text and "5 rows were not invited" in response.text
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["amal@example.com", "basma@example.com"]
    assert sorted(m.to[0] for m in mail.outbox) == ["amal@example.com", "basma@example.com"]


@pytest.mark.parametrize(
    "content",
    [
        b"email\nsara@example.com\nomar@example.com\n",
        "\ufeffemail\nsara@example.com\nomar@example.com\n".encode("utf-8"),  # UTF-8 with a BOM (Excel)
        "email\tname\r\nsara@example.com\tسارة\r\nomar@example.com\tعمر\r\n".encode("utf-16"),  # Excel "Unicode text"
        "البريد الإلكتروني;الاسم\nsara@example.com;سارة\nomar@example.com;عمر\n".encode("utf-8-sig"),
    ],
    ids=["utf8", "utf8-bom", "utf16-tabs", "semicolons"],
)
def test_the_encodings_excel_writes_are_read(hr_client, content):
    response = upload(hr_client, content)
    assert response.status_code == 200 and response.context["report"].problems == []
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["omar@example.com", "sara@example.com"]


def test_an_undecodable_file_is_refused_whole_with_a_clear_message(hr_client):
    cp1256 = "email,الاسم\nsara@example.com,سارة\n".encode("cp1256")
    response = upload(hr_client, cp1256)
    assert response.status_code == 400 and "CSV UTF-8" in response.text
    arabic = hr_client.post(
        "/ar/hr/invitations/upload/", {"file": SimpleUploadedFile("e.csv", cp1256), "language": "ar"}
    )
    assert arabic.status_code == 400 and "UTF-8" in arabic.text and "ليس نصًّا" in arabic.text
    assert upload(hr_client, b"\x00\x01\x02PK binary").status_code == 400
    assert upload(hr_client, b"").status_code == 400
    assert not Invitation.objects.exists()


def test_ten_thousand_rows_are_invited_and_one_more_is_refused(hr_client):
    assert MAX_UPLOAD_ROWS == 10_000
    emails = [f"trainee{i}@example.com" for i in range(MAX_UPLOAD_ROWS)]
    started = time.monotonic()
    response = upload(hr_client, ("\n".join(emails) + "\n").encode("utf-8"))
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.context["report"].sent == MAX_UPLOAD_ROWS
    assert Invitation.objects.count() == MAX_UPLOAD_ROWS
    assert elapsed < 60
    too_many = upload(hr_client, ("\n".join(emails + ["one.more@example.com"]) + "\n").encode("utf-8"))
    assert too_many.status_code == 400 and "more than 10000 rows" in too_many.text
    assert not Invitation.objects.filter(email="one.more@example.com").exists()


def test_nothing_is_half_imported_when_the_writing_fails(hr_client, monkeypatch):
    from accounts.models import Invitation as Model

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Model.objects, "bulk_update", broken)
    UserFactory(email="x@example.com")  # not needed for the failure; the file has new addresses only
    Invitation.objects.create(
        organization=hr_client.get("/en/hr/").context["organization"],
        email="renew@example.com",
        expires_at=timezone.now(),
    )
    with pytest.raises(RuntimeError):
        upload(hr_client, b"new1@example.com\nnew2@example.com\nrenew@example.com\n")
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["renew@example.com"]
