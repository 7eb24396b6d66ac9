import math
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


def _join_code() -> str:
    return secrets.token_urlsafe(9)


class Organization(models.Model):
    """A company whose HR staff follow their own trainees, and no one else's."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    join_code = models.CharField(
        _("join code"),
        max_length=32,
        unique=True,
        default=_join_code,
        help_text=_("Trainees type this code when they sign up to join the organization."),
    )
    join_code_enabled = models.BooleanField(
        _("trainees may join with the code"),
        default=True,
        db_default=True,
        help_text=_("Turn off to let trainees join only through an invitation sent by HR."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


USERNAME_TAKEN = _("This username is taken. Choose another one.")
EMAIL_TAKEN = _("An account with this email already exists. Log in or reset your password.")


class ExtraTime(models.TextChoices):
    """More time for a trainee on everything timed (WCAG 2.2.1 Timing Adjustable): the time limits
    of quizzes and the exam, the suggested time of each mock interview question."""

    NONE = "", _("No extra time")
    X1_25 = "1.25", _("×1.25 (25% more time)")
    X1_5 = "1.5", _("×1.5 (50% more time)")
    X2 = "2", _("×2 (double the time)")
    UNLIMITED = "unlimited", _("No time limit")

    @property
    def factor(self):
        """How many times the base time, or None for no limit."""
        if self == ExtraTime.UNLIMITED:
            return None
        return float(self.value or 1)


class UserManager(DjangoUserManager):
    """Usernames and emails are unique without regard to case (the constraints on User), and a
    username is found the same way: LOWER() on both sides, which the unique index answers."""

    def with_username(self, username: str):
        return self.filter(Exact(Lower("username"), Lower(Value(username))))

    def with_email(self, email: str):
        return self.filter(Exact(Lower("email"), Lower(Value(email))))

    def get_by_natural_key(self, username):
        """The user who logs in as "Omar", "omar" or "OMAR" (ModelBackend, createsuperuser)."""
        return self.with_username(username).get()


class User(AbstractUser):
    """A trainee, an HR member of an organization, or an editor.

    Both names are printed on certificates: the Arabic one on the Arabic certificate,
    the Latin one on the English certificate. They freeze once a certificate is issued.
    """

    class Role(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        HR = "hr", _("HR")
        EDITOR = "editor", _("Editor")

    email = models.EmailField(_("email address"), unique=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=150)
    name_arabic = models.CharField(_("name in Arabic"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ar"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TRAINEE)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    names_confirmed_at = models.DateTimeField(
        _("names confirmed at"),
        null=True,
        blank=True,
        help_text=_("Set when the trainee confirms the names printed on certificates; they cannot change after."),
    )
    extra_time = models.CharField(
        _("extra time"),
        max_length=10,
        choices=ExtraTime.choices,
        default=ExtraTime.NONE,
        # Also in the database, so code that writes users without knowing the column (an older
        # migration's model, raw SQL) still works.
        db_default=ExtraTime.NONE,
        blank=True,
        help_text=_("More time on timed quizzes, the exam and mock interviews. Every change is logged."),
    )
    drill_reminders = models.BooleanField(
        _("weekly email of interview drills due"),
        default=True,
        db_default=True,
        help_text=_("A weekly email lists the interview questions due for practice; its link or the profile stops it."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("username"), name="accounts_user_username_ci_unique", violation_error_message=USERNAME_TAKEN
            ),
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique", violation_error_message=EMAIL_TAKEN
            ),
        ]

    @property
    def is_hr(self) -> bool:
        return self.role == self.Role.HR and self.organization_id is not None

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if get_language() == "ar" and self.name_arabic:
            return self.name_arabic
        return self.name_latin or self.username

    @property
    def can_use_wagtail_admin(self) -> bool:
        return self.is_superuser or self.has_perm("wagtailadmin.access_admin")

    @property
    def names_locked(self) -> bool:
        return self.names_confirmed_at is not None

    def allowed_time(self, base: int | None) -> int | None:
        """Return the time this user has for something timed at `base` (minutes or seconds, a whole
        number): longer with extra time, rounded up; None when their time is unlimited. An untimed
        `base` (0 or None) stays as it is."""
        if not base:
            return base
        factor = ExtraTime(self.extra_time).factor if self.extra_time in ExtraTime.values else 1
        if factor is None:
            return None
        return math.ceil(base * factor)


class ExtraTimeChange(models.Model):
    """One change of a trainee's extra time: who gave it, when, from what to what. The log HR and
    support read to answer "why does this trainee have more time?"."""

    user = models.ForeignKey(
        User, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="extra_time_changes"
    )
    changed_by = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    old = models.CharField(_("from"), max_length=10, choices=ExtraTime.choices, blank=True)
    new = models.CharField(_("to"), max_length=10, choices=ExtraTime.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("extra time change")
        verbose_name_plural = _("extra time changes")

    def __str__(self):
        return f"{self.user}: {self.get_old_display()} → {self.get_new_display()}"


INVITATION_CLOSED = _(
    "This invitation link no longer works: it was used, revoked or has expired. Ask your HR team for a new one."
)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def open(self, *, now=None):
        """Invitations whose link still signs someone up: not accepted, not revoked, not expired."""
        from django.utils import timezone

        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """HR asks someone, by email, to join their organization: the link in the email opens the
    sign-up form with the address filled in and signs the person up into the organization. One
    row per organization and address: inviting again renews it (a new link, a new expiry)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language of the email"), max_length=5, choices=settings.LANGUAGES, default="ar")
    token = models.CharField(_("token"), max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account created"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint("organization", Lower("email"), name="accounts_invitation_one_per_email"),
        ]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label
