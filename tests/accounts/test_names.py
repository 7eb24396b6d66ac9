"""Names are an allow-list: letters of any script, a few marks each, spaces, hyphens, apostrophes,
dots (issue 12, item 12). "Bill \u202esetaG" printed as "Bill Gates" and hid from HR's search."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils import timezone

from accounts import services
from accounts.admin import UserChangeForm
from accounts.forms import ProfileForm, SignupForm
from accounts.models import User
from accounts.validators import MARKS_PER_LETTER, clean_person_name, clean_public_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "bill",
    "email": "bill@example.com",
    "name_latin": "Bill Gates",
    "name_arabic": "بيل غيتس",
    "preferred_language": "en",
    "organization_code": "",
    "password1": "a-long-Secret-77",
    "password2": "a-long-Secret-77",
}

INVISIBLE = " (an invisible character)"
# (what is typed, how the error names the character)
REFUSED = [
    ("Bill \u202esetaG", "U+202E" + INVISIBLE),  # RIGHT-TO-LEFT OVERRIDE: shows "Bill Gates"
    ("Bill \u2067Gates\u2069", "U+2067" + INVISIBLE),  # an isolate
    ("Bill\u200bGates", "U+200B" + INVISIBLE),  # zero-width space
    ("Bill\u200dGates", "U+200D" + INVISIBLE),  # zero-width joiner
    ("Bill\u200cGates", "U+200C" + INVISIBLE),  # zero-width non-joiner
    ("\ufeffBill Gates", "U+FEFF" + INVISIBLE),  # byte order mark
    ("Bill\u2060Gates", "U+2060" + INVISIBLE),  # word joiner
    ("Bill \u3164Gates", "U+3164" + INVISIBLE),  # Hangul filler: a "letter" drawn as nothing
    ("Bill\ufe0f Gates", "U+FE0F" + INVISIBLE),  # variation selector
    ("Bill\x07 Gates", "U+0007" + INVISIBLE),  # a control character
    ("\u0301Bill Gates", "U+0301 (a mark on no letter)"),
    ("Bill Gates 2", "“2”"),
    ("Bill@Gates", "“@”"),
    ("<b>Bill</b>", "“<”"),
]


@pytest.mark.parametrize(("typed", "named"), REFUSED)
def test_a_name_with_a_bidi_control_a_zero_width_or_a_stray_character_is_refused_at_sign_up(client, typed, named):
    response = client.post("/en/accounts/signup/", {**SIGNUP, "name_latin": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["name_latin"] == [
        "A name may contain only letters (of any alphabet), spaces, hyphens (-), apostrophes (') and dots (.): "
        f"{named} is not allowed."
    ]
    assert not User.objects.filter(username="bill").exists()


def test_a_name_with_140_combining_marks_is_refused(client):
    response = client.post("/en/accounts/signup/", {**SIGNUP, "name_arabic": "بيل" + "\u0651" * 140})
    assert response.context["form"].errors["name_arabic"] == [
        f"A letter may carry at most {MARKS_PER_LETTER} accents or vowel marks."
    ]
    assert not User.objects.filter(username="bill").exists()


def test_the_name_error_says_what_is_allowed_in_arabic(client):
    response = client.post("/ar/accounts/signup/", {**SIGNUP, "name_latin": "Bill \u202esetaG"})
    assert response.status_code == 200
    assert (
        "لا يحتوي الاسم إلا على حروف (من أي أبجدية) ومسافات وشرطات (-) وفواصل علوية (') ونقاط (.)"
        in (response.context["form"].errors["name_latin"][0])
    )
    assert "U+202E (حرف غير مرئي)" in response.context["form"].errors["name_latin"][0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Zoë   O’Brien-Smith Jr. ", "Zoë O’Brien-Smith Jr."),
        ("Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai"),
        ("Jose\u0301 d'Arc", "José d'Arc"),  # NFC: the accent joins its letter
        ("Zhanna Жанна", "Zhanna Жанна"),
    ],
)
def test_real_names_of_any_script_are_accepted_and_normalised(client, typed, stored):
    response = client.post("/en/accounts/signup/", {**SIGNUP, "name_latin": typed, "name_arabic": "مُحَمَّد عبدُ الرَّحمٰن"})
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="bill")
    assert user.name_latin == stored and user.name_arabic == "مُحَمَّد عبدُ الرَّحمٰن"


def test_the_profile_refuses_the_same_names(client):
    user = UserFactory(name_latin="Bill Gates", name_arabic="بيل غيتس")
    client.force_login(user)
    response = client.post(
        "/en/accounts/profile/",
        {"name_latin": "Bill \u202esetaG", "name_arabic": "بيل غيتس", "preferred_language": "en"},
    )
    assert response.status_code == 200 and "name_latin" in response.context["form"].errors
    user.refresh_from_db()
    assert user.name_latin == "Bill Gates"


def test_a_frozen_name_is_kept_as_it_is_and_the_language_still_saves(client):
    # Frozen before the allow-list: the profile shows it disabled and does not judge it again.
    user = UserFactory(name_latin="Trainee 7", name_arabic="متدرب ٧", names_confirmed_at=timezone.now())
    form = ProfileForm(
        {"name_latin": "x", "name_arabic": "y", "preferred_language": "ar"},
        locked=True,
        initial={"name_latin": user.name_latin, "name_arabic": user.name_arabic},
    )
    assert form.is_valid(), form.errors
    services.user_profile_update(user=user, **form.cleaned_data)
    user.refresh_from_db()
    assert (user.name_latin, user.preferred_language) == ("Trainee 7", "ar")


def test_no_service_writes_a_name_the_forms_refuse():
    with pytest.raises(ValidationError) as refused:
        services.user_signup(
            username="bill",
            email="bill@example.com",
            password="a-long-Secret-77",
            name_latin="Bill \u202esetaG",
            name_arabic="بيل غيتس",
            preferred_language="en",
        )
    assert set(refused.value.message_dict) == {"name_latin"}
    user = UserFactory(name_latin="Bill Gates", name_arabic="بيل غيتس")
    with pytest.raises(ValidationError):
        services.user_profile_update(
            user=user, name_latin="Bill Gates", name_arabic="بيل\u200fغيتس", preferred_language="en"
        )
    with pytest.raises(ValidationError):
        services.user_names_confirm(user=user, name_latin="Bill\u200bGates", name_arabic="بيل غيتس")
    user.refresh_from_db()
    assert (user.name_latin, user.name_arabic, user.names_confirmed_at) == ("Bill Gates", "بيل غيتس", None)


def test_the_admin_user_form_refuses_the_same_names(rf):
    user = UserFactory(name_latin="Bill Gates", name_arabic="بيل غيتس")
    assert admin.site._registry[User].form is UserChangeForm
    form_class = modelform_factory(User, form=UserChangeForm, fields=["name_latin", "name_arabic"])
    form = form_class({"name_latin": "Bill \u202esetaG", "name_arabic": "بيل غيتس"}, instance=user)
    assert not form.is_valid() and "name_latin" in form.errors
    form = form_class({"name_latin": "Bill  Gates", "name_arabic": "بيل غيتس"}, instance=user)
    assert form.is_valid() and form.cleaned_data["name_latin"] == "Bill Gates"


def test_signup_form_and_validator_agree():
    form = SignupForm({**SIGNUP, "name_latin": "Bill\u202eGates"})
    assert not form.is_valid() and "name_latin" in form.errors
    assert clean_person_name(" Ann   Lee ") == "Ann Lee"
    with pytest.raises(ValidationError):
        clean_person_name("a" + "\u0332" * (MARKS_PER_LETTER + 1))  # a low line composes with nothing
    assert clean_person_name("a" + "\u0332" * MARKS_PER_LETTER) == "a" + "\u0332" * MARKS_PER_LETTER


def test_free_text_keeps_punctuation_and_line_breaks_but_no_controls():
    assert clean_public_text(" Issued by mistake (case #12):\r\n\r\n\r\n see HR’s note — 50%. ") == (
        "Issued by mistake (case #12):\n\nsee HR’s note — 50%."
    )
    assert clean_public_text("خطأ في الإصدار، راجع الموارد البشرية.") == "خطأ في الإصدار، راجع الموارد البشرية."
    for typed in ["Fraud \u202edetacilpud", "a\u200bb", "a\x00b", "a\u2066b", "a" + "\u0301" * 9]:
        with pytest.raises(ValidationError):
            clean_public_text(typed)
