"""The Wagtail admin's user forms (Settings → Users, for superusers) with Masar's Latin and
Arabic names in place of Wagtail's required first and last names, under the names' rules
(accounts.forms.NamesMixin). accounts.wagtail_apps.WagtailUsersConfig points Wagtail at this viewset."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import AUTO, LTR, NamesMixin

FIRST_AND_LAST = {"first_name", "last_name"}
TWO_NAMES = {"name_latin", "name_arabic"}


def name_latin_field() -> forms.CharField:
    return forms.CharField(
        label=_("Name in Latin letters"),
        max_length=150,
        help_text=_("Printed on the English certificate."),
        widget=forms.TextInput(attrs=LTR),
    )


def name_arabic_field() -> forms.CharField:
    return forms.CharField(
        label=_("Name in Arabic"),
        max_length=150,
        help_text=_("Printed on the Arabic certificate."),
        widget=forms.TextInput(attrs=AUTO),
    )


class NamesUserCreationForm(NamesMixin, UserCreationForm):
    first_name = None
    last_name = None
    name_latin = name_latin_field()
    name_arabic = name_arabic_field()

    class Meta(UserCreationForm.Meta):
        fields = (set(UserCreationForm.Meta.fields) - FIRST_AND_LAST) | TWO_NAMES


class NamesUserEditForm(NamesMixin, UserEditForm):
    first_name = None
    last_name = None
    name_latin = name_latin_field()
    name_arabic = name_arabic_field()

    class Meta(UserEditForm.Meta):
        fields = (set(UserEditForm.Meta.fields) - FIRST_AND_LAST) | TWO_NAMES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.names_locked:  # frozen by an issued certificate
            for name in TWO_NAMES:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Printed on the trainee's certificates; it can no longer change.")


class UserViewSet(WagtailUserViewSet):
    create_template_name = "accounts/wagtailusers/create.html"
    edit_template_name = "accounts/wagtailusers/edit.html"

    def get_form_class(self, for_update=False):
        return NamesUserEditForm if for_update else NamesUserCreationForm
