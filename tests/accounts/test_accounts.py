import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

GOOD = {
    "username": "layla",
    "email": "layla@example.com",
    "name_latin": "Layla Hassan",
    "name_arabic": "ليلى حسن",
    "preferred_language": "ar",
    "organization_code": "",
    "password1": "a-long-Secret-77",
    "password2": "a-long-Secret-77",
}


def test_signup_creates_a_trainee_and_logs_in(client, demo_course):
    org = OrganizationFactory(join_code="ACME-1")
    response = client.post("/en/accounts/signup/", {**GOOD, "organization_code": "ACME-1"})
    assert response.status_code == 302 and response.url == "/ar/"
    user = User.objects.get(username="layla")
    assert user.role == "trainee" and user.organization == org and user.name_arabic == "ليلى حسن"
    assert client.get("/ar/accounts/profile/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message_ar"),
    [
        ({"username": "taken"}, "username", "اسم المستخدم هذا مستخدم"),
        ({"email": "TAKEN@example.com"}, "email", "يوجد حساب بهذا البريد"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "كلمة المرور"),
        ({"name_arabic": ""}, "name_arabic", "هذا الحقل مطلوب"),
        ({"name_arabic": "Layla"}, "name_arabic", "بالحروف العربية"),
        ({"organization_code": "nope"}, "organization_code", "لا توجد جهة"),
        ({"password2": "different-Secret-77"}, "password2", "كلمتا المرور مختلفتان"),
    ],
)
def test_signup_bad_input_gets_a_translated_message(client, demo_course, changes, field, message_ar):
    UserFactory(username="taken", email="taken@example.com")
    before = User.objects.count()
    response = client.post("/ar/accounts/signup/", {**GOOD, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message_ar in response.text
    assert User.objects.count() == before


def test_login_and_logout(client, demo_course):
    UserFactory(username="omar", preferred_language="en")
    response = client.post("/en/accounts/login/", {"username": "omar", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == "/en/"
    assert "_auth_user_id" in client.session
    client.post("/en/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_failed_logins_lock_out_with_a_translated_page(client, demo_course):
    UserFactory(username="omar")
    for _ in range(5):
        client.post("/ar/accounts/login/", {"username": "omar", "password": "wrong"})
    response = client.post("/ar/accounts/login/", {"username": "omar", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "محاولات" in response.text and 'dir="rtl"' in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_not_global(client, demo_course):
    UserFactory(username="omar")
    UserFactory(username="sara")
    for _ in range(5):
        client.post("/en/accounts/login/", {"username": "omar", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    ok = client.post(
        "/en/accounts/login/", {"username": "sara", "password": "correct-horse-battery"}, REMOTE_ADDR="10.0.0.2"
    )
    assert ok.status_code == 302


def test_password_reset_does_not_reveal_whether_an_email_exists(
    client, demo_course, eager_celery, django_capture_on_commit_callbacks
):
    UserFactory(username="omar", email="omar@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # the mail is sent by a task
        known = client.post("/en/accounts/password-reset/", {"email": "omar@example.com"})
        unknown = client.post("/en/accounts/password-reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1 and "omar@example.com" in mail.outbox[0].to


def test_profile_updates_names_until_they_are_confirmed(client, demo_course):
    user = UserFactory()
    client.force_login(user)
    client.post(
        "/en/accounts/profile/", {"name_latin": "New Name", "name_arabic": "اسم جديد", "preferred_language": "ar"}
    )
    user.refresh_from_db()
    assert (user.name_latin, user.name_arabic, user.preferred_language) == ("New Name", "اسم جديد", "ar")
    from accounts.services import user_names_confirm

    user_names_confirm(user=user, name_latin="New Name", name_arabic="اسم جديد")
    client.post("/en/accounts/profile/", {"name_latin": "Other", "name_arabic": "آخر", "preferred_language": "en"})
    user.refresh_from_db()
    assert user.name_latin == "New Name" and user.preferred_language == "en"


def test_names_with_markup_are_refused(client, demo_course):
    response = client.post("/en/accounts/signup/", {**GOOD, "name_latin": "<script>alert(1)</script>"})
    assert "name_latin" in response.context["form"].errors
    assert not User.objects.filter(username="layla").exists()


def test_seed_demo_is_idempotent(client, demo_course):
    call_command("seed_demo")
    first = sorted(User.objects.values_list("username", "role", "organization__name"))
    call_command("seed_demo")
    assert sorted(User.objects.values_list("username", "role", "organization__name")) == first
    assert {u for u, _r, _o in first} == {"trainee", "hr", "editor", "admin"}
    response = client.post("/en/accounts/login/", {"username": "trainee", "password": "masar-demo"})
    assert response.status_code == 302
    assert User.objects.get(username="editor").can_use_wagtail_admin
    assert User.objects.get(username="hr").is_hr
