"""The Wagtail admin's account page and user forms use Masar's two names: an editor switches the
admin to Arabic and saves, with no "First Name: this field is required"; a superuser edits and
creates users by their Latin and Arabic names."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from accounts.models import User
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would post from the page's form: inputs, selects (their selected or
    first option) and text areas."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._first, self._textarea = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first is None:
                self._first = value
                self.data.setdefault(self._select, value)
            if "selected" in attrs:
                self.data[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(page: str) -> dict:
    parser = FormFields()
    parser.feed(page)
    return {k: v for k, v in parser.data.items() if k != "csrfmiddlewaretoken"}


@pytest.fixture
def editor(db):
    return EditorFactory(first_name="", last_name="", name_latin="Sara Nabil", name_arabic="سارة نبيل")


def test_the_account_page_asks_for_the_two_names_not_first_and_last(client, editor):
    client.force_login(editor)
    page = client.get(reverse("wagtailadmin_account"))
    assert page.status_code == 200
    assert "Name in Latin letters" in page.text and "Name in Arabic" in page.text
    assert "First Name" not in page.text and "Last Name" not in page.text
    data = form_data(page.text)
    assert data["name_email-name_latin"] == "Sara Nabil"
    assert data["name_email-name_arabic"] == "سارة نبيل"


def test_an_editor_switches_the_admin_to_arabic_and_saves(client, editor):
    client.force_login(editor)
    data = form_data(client.get(reverse("wagtailadmin_account")).text)
    data["locale-preferred_language"] = "ar"
    response = client.post(reverse("wagtailadmin_account"), data)
    assert response.status_code == 302, response.context and [
        form.errors for panel in response.context["panels_by_tab"].values() for form in [p.get_form() for p in panel]
    ]
    assert UserProfile.get_for_user(editor).preferred_language == "ar"
    home = client.get(reverse("wagtailadmin_home"))
    assert 'lang="ar"' in home.text and 'dir="rtl"' in home.text
    editor.refresh_from_db()
    assert (editor.name_latin, editor.name_arabic) == ("Sara Nabil", "سارة نبيل")
    # The account page itself, now in Arabic, names the two names.
    page = client.get(reverse("wagtailadmin_account")).text
    assert "الاسم بالعربية" in page or "الاسم باللغة العربية" in page


def test_names_follow_the_rules_of_the_profile(client, editor):
    client.force_login(editor)
    data = form_data(client.get(reverse("wagtailadmin_account")).text)
    data["name_email-name_latin"] = "<script>"
    response = client.post(reverse("wagtailadmin_account"), data)
    assert response.status_code == 200
    editor.refresh_from_db()
    assert editor.name_latin == "Sara Nabil"


def test_an_email_taken_by_someone_else_is_refused(client, editor):
    EditorFactory(email="taken@example.com")
    client.force_login(editor)
    data = form_data(client.get(reverse("wagtailadmin_account")).text)
    data["name_email-email"] = "Taken@Example.com"
    response = client.post(reverse("wagtailadmin_account"), data)
    assert response.status_code == 200
    assert "An account with this email already exists" in response.text


# --- the user forms of Settings → Users (superusers) ------------------------------------------


@pytest.fixture
def admin_client(client, db):
    admin = EditorFactory(is_superuser=True, first_name="", last_name="")
    client.force_login(admin)
    return client


def test_a_superuser_edits_a_user_by_the_two_names(admin_client, editor):
    url = reverse("wagtailusers_users:edit", args=[editor.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Name in Latin letters" in page.text and "First Name" not in page.text
    data = form_data(page.text)
    data["name_latin"] = "Sara N. Nabil"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    editor.refresh_from_db()
    assert editor.name_latin == "Sara N. Nabil" and editor.name_arabic == "سارة نبيل"


def test_a_superuser_creates_a_user_with_the_two_names(admin_client):
    url = reverse("wagtailusers_users:add")
    data = form_data(admin_client.get(url).text)
    data |= {
        "username": "new-editor",
        "email": "new-editor@example.com",
        "name_latin": "Huda Salem",
        "name_arabic": "هدى سالم",
        "password1": "A-long-passphrase-9",
        "password2": "A-long-passphrase-9",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="new-editor")
    assert (user.name_latin, user.name_arabic) == ("Huda Salem", "هدى سالم")


def test_an_editor_cannot_open_the_user_forms(client, editor):
    client.force_login(editor)
    response = client.get(reverse("wagtailusers_users:edit", args=[editor.pk]))
    assert response.status_code == 302 and response.url.rstrip("/") == "/admin"
