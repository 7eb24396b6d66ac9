from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import NamesMixin
from .models import ExtraTimeChange, Organization, User


class UserChangeForm(NamesMixin, BaseUserAdmin.form):
    """The admin's user form, with the same names' allow-list as sign-up and the profile, and the
    reason logged with a change of extra time."""

    extra_time_reason = forms.CharField(
        label=_("Reason for the extra time change"),
        required=False,
        max_length=services.EXTRA_TIME_REASON_MAX,
        help_text=_("Optional; kept in the log below."),
    )


class ExtraTimeChangeInline(admin.TabularInline):
    """The extra time log: read only, written by accounts.services.extra_time_set alone."""

    model = ExtraTimeChange
    fk_name = "user"
    fields = ["changed_at", "changed_by", "old", "new", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("extra time log")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may see the user sees their log: it has no permission of its own to give.
        return request.user.has_perm("accounts.view_user") or request.user.has_perm("accounts.change_user")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "join_code", "created_at"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    inlines = [ExtraTimeChangeInline]
    list_display = ["username", "email", "name_latin", "name_arabic", "role", "organization", "is_staff"]
    list_filter = ["role", "organization", "is_staff", "extra_time"]
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
                    "extra_time",
                    "extra_time_reason",
                )
            },
        ),
    )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Save the user as the admin does, but their extra time through the service that checks
        the right and logs the change."""
        wanted = obj.extra_time
        if change and "extra_time" in form.changed_data:
            obj.extra_time = form.initial.get("extra_time", "")
        super().save_model(request, obj, form, change)
        if change and wanted != obj.extra_time:
            try:
                services.extra_time_set(
                    actor=request.user, user=obj, value=wanted, reason=form.cleaned_data.get("extra_time_reason", "")
                )
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
