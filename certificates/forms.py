import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NamesMixin
from accounts.validators import clean_public_text

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
