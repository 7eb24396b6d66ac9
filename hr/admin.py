from django.contrib import admin

from .models import Digest, Export, Reminder


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["organization", "requested_by", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [
        "organization",
        "requested_by",
        "filters",
        "status",
        "total",
        "done",
        "file",
        "size",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read only: each reminder claimed by a beat run, and whether it was sent (a claimed row with
    no "sent at" is one whose run died between sending and recording: it is never sent again)."""

    list_display = ["assignment", "kind", "claimed_at", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["assignment", "kind", "run", "claimed_at", "sent_at"]
    list_select_related = ["assignment__user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(ReminderAdmin):
    list_display = ["user", "week", "claimed_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["user", "week", "run", "claimed_at", "sent_at"]
