"""Log-in lockout: django-axes with two counters.

1. One (username, client IP) pair is locked after AXES_FAILURE_LIMIT failures for
   AXES_COOLOFF_TIME (AXES_LOCKOUT_PARAMETERS). Failures for a username from other addresses do
   not lock its owner out, and a successful log-in resets only its own pair (AXES_RESET_ON_SUCCESS):
   logging into one's own account does not wipe the failures against someone else's.
2. One client IP is locked after LOGIN_IP_FAILURE_LIMIT failures of any usernames within the
   cool-off (credential stuffing). Axes has a single failure limit for all its lockout parameters,
   and a plain "ip_address" parameter would be reset by any success from that address, so this
   ceiling is counted here, from the same AccessAttempt rows, and is never reset by a success.

Usernames are counted in lower case: they are unique and matched without regard to case
(accounts/models.py), so "Omar" and "OMAR" are one account and share one counter."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum


def lockout_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the username a failure or success is counted under."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username.strip().lower()[:255]


class LockoutHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler with the per-IP ceiling (2. above) on top of the per-pair lock."""

    def ip_failures(self, request) -> int:
        if not request.axes_ip_address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def ip_locked(self, request) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.ip_failures(request) >= settings.LOGIN_IP_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.ip_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if self.ip_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=lockout_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
