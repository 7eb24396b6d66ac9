"""Writes for accounts: sign-up, profile changes, confirming certificate names, password resets."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .models import EMAIL_TAKEN, USERNAME_TAKEN, Organization

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
    user = User(
        username=username,
        email=email.lower(),
        name_latin=name_latin.strip(),
        name_arabic=name_arabic.strip(),
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


def user_profile_update(*, user: "User", name_latin: str, name_arabic: str, preferred_language: str) -> "User":
    """Update a user's names and language; names stay as they are once confirmed for certificates."""
    if not user.names_locked:
        user.name_latin = name_latin.strip()
        user.name_arabic = name_arabic.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["name_latin", "name_arabic", "preferred_language"])
    return user


def user_names_confirm(*, user: "User", name_latin: str, name_arabic: str) -> "User":
    """Set the names printed on certificates and freeze them."""
    if user.names_locked:
        return user
    user.name_latin = name_latin.strip()
    user.name_arabic = name_arabic.strip()
    user.names_confirmed_at = timezone.now()
    user.save(update_fields=["name_latin", "name_arabic", "names_confirmed_at"])
    return user


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
