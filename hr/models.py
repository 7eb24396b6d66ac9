from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    """A ZIP of certificates asked for by HR; built in the background, kept privately."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        # A certificate in it was revoked after it was built: never served, HR makes a new one.
        OUTDATED = "outdated", _("Out of date")

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("certificates added"), default=0)
    file = models.CharField(_("file"), max_length=255, blank=True, help_text=_("Path in private storage."))
    certificate_ids = models.JSONField(_("certificates in the file"), default=list, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        # The model moved here from the certificates app; its rows stayed in their table
        # (hr/migrations/0001_initial.py).
        db_table = "certificates_export"
        verbose_name = _("certificate export")
        verbose_name_plural = _("certificate exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organization} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return round(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED, self.Status.OUTDATED)


class Reminder(models.Model):
    """One reminder email about a course assignment, claimed before it is sent: the unique
    (assignment, kind) is what makes a second beat, a restart or two workers at once never send
    the same reminder twice (hr.services.assignment_reminders_send)."""

    class Kind(models.TextChoices):
        BEFORE = "before_3", _("3 days before the due date")
        AFTER_1 = "after_1", _("1 day after the due date")
        AFTER_7 = "after_7", _("7 days after the due date")

    assignment = models.ForeignKey(
        "courses.CourseAssignment", verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    run = models.UUIDField(_("run"), help_text=_("The run that claimed the reminder."))
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment reminder")
        verbose_name_plural = _("assignment reminders")
        constraints = [models.UniqueConstraint(fields=["assignment", "kind"], name="one_reminder_per_kind")]
        indexes = [models.Index(fields=["run"])]

    def __str__(self):
        return f"{self.assignment_id} · {self.kind}"


class Digest(models.Model):
    """The weekly email to an HR member of their trainees' overdue and soon-due assignments, one
    per member and week (claimed like a Reminder)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("HR member"), on_delete=models.CASCADE)
    week = models.DateField(_("week starting"))
    run = models.UUIDField(_("run"))
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly HR digest")
        verbose_name_plural = _("weekly HR digests")
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="one_digest_per_week")]
        indexes = [models.Index(fields=["run"])]

    def __str__(self):
        return f"{self.user} · {self.week}"
