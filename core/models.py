from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationStatus(models.Model):
    """Whether one language of a translated thing (a page, a quiz, an interview question: anything
    with a Wagtail translation key) is behind another language of it.

    `changed_at` is the last change of this language's own content; `out_of_date` is set when
    another language changes after this one was last brought up to date (core/translations.py
    keeps the rule), and cleared when this language is saved again, marked as reviewed, or both
    are loaded together from the content files. Kept in core: it knows translation keys and
    language codes, not what they belong to."""

    translation_key = models.UUIDField(db_index=True)
    language = models.CharField(max_length=8)
    changed_at = models.DateTimeField(null=True, blank=True)
    out_of_date = models.BooleanField(default=False)
    # When another language changed and made this one out of date (the dashboard's order).
    outdated_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("translation status")
        verbose_name_plural = _("translation statuses")
        constraints = [
            models.UniqueConstraint(fields=["translation_key", "language"], name="one_status_per_translation")
        ]
        indexes = [models.Index(fields=["out_of_date", "language"], name="translation_out_of_date")]

    def __str__(self):
        return f"{self.translation_key} ({self.language})"
