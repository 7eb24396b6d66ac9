"""The Wagtail admin's own account page ("Account": name, email, language, password) for
Masar's users. Wagtail's name panel asks for a first and a last name, which Masar does not use
(a user has a Latin and an Arabic name, printed on certificates), so saving any account setting
(switching the admin to Arabic, say) failed on "First Name: this field is required". Here that
panel is replaced by one with the project's two names and the email, under the same rules as
the profile page (accounts.forms.NamesMixin; frozen once a certificate is issued).

lms/urls.py routes /admin/account/ here, ahead of Wagtail's own URL of the same name."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import account as wagtail_account

from .forms import AUTO, LTR, NamesMixin

User = get_user_model()


class AdminNamesForm(NamesMixin, forms.ModelForm):
    name_latin = forms.CharField(
        label=_("Name in Latin letters"), max_length=150, widget=forms.TextInput(attrs={**LTR, "autocomplete": "name"})
    )
    name_arabic = forms.CharField(label=_("Name in Arabic"), max_length=150, widget=forms.TextInput(attrs=AUTO))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={**LTR, "autocomplete": "email"}))

    class Meta:
        model = User
        fields = ["name_latin", "name_arabic", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not wagtail_account.email_management_enabled():
            del self.fields["email"]
        if self.instance.names_locked:
            for name in ("name_latin", "name_arabic"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Printed on your certificates; it can no longer change.")

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.with_email(email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An account with this email already exists. Log in or reset your password."))
        return email


class NamesSettingsPanel(wagtail_account.NameEmailSettingsPanel):
    form_class = AdminNamesForm

    @property
    def title(self):
        if wagtail_account.email_management_enabled():
            return _("Names and email")
        return _("Names")


class AccountView(wagtail_account.AccountView):
    def get_panels(self):
        return [
            NamesSettingsPanel(panel.request, panel.user, panel.profile)
            if type(panel) is wagtail_account.NameEmailSettingsPanel
            else panel
            for panel in super().get_panels()
        ]


account = require_admin_access(AccountView.as_view())
