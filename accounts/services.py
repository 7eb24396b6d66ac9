"""Writes for accounts: sign-up, profile changes, confirming certificate names, password resets,
a trainee's extra time, invitations to an organization and whether its join code works."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import (
    EMAIL_TAKEN,
    INVITATION_CLOSED,
    USERNAME_TAKEN,
    ExtraTime,
    ExtraTimeChange,
    Invitation,
    Organization,
    _invitation_token,
)
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


# --- invitations -----------------------------------------------------------------------

# What became of each address given to `invitations_create`.
INVITED = "invited"  # a new invitation, sent
RENEWED = "renewed"  # an earlier one (waiting, expired or revoked) renewed and sent again
ALREADY_MEMBER = "already_member"  # has an account in this organization: nothing sent
OTHER_ORGANIZATION = "other_organization"  # has an account in another organization: refused
HAS_ACCOUNT = "has_account"  # has an account in no organization: refused (support moves it)
SENT = (INVITED, RENEWED)
_CHUNK = 500  # addresses per IN (...) lookup, well under SQLite's limit on query parameters


def invitation_days() -> int:
    return int(getattr(settings, "INVITATION_DAYS", 14))


def _can_invite(actor, organization) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.is_hr and actor.organization_id == organization.pk)


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def invitations_create(*, organization: Organization, invited_by, emails: list[str], language: str) -> dict[str, str]:
    """Invite each address of `emails` (already valid, in any case) to `organization`, in one
    transaction, and queue the emails once it commits. Return {lower-case address: outcome}, one of
    the outcomes above; a repeated address counts once. PermissionDenied unless `invited_by` is HR
    of the organization. A fixed number of queries per 500 addresses."""
    if not _can_invite(invited_by, organization):
        raise PermissionDenied(_("Only HR of the organization can invite trainees to it."))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    wanted = list(dict.fromkeys(email.strip().lower() for email in emails if email and email.strip()))
    outcome: dict[str, str] = {}
    now = timezone.now()
    expires = now + timedelta(days=invitation_days())
    with transaction.atomic():
        accounts: dict[str, int | None] = {}
        existing: dict[str, Invitation] = {}
        for chunk in _chunks(wanted):
            rows = User.objects.annotate(address=Lower("email")).filter(address__in=chunk)
            accounts.update(rows.values_list("address", "organization_id"))
            invitations = Invitation.objects.annotate(address=Lower("email")).filter(
                organization=organization, address__in=chunk
            )
            existing.update((invitation.address, invitation) for invitation in invitations)
        created, renewed = [], []
        for email in wanted:
            if email in accounts:
                organization_id = accounts[email]
                if organization_id == organization.pk:
                    outcome[email] = ALREADY_MEMBER
                elif organization_id is None:
                    outcome[email] = HAS_ACCOUNT
                else:
                    outcome[email] = OTHER_ORGANIZATION
                continue
            invitation = existing.get(email)
            if invitation is None:
                created.append(
                    Invitation(
                        organization=organization,
                        email=email,
                        language=language,
                        invited_by=invited_by,
                        expires_at=expires,
                        token=_invitation_token(),
                    )
                )
                outcome[email] = INVITED
            else:
                invitation.token = _invitation_token()  # an older link stops working
                invitation.expires_at = expires
                invitation.revoked_at = invitation.accepted_at = invitation.user = None
                invitation.sent_at = None
                invitation.language = language
                invitation.invited_by = invited_by
                renewed.append(invitation)
                outcome[email] = RENEWED
        Invitation.objects.bulk_create(created, batch_size=_CHUNK)
        Invitation.objects.bulk_update(
            renewed,
            ["token", "expires_at", "revoked_at", "accepted_at", "user", "sent_at", "language", "invited_by"],
            batch_size=_CHUNK,
        )
        tokens = [invitation.token for invitation in created + renewed]
        ids = []
        for chunk in _chunks(tokens):
            ids += Invitation.objects.filter(token__in=chunk).values_list("pk", flat=True)
        _invitations_queue(sorted(ids))
    return outcome


def _invitations_queue(ids: list[int]) -> None:
    from .tasks import invitations_send

    for chunk in _chunks(ids):
        transaction.on_commit(lambda chunk=chunk: invitations_send.delay(chunk), robust=True)


def invitation_url(invitation: Invitation) -> str:
    with translation.override(invitation.language):
        return settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": invitation.token})


def invitations_send(*, invitation_ids: list[int]) -> int:
    """Email each open invitation of `invitation_ids` not sent yet, in its language, through one
    connection; return how many were sent. Sending again the same ids sends nothing twice."""
    invitations = list(
        Invitation.objects.open().filter(pk__in=invitation_ids, sent_at__isnull=True).select_related("organization")
    )
    messages = []
    for invitation in invitations:
        with translation.override(invitation.language):
            context = {
                "invitation": invitation,
                "organization": invitation.organization,
                "url": invitation_url(invitation),
                "days": invitation_days(),
            }
            subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
            body = render_to_string("accounts/email/invitation.txt", context)
        messages.append(EmailMessage(subject, body, to=[invitation.email]))
    if not messages:
        return 0
    sent = get_connection().send_messages(messages) or 0
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(sent_at=timezone.now())
    return sent


def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """Revoke a waiting invitation: its link no longer signs anyone up. PermissionDenied unless
    `actor` is HR of its organization; an accepted one stays as it is."""
    if not _can_invite(actor, invitation.organization):
        raise PermissionDenied
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation.refresh_from_db()
    return invitation


def invitation_resend(*, actor, invitation: Invitation) -> str:
    """Send the invitation again with a new link and expiry; the outcome as `invitations_create`'s."""
    return invitations_create(
        organization=invitation.organization, invited_by=actor, emails=[invitation.email], language=invitation.language
    )[invitation.email.lower()]


def invitation_accept(
    *, token: str, username: str, password: str, name_latin: str, name_arabic: str, preferred_language: str
) -> "User":
    """Sign up the invited person into the invitation's organization with the invited address.
    A ValidationError if the link no longer works (accepted, revoked, expired) or a field is taken."""
    with transaction.atomic():
        invitation = Invitation.objects.open().select_for_update().filter(token=token).first()
        if invitation is None:
            raise ValidationError(INVITATION_CLOSED, code="invitation_closed")
        user = user_signup(
            username=username,
            email=invitation.email,
            password=password,
            name_latin=name_latin,
            name_arabic=name_arabic,
            preferred_language=preferred_language,
            organization=invitation.organization,
        )
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


def organization_join_code_set(*, actor, organization: Organization, enabled: bool) -> Organization:
    """Let trainees join `organization` with its code, or only through invitations (HR of it only)."""
    if not _can_invite(actor, organization):
        raise PermissionDenied
    Organization.objects.filter(pk=organization.pk).update(join_code_enabled=bool(enabled))
    organization.join_code_enabled = bool(enabled)
    return organization
