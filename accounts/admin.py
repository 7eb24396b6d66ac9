from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .forms import NamesMixin
from .models import Organization, User


class UserChangeForm(NamesMixin, BaseUserAdmin.form):
    """The admin's user form, with the same names' allow-list as sign-up and the profile."""


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "join_code", "created_at"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    list_display = ["username", "email", "name_latin", "name_arabic", "role", "organization", "is_staff"]
    list_filter = ["role", "organization", "is_staff"]
    search_fields = ["username", "email", "name_latin", "name_arabic"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "Masar",
            {
                "fields": (
                    "name_latin",
                    "name_arabic",
                    "preferred_language",
                    "role",
                    "organization",
                    "names_confirmed_at",
                )
            },
        ),
    )
