"""A trainee's extra time (WCAG 2.2.1 Timing Adjustable): the choices and what they give, who may
set it, its log, bad values, the Django admin, and that a change shows on the trainee's next
request (accounts/backends.py keeps signed-in users' rows per process)."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from accounts.models import ExtraTime, ExtraTimeChange, User
from accounts.services import extra_time_can_set, extra_time_set
from quizzes.models import Quiz
from tests.factories import EditorFactory, HRFactory, OrganizationFactory, SupportFactory, UserFactory
from tests.quizzes.factories import question_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(organization):
    return HRFactory(organization=organization)


@pytest.fixture
def timed_quiz(locales):
    quiz = Quiz.objects.create(
        locale=locales["en"], translation_key=uuid.uuid4(), title="Timed quiz", pass_mark=70, time_limit_minutes=30
    )
    question_add(quiz, "single", 1)
    return quiz


def user_admin(**fields):
    """Staff who may change users in the Django admin (the right, not a role)."""
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "view_user"]))
    return User.objects.get(pk=user.pk)  # a fresh copy: permissions are cached on the object


# The choices ---------------------------------------------------------------------------------


def test_the_choices_are_none_and_the_four_extensions():
    assert ExtraTime.values == ["", "1.25", "1.5", "2", "unlimited"]
    assert User._meta.get_field("extra_time").default == ""


@pytest.mark.parametrize(
    ("value", "base", "allowed"),
    [
        ("", 30, 30),
        ("1.25", 30, 38),  # 37.5 rounded up: never less than the promise
        ("1.5", 30, 45),
        ("2", 30, 60),
        ("unlimited", 30, None),
        ("1.25", 120, 150),  # seconds work the same way
        ("2", 0, 0),  # untimed stays untimed
        ("2", None, None),
    ],
)
def test_allowed_time(value, base, allowed):
    assert User(extra_time=value).allowed_time(base) == allowed


def test_the_labels_are_translated():
    from django.utils import translation

    with translation.override("ar"):
        labels = [str(label) for label in ExtraTime.labels]
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in label) for label in labels), labels


# Who may set it ------------------------------------------------------------------------------


def test_hr_of_the_trainees_organization_sets_it_and_it_is_logged(hr, trainee):
    extra_time_set(actor=hr, user=trainee, value="1.5", reason="Agreed accommodation")
    trainee.refresh_from_db()
    assert trainee.extra_time == "1.5"
    change = ExtraTimeChange.objects.get(user=trainee)
    assert (change.changed_by, change.old, change.new, change.reason) == (hr, "", "1.5", "Agreed accommodation")
    assert change.changed_at is not None


def test_every_change_is_a_row_and_the_same_value_again_is_none(hr, trainee):
    for value in ("1.25", "unlimited", "unlimited", ""):
        extra_time_set(actor=hr, user=trainee, value=value)
    rows = list(ExtraTimeChange.objects.filter(user=trainee).order_by("pk").values_list("old", "new"))
    assert rows == [("", "1.25"), ("1.25", "unlimited"), ("unlimited", "")]


@pytest.mark.parametrize(
    "make_actor",
    [
        pytest.param(lambda org: HRFactory(organization=OrganizationFactory(name="Another Org")), id="hr-other-org"),
        pytest.param(lambda org: UserFactory(organization=org), id="trainee-colleague"),
        pytest.param(lambda org: EditorFactory(organization=org), id="editor"),
        pytest.param(lambda org: UserFactory(is_staff=True), id="staff-without-the-right"),
        pytest.param(lambda org: SupportFactory(), id="support-without-the-right"),
        pytest.param(lambda org: HRFactory(organization=org, is_active=False), id="inactive-hr"),
    ],
)
def test_anyone_else_is_refused_and_nothing_changes(make_actor, organization, trainee):
    actor = make_actor(organization)
    with pytest.raises(PermissionDenied) as error:
        extra_time_set(actor=actor, user=trainee, value="2")
    assert "HR" in str(error.value)
    trainee.refresh_from_db()
    assert trainee.extra_time == ""
    assert not ExtraTimeChange.objects.exists()


def test_a_trainee_cannot_give_themselves_extra_time(trainee):
    with pytest.raises(PermissionDenied):
        extra_time_set(actor=trainee, user=trainee, value="unlimited")
    assert User.objects.get(pk=trainee.pk).extra_time == ""


def test_hr_sets_it_for_trainees_only(hr, organization):
    colleague = HRFactory(organization=organization)
    assert not extra_time_can_set(actor=hr, user=colleague)
    with pytest.raises(PermissionDenied):
        extra_time_set(actor=hr, user=colleague, value="2")


@pytest.mark.parametrize(
    "make_actor",
    [
        pytest.param(lambda: UserFactory(is_staff=True, is_superuser=True), id="superuser"),
        pytest.param(user_admin, id="staff-who-may-change-users"),
    ],
)
def test_staff_who_may_change_users_set_it_for_anyone(make_actor, trainee):
    actor = make_actor()
    extra_time_set(actor=actor, user=trainee, value="2")
    assert User.objects.get(pk=trainee.pk).extra_time == "2"
    assert ExtraTimeChange.objects.get(user=trainee).changed_by == actor


# Bad values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["3", "1.50", "x2", "UNLIMITED", " 2", "none", None, 2, "0"])
def test_a_value_not_in_the_list_is_refused_with_nothing_changed(hr, trainee, value):
    extra_time_set(actor=hr, user=trainee, value="1.25")
    with pytest.raises(ValidationError) as error:
        extra_time_set(actor=hr, user=trainee, value=value)
    assert error.value.code == "invalid_extra_time"
    assert User.objects.get(pk=trainee.pk).extra_time == "1.25"
    assert ExtraTimeChange.objects.count() == 1


def test_a_reason_too_long_is_refused(hr, trainee):
    with pytest.raises(ValidationError):
        extra_time_set(actor=hr, user=trainee, value="2", reason="x" * 301)
    assert User.objects.get(pk=trainee.pk).extra_time == ""


def test_refusals_are_translated(hr, trainee):
    from django.utils import translation

    with translation.override("ar"):
        with pytest.raises(ValidationError) as bad:
            extra_time_set(actor=hr, user=trainee, value="3")
        with pytest.raises(PermissionDenied) as refused:
            extra_time_set(actor=trainee, user=trainee, value="2")
    for message in (bad.value.messages[0], str(refused.value)):
        assert any("\u0600" <= ch <= "\u06ff" for ch in message), message


# The Django admin ----------------------------------------------------------------------------


def admin_post(user: User, **changes) -> dict:
    """The admin's change form of `user` as posted, with `changes`."""
    data = {
        "username": user.username,
        "email": user.email,
        "name_latin": user.name_latin,
        "name_arabic": user.name_arabic,
        "preferred_language": user.preferred_language,
        "role": user.role,
        "organization": user.organization_id or "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
        "extra_time": user.extra_time,
        "extra_time_reason": "",
        "extra_time_changes-TOTAL_FORMS": "0",
        "extra_time_changes-INITIAL_FORMS": "0",
        "extra_time_changes-MIN_NUM_FORMS": "0",
        "extra_time_changes-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_staff_set_it_in_the_django_admin_and_the_change_is_logged(client, trainee):
    staff = user_admin()
    client.force_login(staff)
    url = f"/django-admin/accounts/user/{trainee.pk}/change/"
    response = client.post(url, admin_post(trainee, extra_time="unlimited", extra_time_reason="Medical note"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    trainee.refresh_from_db()
    assert trainee.extra_time == "unlimited"
    change = ExtraTimeChange.objects.get(user=trainee)
    assert (change.changed_by, change.old, change.new, change.reason) == (staff, "", "unlimited", "Medical note")
    page = client.get(url).text
    assert "Medical note" in page  # the log, read only, on the user's page
    assert 'name="extra_time_changes-0-reason"' not in page


def test_the_admin_refuses_a_value_not_in_the_list(client, trainee):
    client.force_login(user_admin())
    response = client.post(f"/django-admin/accounts/user/{trainee.pk}/change/", admin_post(trainee, extra_time="3"))
    assert response.status_code == 200  # the form again, with its error
    assert response.context["adminform"].form.errors["extra_time"]
    assert User.objects.get(pk=trainee.pk).extra_time == ""
    assert not ExtraTimeChange.objects.exists()


def test_saving_a_user_in_the_admin_without_changing_it_logs_nothing(client, trainee):
    client.force_login(user_admin())
    response = client.post(f"/django-admin/accounts/user/{trainee.pk}/change/", admin_post(trainee))
    assert response.status_code == 302
    assert not ExtraTimeChange.objects.exists()


# The next request ----------------------------------------------------------------------------


def quiz_page(client, quiz) -> str:
    return client.get(f"/en/quizzes/{quiz.pk}/").text


def test_a_change_shows_on_the_trainees_next_request(hr, trainee, timed_quiz):
    client = Client()
    client.force_login(trainee)
    assert "Time limit: 30 minutes." in quiz_page(client, timed_quiz)
    hr_client = Client()
    hr_client.force_login(hr)
    assert hr_client.post(f"/en/hr/trainees/{trainee.pk}/", {"extra_time": "2"}).status_code == 302
    assert "Time limit: 60 minutes (extended from 30)." in quiz_page(client, timed_quiz)
    User.objects.filter(pk=trainee.pk).update(extra_time="unlimited")  # a bulk write, no signal
    assert "No time limit (extended from 30 minutes)." in quiz_page(client, timed_quiz)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_change_by_another_process_shows_on_the_next_request(locales):
    """The row is kept in this process; another process's write drops it through the trigger."""
    import time

    import psycopg

    from accounts import backends
    from core import notifications

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's LISTEN/NOTIFY; SQLite reads the user on every request")
    backends.install()
    deadline = time.monotonic() + 10
    while not notifications.listening() and time.monotonic() < deadline:
        time.sleep(0.05)
    quiz = Quiz.objects.create(
        locale=locales["en"], translation_key=uuid.uuid4(), title="Timed", pass_mark=70, time_limit_minutes=20
    )
    question_add(quiz, "single", 1)
    trainee = UserFactory()
    client = Client()
    client.force_login(trainee)
    assert "Time limit: 20 minutes." in quiz_page(client, quiz)
    assert "Time limit: 20 minutes." in quiz_page(client, quiz)
    assert backends._known._rows.get(trainee.pk), "the row should be kept in this process"
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in {"dbname", "user", "password", "host", "port"} and v
    }
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(f"UPDATE {User._meta.db_table} SET extra_time = '1.5' WHERE id = %s", [trainee.pk])
    while backends._known._rows.get(trainee.pk) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "Time limit: 30 minutes (extended from 20)." in quiz_page(client, quiz)
