"""Languages and forms (issue 15): logging in keeps the page's language, the preferred language
only fills in where the URL names none, fields read in the right direction, the Arabic name
comes first in Arabic, join codes in any case, and the password rules before the first error."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.i18n import arabic_text_digits
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct-horse-battery"


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.content.decode()).group(1)


def input_tag(page: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page)
    assert match, f"no input #{field_id}"
    return match.group(0)


# --- which language ---------------------------------------------------------------------------


@pytest.mark.parametrize(("page_language", "preferred"), [("ar", "en"), ("en", "ar")])
def test_logging_in_keeps_the_language_of_the_login_page(client, page_language, preferred):
    UserFactory(username="sara", preferred_language=preferred)
    response = client.post(f"/{page_language}/accounts/login/", {"username": "sara", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"/{page_language}/"


def test_logging_in_still_goes_to_next(client):
    UserFactory(username="sara", preferred_language="ar")
    response = client.post(
        "/en/accounts/login/", {"username": "sara", "password": PASSWORD, "next": "/en/accounts/profile/"}
    )
    assert response["Location"] == "/en/accounts/profile/"


def test_the_preferred_language_fills_in_only_where_the_url_names_no_language():
    user = UserFactory(username="sara", preferred_language="ar")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    assert client.get("/")["Location"] == "/ar/"  # no language in the URL: the preferred one
    assert html_lang(client.get("/en/accounts/profile/")) == "en"  # the URL's language wins
    assert html_lang(client.get("/verify/")) == "ar"
    # A visitor gets the browser's language.
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/")["Location"] == "/en/"


def test_the_verification_page_follows_the_chosen_language_and_its_switch_works():
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = visitor.get("/verify/ABCD-EFGH/")
    assert html_lang(page) == "en"
    switch = re.search(r'<a href="([^"]+)"[^>]*data-lang="ar"', page.content.decode())
    assert switch, "no link to the Arabic page"
    target = switch.group(1).replace("&amp;", "&")
    assert target == "/verify/ABCD-EFGH/?lang=ar"
    arabic = visitor.get(target)
    assert html_lang(arabic) == "ar" and 'dir="rtl"' in arabic.content.decode()[:200]
    # The choice is remembered: the page without ?lang= (a QR code, the verify form) stays Arabic.
    assert html_lang(visitor.get("/verify/ABCD-EFGH/")) == "ar"
    back = re.search(r'<a href="([^"]+)"[^>]*data-lang="en"', arabic.content.decode()).group(1)
    assert html_lang(visitor.get(back.replace("&amp;", "&"))) == "en"


def test_the_footer_link_to_verification_keeps_the_page_language(client):
    page = client.get("/ar/accounts/login/").content.decode()
    assert 'href="/verify/?lang=ar"' in page


def test_an_unknown_language_parameter_is_ignored():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/verify/?lang=xx")
    assert html_lang(page) == "en" and "django_language" not in page.cookies


# --- fields -----------------------------------------------------------------------------------


def test_addresses_names_and_codes_read_left_to_right_and_free_text_follows_the_text(client):
    page = client.get("/ar/accounts/signup/").content.decode()
    for field in ("id_username", "id_email", "id_name_latin", "id_organization_code", "id_password1"):
        assert 'dir="ltr"' in input_tag(page, field), field
    assert 'dir="auto"' in input_tag(page, "id_name_arabic")
    login = client.get("/ar/accounts/login/").content.decode()
    assert 'dir="ltr"' in input_tag(login, "id_username") and 'dir="ltr"' in input_tag(login, "id_password")
    reset = client.get("/ar/accounts/password-reset/").content.decode()
    assert 'dir="ltr"' in input_tag(reset, "id_email")


@pytest.mark.parametrize(("language", "first"), [("ar", "id_name_arabic"), ("en", "id_name_latin")])
def test_the_arabic_name_comes_first_in_the_arabic_interface(client, language, first):
    second = {"id_name_arabic": "id_name_latin", "id_name_latin": "id_name_arabic"}[first]
    signup = client.get(f"/{language}/accounts/signup/").content.decode()
    assert signup.index(f'id="{first}"') < signup.index(f'id="{second}"')
    client.force_login(UserFactory())
    profile = client.get(f"/{language}/accounts/profile/").content.decode()
    assert profile.index(f'id="{first}"') < profile.index(f'id="{second}"')


def test_the_join_code_is_accepted_in_any_case(client):
    org = OrganizationFactory(name="Demo Co", join_code="DEMO-CO")
    data = {
        "username": "layla",
        "email": "layla@example.com",
        "name_latin": "Layla Hassan",
        "name_arabic": "ليلى حسن",
        "preferred_language": "en",
        "password1": "a-long-Secret-77",
        "password2": "a-long-Secret-77",
        "organization_code": " demo-co ",
    }
    response = client.post("/en/accounts/signup/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="layla").organization == org


def test_of_two_codes_differing_in_case_the_exact_one_wins(client):
    upper = OrganizationFactory(name="Upper", join_code="AbCd-1234")
    OrganizationFactory(name="Lower", join_code="abcd-1234")
    data = {
        "username": "omar",
        "email": "omar@example.com",
        "name_latin": "Omar Ali",
        "name_arabic": "عمر علي",
        "preferred_language": "en",
        "password1": "a-long-Secret-77",
        "password2": "a-long-Secret-77",
        "organization_code": "AbCd-1234",
    }
    assert client.post("/en/accounts/signup/", data).status_code == 302
    assert User.objects.get(username="omar").organization == upper
    ambiguous = client.post(
        "/en/accounts/signup/",
        {**data, "username": "omar2", "email": "o2@example.com", "organization_code": "ABCD-1234"},
    )
    assert ambiguous.status_code == 200 and not User.objects.filter(username="omar2").exists()


def _rule(language: str) -> str:
    """The minimum length rule as the page shows it: in Arabic with the interface's digits."""
    with translation.override(language):
        rule = str(MinimumLengthValidator().get_help_text())
    return arabic_text_digits(rule) if language == "ar" else rule


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_password_rules_are_shown_under_the_field_before_any_error(client, language):
    page = client.get(f"/{language}/accounts/signup/").content.decode()
    assert 'class="errorlist' not in page
    assert _rule(language) in page
    assert language != "ar" or "٨" in _rule("ar")  # "٨ أحرف": the page's digits, not "8"
    assert 'aria-describedby="id_password1_helptext"' in input_tag(page, "id_password1")
    assert 'id="id_password1_helptext"' in page


def test_the_new_password_page_shows_the_rules_in_arabic(client):
    assert _rule("ar") != _rule("en")  # else this test could not tell the languages apart
    user = UserFactory(email="reset@example.com")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(f"/ar/accounts/reset/{uid}/{token}/", follow=True).content.decode()
    assert 'id="id_new_password1"' in page
    assert _rule("ar") in page
    assert 'dir="ltr"' in input_tag(page, "id_new_password1")


def test_the_verification_form_in_a_chosen_language_is_no_failed_query():
    page = Client().get("/verify/?lang=ar")
    assert page.status_code == 200 and html_lang(page) == "ar"
