from django.contrib import admin

from .models import Export


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
