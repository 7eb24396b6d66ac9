"""Writes for accounts: sign-up, profile changes, confirming certificate names."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Organization

User = get_user_model()


@transaction.atomic
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
    """Create a trainee account."""
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
    user.full_clean(exclude=["password"])
    user.save()
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
