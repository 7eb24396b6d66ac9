from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from . import throttles
from .models import Organization
from .validators import clean_name_arabic, clean_name_latin

User = get_user_model()


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
    )
    email = forms.EmailField(label=_("Email"))
    name_latin = forms.CharField(
        label=_("Name in Latin letters"), max_length=150, help_text=_("Printed on the English certificate.")
    )
    name_arabic = forms.CharField(
        label=_("Name in Arabic"), max_length=150, help_text=_("Printed on the Arabic certificate.")
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    organization_code = forms.CharField(
        label=_("Organization code (optional)"),
        max_length=32,
        required=False,
        help_text=_("Given by your employer's HR team."),
    )
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, client_ip: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
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
        try:
            return Organization.objects.get(join_code=code)
        except Organization.DoesNotExist:
            throttles.hit("join_code_ip", self.client_ip)
            raise forms.ValidationError(_("No organization has this code. Check it with your HR team.")) from None

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


class ProfileForm(NamesMixin, forms.Form):
    name_latin = forms.CharField(label=_("Name in Latin letters"), max_length=150)
    name_arabic = forms.CharField(label=_("Name in Arabic"), max_length=150)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:
            for name in ("name_latin", "name_arabic"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Printed on your certificates; it can no longer change.")
