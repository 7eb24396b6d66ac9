from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.i18n import arabic_text_digits

from . import throttles
from .models import Organization
from .validators import clean_name_arabic, clean_name_latin

User = get_user_model()

# Addresses, user names, Latin names, codes and passwords read left to right in any page
# ("sara@example.com" never shows as "example.com@sara"); free text follows what is typed.
LTR = {"dir": "ltr"}
AUTO = {"dir": "auto"}


def ltr_text(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={**LTR, "autocapitalize": "none", "spellcheck": "false", **attrs})


def ltr_password(**attrs) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={**LTR, **attrs})


def names_first_in_language(form: forms.Form):
    """In the Arabic interface the Arabic name comes first, in the English one the Latin name."""
    if translation.get_language() != "ar":
        return
    order = list(form.fields)
    latin, arabic = order.index("name_latin"), order.index("name_arabic")
    if arabic > latin:
        order[latin], order[arabic] = order[arabic], order[latin]
        form.order_fields(order)


def password_rules() -> str:
    """The password rules as a list, in the page's language: shown before anyone makes a mistake.
    On an Arabic page their numbers are in the interface's digits ("٨ أحرف")."""
    rules = password_validation.password_validators_help_text_html()
    if translation.get_language() == "ar":
        return mark_safe(arabic_text_digits(str(rules)))  # only the digits of the text change
    return rules


class NamesMixin:
    """Names are printed on certificates: the allow-list of accounts.validators (letters of any
    script, a few marks on each, spaces, hyphens, apostrophes, dots). A name frozen for the
    certificates is shown disabled and kept as it is."""

    def clean_name_arabic(self):
        value = self.cleaned_data["name_arabic"]
        return value if self.fields["name_arabic"].disabled else clean_name_arabic(value)

    def clean_name_latin(self):
        value = self.cleaned_data["name_latin"]
        return value if self.fields["name_latin"].disabled else clean_name_latin(value)


class SignupForm(NamesMixin, forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use letters, digits and @/./+/-/_ only.")},
        widget=ltr_text(autocomplete="username"),
    )
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={**LTR, "autocomplete": "email"}))
    name_latin = forms.CharField(
        label=_("Name in Latin letters"),
        max_length=150,
        help_text=_("Printed on the English certificate."),
        widget=forms.TextInput(attrs={**LTR, "autocomplete": "name"}),
    )
    name_arabic = forms.CharField(
        label=_("Name in Arabic"),
        max_length=150,
        help_text=_("Printed on the Arabic certificate."),
        widget=forms.TextInput(attrs=AUTO),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    organization_code = forms.CharField(
        label=_("Organization code (optional)"),
        max_length=32,
        required=False,
        help_text=_("Given by your employer's HR team."),
        widget=ltr_text(),
    )
    password1 = forms.CharField(label=_("Password"), strip=False, widget=ltr_password(autocomplete="new-password"))
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=ltr_password(autocomplete="new-password")
    )

    def __init__(self, *args, client_ip: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_rules()
        names_first_in_language(self)
        self.client_ip = client_ip  # wrong organization codes are throttled per client IP
        self.throttled = False

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Choose another one."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists. Log in or reset your password."))
        return email

    def clean_organization_code(self):
        code = self.cleaned_data["organization_code"].strip()
        if not code:
            return None
        # No guessing of codes: once an IP has typed too many wrong ones, no code is looked up.
        if throttles.blocked("join_code_ip", self.client_ip):
            self.throttled = True
            raise forms.ValidationError(
                _("Too many wrong organization codes. Try again in %(minutes)s minutes.")
                % {"minutes": throttles.minutes("join_code_ip")}
            )
        # Typed in any case: "demo-co" is "DEMO-CO". Should two codes differ only in case, the
        # one typed exactly wins and a code that matches both in another case matches neither.
        matches = list(Organization.objects.filter(join_code__iexact=code)[:2])
        exact = [org for org in matches if org.join_code == code]
        if exact or len(matches) == 1:
            organization = (exact or matches)[0]
            if not organization.join_code_enabled:
                raise forms.ValidationError(
                    _("This organization takes new trainees by invitation only. Ask your HR team for one.")
                )
            return organization
        throttles.hit("join_code_ip", self.client_ip)
        raise forms.ValidationError(_("No organization has this code. Check it with your HR team."))

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                name_latin=cleaned.get("name_latin", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationSignupForm(SignupForm):
    """Sign-up from an invitation's link: the invited address, fixed, and no organization code
    (the invitation says which organization)."""

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["organization_code"]
        self.fields["email"].disabled = True
        self.fields["email"].initial = invitation.email if invitation else ""
        self.fields["email"].help_text = _("The address your invitation was sent to.")

    def clean_email(self):
        # The invited address; an account that has it since is refused by user_signup.
        return self.fields["email"].initial


class ProfileForm(NamesMixin, forms.Form):
    name_latin = forms.CharField(
        label=_("Name in Latin letters"), max_length=150, widget=forms.TextInput(attrs={**LTR, "autocomplete": "name"})
    )
    name_arabic = forms.CharField(label=_("Name in Arabic"), max_length=150, widget=forms.TextInput(attrs=AUTO))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    drill_reminders = forms.BooleanField(
        label=_("Email me the interview drills due each week"),
        required=False,
        help_text=_("One email a week, in your preferred language, when questions are due for practice."),
    )

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        names_first_in_language(self)
        if locked:
            for name in ("name_latin", "name_arabic"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Printed on your certificates; it can no longer change.")


class LoginForm(auth_forms.AuthenticationForm):
    """Django's log-in form, with the user name and password written left to right."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({**LTR, "autocapitalize": "none", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update(LTR)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(LTR)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password after a reset link: the rules under the field, in the page's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.update(LTR)
        self.fields["new_password1"].help_text = password_rules()
