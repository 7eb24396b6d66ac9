from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Staff see every certificate, its render attempts and last error, and can queue a failed one again."""

    list_display = [
        "code",
        "holder_name_latin",
        "course_title_en",
        "organization_name",
        "status",
        "attempts",
        "issued_at",
    ]
    list_filter = ["status", "organization_name"]
    search_fields = [
        "code",
        "holder_name_latin",
        "holder_name_arabic",
        "user__email",
        "course_title_en",
        "course_title_ar",
    ]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "course_key",
        "enrollment",
        "code",
        "holder_name_latin",
        "holder_name_arabic",
        "course_title_en",
        "course_title_ar",
        "organization_name",
        "completed_on",
        "hours",
        "status",
        "pdf_ar",
        "pdf_ar_sha256",
        "pdf_en",
        "pdf_en_sha256",
        "attempts",
        "last_error",
        "issued_at",
        "queued_at",
        "rendering_started_at",
        "rendered_at",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
    ]
    actions = ["retry_render"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Render the selected certificates again"), permissions=["change"])
    def retry_render(self, request, queryset):
        queued = sum(1 for certificate in queryset if services.certificate_retry(certificate=certificate))
        self.message_user(
            request,
            ngettext("%(count)d certificate queued.", "%(count)d certificates queued.", queued) % {"count": queued},
            messages.SUCCESS if queued else messages.WARNING,
        )
