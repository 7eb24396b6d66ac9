import re
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Crockford's base32: digits and letters without I, L, O and U, so a code read out loud or
# copied by hand has no look-alikes; I and L are read as 1, O as 0 (https://www.crockford.com/base32.html).
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = 128
CODE_LENGTH = 26  # 128 bits in 5-bit characters
CODE_GROUP = 4
_CROCKFORD_READ = str.maketrans({"I": "1", "L": "1", "O": "0"})


def code_group(characters: str) -> str:
    """Return `characters` in groups of four joined by dashes: "ABCD-EFGH-...-YZ"."""
    return "-".join(characters[i : i + CODE_GROUP] for i in range(0, len(characters), CODE_GROUP))


def certificate_code() -> str:
    """Return a new public code: 128 random bits in Crockford base32 (26 characters), stored
    and printed in groups of four: "7ZK3-M9QD-...-4F"."""
    number = secrets.randbits(CODE_BITS)
    characters = "".join(CROCKFORD_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return code_group(characters)


def code_readable(value: str) -> str | None:
    """Return the stored form of a code typed in any case, with or without dashes or spaces,
    with I or L for 1 and O for 0; None when `value` is not a code of that kind."""
    characters = "".join(str(value).split()).replace("-", "").upper().translate(_CROCKFORD_READ)
    if len(characters) != CODE_LENGTH or any(char not in CROCKFORD_ALPHABET for char in characters):
        return None
    return code_group(characters)


EVERY_ORGANIZATION = "certificates.view_every_organization"


def sees_every_organization(user) -> bool:
    """Return True if `user` may see and revoke the certificates and exports of every organization:
    superusers, and staff given the permission (a support group). Editing content (staff, the
    Wagtail admin) gives no right to people's data."""
    return bool(user.is_authenticated and (user.is_superuser or (user.is_staff and user.has_perm(EVERY_ORGANIZATION))))


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the certificates `user` may open: their own, their organization's (HR), or all
        (`sees_every_organization`)."""
        if not user.is_authenticated:
            return self.none()
        if sees_every_organization(user):
            return self
        if user.is_hr:
            return self.filter(models.Q(user=user) | models.Q(user__organization_id=user.organization_id))
        return self.filter(user=user)

    def awaiting_names(self):
        return self.filter(status=Certificate.Status.PENDING, holder_name_latin="")


class Certificate(models.Model):
    """Proof that a trainee completed a course.

    Everything printed is a snapshot taken at issue time (names, course titles,
    organization, date, hours), so the PDF and the public verification page never change
    when the course or the profile is edited later. Keyed by the language-free course key:
    one certificate per trainee and course, whichever language they studied in.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="certificates"
    )
    course_key = models.UUIDField(_("course key"), db_index=True)
    enrollment = models.OneToOneField(
        "courses.Enrollment",
        verbose_name=_("enrollment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificate",
    )
    code = models.CharField(_("code"), max_length=64, unique=True, default=certificate_code, editable=False)

    holder_name_latin = models.CharField(_("holder name (Latin)"), max_length=150, blank=True)
    holder_name_arabic = models.CharField(_("holder name (Arabic)"), max_length=150, blank=True)
    course_title_en = models.CharField(_("course title (English)"), max_length=255)
    course_title_ar = models.CharField(_("course title (Arabic)"), max_length=255)
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    completed_on = models.DateField(_("completed on"))
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)
    # What was assessed and the results, as they stood when the course was completed:
    # {"modules": [{"title": {"ar", "en"}, "percent"}], "exam": {"title": {...}, "percent", "pass_mark"} | None}
    assessment = models.JSONField(_("assessment"), default=dict, blank=True)

    # The certificate's bit in the public revocation list (certificates/credentials.py): chosen at
    # random when it is first needed (no order to read issue dates from), unique, never changed.
    status_index = models.PositiveIntegerField(
        _("status list index"), null=True, blank=True, unique=True, editable=False
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    pdf_ar = models.CharField(_("Arabic PDF"), max_length=255, blank=True, help_text=_("Path in private storage."))
    pdf_en = models.CharField(_("English PDF"), max_length=255, blank=True, help_text=_("Path in private storage."))
    pdf_ar_sha256 = models.CharField(_("Arabic PDF SHA-256"), max_length=64, blank=True)
    pdf_en_sha256 = models.CharField(_("English PDF SHA-256"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    rendering_started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # Set when the "your certificate is ready" email is sent: one email per certificate.
    ready_emailed_at = models.DateTimeField(_("ready email sent at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        # One live certificate per trainee and course; a revoked one stays (its code keeps
        # verifying as revoked) beside the one issued after the course is completed again.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"],
                condition=~models.Q(status="revoked"),
                name="one_live_certificate_per_course",
            )
        ]
        indexes = [models.Index(fields=["status", "queued_at"])]
        permissions = [
            ("view_every_organization", _("Can see and revoke the certificates and exports of every organization"))
        ]

    def __str__(self):
        return f"{self.course_title_en} · {self.holder_name_latin or self.user_id} · {self.code}"

    @property
    def awaiting_names(self) -> bool:
        """True while the holder has not confirmed the names to print."""
        return self.status == self.Status.PENDING and not self.holder_name_latin

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RENDERING) and not self.awaiting_names

    @property
    def badge(self) -> str:
        """The CSS badge class of the status."""
        return {self.Status.READY: "ok", self.Status.FAILED: "bad", self.Status.REVOKED: "bad"}.get(self.status, "wait")

    def pdf_name(self, language: str) -> str:
        return self.pdf_ar if language == "ar" else self.pdf_en

    def download_name(self, language: str) -> str:
        """The file name a download is saved as: "masar-certificate-7ZK3-M9QD-…-en.pdf". An older
        code keeps its letters; its underscores (and a leading or doubled dash) are left out."""
        code = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9-]", "", self.code)).strip("-")
        return f"masar-certificate-{code}-{language}.pdf"

    def credential_name(self) -> str:
        """The file name the signed credential is saved as: "masar-credential-7ZK3-….jwt"."""
        return self.download_name("en").replace("masar-certificate-", "masar-credential-").replace("-en.pdf", ".jwt")
