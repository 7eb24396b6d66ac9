"""Reads of the accounts app that more than a view needs to decide."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import INVITATION_CLOSED, Invitation, User


@dataclass(frozen=True)
class InvitationRefusal:
    """Why an invitation link cannot sign anyone up now: a title, what to do, the HTTP status."""

    title: str
    message: str
    status: int


def invitation_for_signup(*, token: str, user) -> tuple[Invitation | None, InvitationRefusal | None]:
    """Return (the pending invitation of `token`, None) when `user` may sign up with it now, else
    (None, why not). A link that no longer works is refused with 410 (withdrawn, expired, used,
    unknown); one that cannot be used now with 409: someone is signed in, or the address has had
    an account since, in this organization or another. Nobody joins an organization silently."""
    invitation = Invitation.objects.select_related("organization").filter(token=token).first()
    status = invitation.status if invitation is not None else None
    if status != Invitation.Status.PENDING:
        message = {
            Invitation.Status.REVOKED: _(
                "Your HR team withdrew this invitation. Ask them for a new one if you are still to join."
            ),
            Invitation.Status.EXPIRED: _(
                "This invitation link has expired. Ask your HR team to send you the invitation again."
            ),
            Invitation.Status.ACCEPTED: _(
                "This invitation was already used to create an account. Log in with that account."
            ),
        }.get(status, INVITATION_CLOSED)
        return None, InvitationRefusal(_("This invitation link no longer works"), message, 410)
    organization = invitation.organization.name
    if user.is_authenticated:
        if user.email.lower() == invitation.email.lower() and user.organization_id == invitation.organization_id:
            message = _("You are already a member of %(organization)s.") % {"organization": organization}
        else:
            message = _(
                "You are signed in as %(user)s. This invitation is for %(email)s, to join %(organization)s: "
                "nothing was changed. Log out first if you want to create that account."
            ) % {
                "user": user.display_name or user.get_username(),
                "email": invitation.email,
                "organization": organization,
            }
        return None, InvitationRefusal(_("This invitation cannot be used now"), message, 409)
    account = User.objects.with_email(invitation.email).only("organization_id").first()
    if account is not None:
        if account.organization_id == invitation.organization_id:
            message = _("An account with %(email)s is already a member of %(organization)s. Log in with it.")
        else:
            message = _(
                "An account with %(email)s already exists in another organization, so it cannot join "
                "%(organization)s through this link. Log in with that account, or ask your HR team."
            )
        message %= {"email": invitation.email, "organization": organization}
        return None, InvitationRefusal(_("This invitation cannot be used now"), message, 409)
    return invitation, None
