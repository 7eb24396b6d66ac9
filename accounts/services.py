"""Writes for accounts: sign-up, profile changes, confirming certificate names, password resets."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .models import EMAIL_TAKEN, USERNAME_TAKEN, Organization
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


def user_profile_update(*, user: "User", name_latin: str, name_arabic: str, preferred_language: str) -> "User":
    """Update a user's names and language; names stay as they are once confirmed for certificates,
    also when the confirmation commits while this request runs."""
    with transaction.atomic():
        locked = _user_locked(user)
        if not locked.names_locked:
            locked.name_latin, locked.name_arabic = clean_names(name_latin=name_latin, name_arabic=name_arabic)
        locked.preferred_language = preferred_language
        locked.save(update_fields=["name_latin", "name_arabic", "preferred_language"])
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
