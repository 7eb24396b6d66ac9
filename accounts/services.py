"""Writes for accounts: sign-up, profile changes, confirming certificate names, password resets,
a trainee's extra time."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import EMAIL_TAKEN, USERNAME_TAKEN, ExtraTime, ExtraTimeChange, Organization
from .validators import clean_names

User = get_user_model()


def _refuse_taken(*, username: str, email: str) -> None:
    """Raise the sign-up form's errors if the username or the email (in any case) has an account."""
    errors = {}
    if User.objects.with_username(username).exists():
        errors["username"] = ValidationError(USERNAME_TAKEN, code="unique")
    if User.objects.with_email(email).exists():
        errors["email"] = ValidationError(EMAIL_TAKEN, code="unique")
    if errors:
        raise ValidationError(errors)


def user_signup(
    *,
    username: str,
    email: str,
    password: str,
    name_latin: str,
    name_arabic: str,
    preferred_language: str,
    organization: Organization | None = None,
) -> "User":
    """Create a trainee account; a ValidationError of the form's fields if the username or the
    email is taken, also when another sign-up takes it at the same moment."""
    name_latin, name_arabic = clean_names(name_latin=name_latin, name_arabic=name_arabic)
    user = User(
        username=username,
        email=email.lower(),
        name_latin=name_latin,
        name_arabic=name_arabic,
        preferred_language=preferred_language,
        organization=organization,
        role=User.Role.TRAINEE,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    _refuse_taken(username=user.username, email=user.email)
    try:
        with transaction.atomic():  # a savepoint when called inside a transaction
            user.save()
    except IntegrityError:
        # Another sign-up committed the same username or email (the unique indexes on
        # LOWER(username) and LOWER(email)) between the check above and this insert.
        _refuse_taken(username=user.username, email=user.email)
        raise
    return user


NAME_FIELDS = ["name_latin", "name_arabic", "names_confirmed_at", "preferred_language"]


def _user_locked(user: "User") -> "User":
    """Lock `user`'s row until the transaction ends and return it as stored: whether the names are
    frozen is decided on the row, never on a copy read earlier in the request."""
    return User.objects.select_for_update().get(pk=user.pk)


def _copy_names(source: "User", target: "User") -> "User":
    for field in NAME_FIELDS:
        setattr(target, field, getattr(source, field))
    return target


def user_profile_update(
    *, user: "User", name_latin: str, name_arabic: str, preferred_language: str, drill_reminders: bool | None = None
) -> "User":
    """Update a user's names, language and, when given, the weekly email of interview drills due;
    names stay as they are once confirmed for certificates, also when the confirmation commits
    while this request runs."""
    with transaction.atomic():
        locked = _user_locked(user)
        if not locked.names_locked:
            locked.name_latin, locked.name_arabic = clean_names(name_latin=name_latin, name_arabic=name_arabic)
        locked.preferred_language = preferred_language
        fields = ["name_latin", "name_arabic", "preferred_language"]
        if drill_reminders is not None:
            locked.drill_reminders = user.drill_reminders = bool(drill_reminders)
            fields.append("drill_reminders")
        locked.save(update_fields=fields)
    return _copy_names(locked, user)


def user_names_confirm(*, user: "User", name_latin: str, name_arabic: str) -> "User":
    """Set the names printed on certificates and freeze them (once: a second confirmation, or one
    racing with a profile change, keeps the names frozen first). Call inside a transaction that
    snapshots the names on the certificates, so that both hold the same names."""
    locked = _user_locked(user)
    if not locked.names_locked:
        locked.name_latin, locked.name_arabic = clean_names(name_latin=name_latin, name_arabic=name_arabic)
        locked.names_confirmed_at = timezone.now()
        locked.save(update_fields=["name_latin", "name_arabic", "names_confirmed_at"])
    return _copy_names(locked, user)


PASSWORD_RESET_EMAIL_TEMPLATE = "accounts/password_reset_email.txt"
PASSWORD_RESET_SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"


def password_reset_request(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Queue the reset mail for `email`, whether or not it has an account: the request does the
    same work either way, and the lookup and the mail happen in the worker."""
    from .tasks import password_reset_send

    args = {"email": email, "domain": domain, "use_https": use_https, "language": language}
    # robust: with the broker down the page still answers (the error is logged).
    transaction.on_commit(lambda: password_reset_send.delay(**args), robust=True)


def password_reset_send(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Mail a reset link, in `language`, to the active account of `email`; nothing if it has none."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=PASSWORD_RESET_SUBJECT_TEMPLATE,
            email_template_name=PASSWORD_RESET_EMAIL_TEMPLATE,
        )


# --- extra time ------------------------------------------------------------------------

EXTRA_TIME_REASON_MAX = ExtraTimeChange._meta.get_field("reason").max_length


def extra_time_can_set(*, actor, user) -> bool:
    """Return True if `actor` may give `user` extra time: HR of the trainee's organization, or
    staff who may change users (the admin's right; editing content is not enough)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser or (actor.is_staff and actor.has_perm("accounts.change_user")):
        return True
    return actor.is_hr and user.role == User.Role.TRAINEE and actor.organization_id == user.organization_id


def extra_time_set(*, actor, user, value: str, reason: str = "") -> "User":
    """Give `user` the extra time `value` (one of ExtraTime's values) and log who changed it from
    what. PermissionDenied if `actor` may not; a ValidationError, with nothing changed, for a value
    not in the list. Setting the value a trainee already has changes and logs nothing."""
    if not extra_time_can_set(actor=actor, user=user):
        raise PermissionDenied(
            _("Only HR of the trainee's organization, or support staff, can change their extra time.")
        )
    if not isinstance(value, str) or value not in ExtraTime.values:
        raise ValidationError(
            _("Choose one of the extra time options: none, ×1.25, ×1.5, ×2 or no time limit."),
            code="invalid_extra_time",
        )
    reason = (reason or "").strip()
    if len(reason) > EXTRA_TIME_REASON_MAX:
        raise ValidationError(
            ngettext(
                "Keep the reason to %(limit)d character or fewer.",
                "Keep the reason to %(limit)d characters or fewer.",
                EXTRA_TIME_REASON_MAX,
            )
            % {"limit": EXTRA_TIME_REASON_MAX},
            code="reason_too_long",
        )
    with transaction.atomic():
        locked = _user_locked(user)
        old = locked.extra_time
        if old != value:
            locked.extra_time = value
            locked.save(update_fields=["extra_time"])
            ExtraTimeChange.objects.create(
                user=locked, changed_by=actor if actor.pk else None, old=old, new=value, reason=reason
            )
    user.extra_time = locked.extra_time
    return user
