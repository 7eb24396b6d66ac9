from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NamesMixin
from accounts.validators import clean_public_text

CODE_PATTERN = r"^[A-Za-z0-9_-]{8,64}\Z"


class NamesConfirmForm(NamesMixin, forms.Form):
    name_arabic = forms.CharField(
        label=_("Name in Arabic"), max_length=150, help_text=_("Printed on the Arabic certificate.")
    )
    name_latin = forms.CharField(
        label=_("Name in Latin letters"), max_length=150, help_text=_("Printed on the English certificate.")
    )


class VerifyForm(forms.Form):
    code = forms.RegexField(
        label=_("Certificate code"),
        regex=CODE_PATTERN,
        max_length=64,
        strip=True,
        help_text=_("The code printed under the QR code of the certificate."),
        error_messages={"invalid": _("A certificate code has letters, digits, hyphens and underscores only.")},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public verification page."),
    )

    def clean_reason(self):
        return clean_public_text(self.cleaned_data["reason"])
