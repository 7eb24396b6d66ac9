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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


USERNAME_TAKEN = _("This username is taken. Choose another one.")
EMAIL_TAKEN = _("An account with this email already exists. Log in or reset your password.")


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
