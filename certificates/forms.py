import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NamesMixin
from accounts.validators import clean_public_text

from .credentials import MAX_TEXT
from .models import code_readable

CODE_PATTERN = r"^[A-Za-z0-9_-]{8,64}\Z"


class NamesConfirmForm(NamesMixin, forms.Form):
    name_arabic = forms.CharField(
        label=_("Name in Arabic"),
        max_length=150,
        help_text=_("Printed on the Arabic certificate."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    name_latin = forms.CharField(
        label=_("Name in Latin letters"),
        max_length=150,
        help_text=_("Printed on the English certificate."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=80,
        strip=True,
        help_text=_("The code printed under the QR code of the certificate, in any case, with or without dashes."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        """The stored form of the code (readable codes in any case, dashes or not; older codes as they are)."""
        value = self.cleaned_data["code"]
        readable = code_readable(value)
        if readable is not None:
            return readable
        if not re.match(CODE_PATTERN, value):
            raise forms.ValidationError(
                _("A certificate code has letters, digits and dashes only, like 7ZK3-M9QD-…"), code="invalid"
            )
        return value


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Shown on the public verification page."),
    )

    def clean_reason(self):
        return clean_public_text(self.cleaned_data["reason"])


class CredentialCheckForm(forms.Form):
    """The verifier's second form: a pasted credential, or an uploaded PDF certificate (one of them)."""

    credential = forms.CharField(
        label=_("Paste a credential"),
        required=False,
        max_length=MAX_TEXT,
        strip=True,
        help_text=_("The content of a .jwt credential file, or a credential's JSON."),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "ltr", "spellcheck": "false", "autocomplete": "off"}),
    )
    certificate = forms.FileField(
        label=_("Or upload a PDF certificate"),
        required=False,
        help_text=_("A PDF of at most 5 MB. It is read to check it, then forgotten: nothing is kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("credential")) == bool(data.get("certificate")):
            raise forms.ValidationError(
                _("Paste a credential or choose a PDF certificate (one of the two)."), code="one_of_two"
            )
        return data
