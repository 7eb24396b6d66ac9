"""Project middleware: the content security policy per area, and a clear page when the database is away."""

import functools
import logging
import sqlite3
import zoneinfo
from urllib.parse import unquote

from csp.middleware import CSPMiddleware, PolicyParts
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("masar")

# The Wagtail and Django admins still write a few inline <script> elements (the InlinePanel
# templates, the date and time widgets), so only they may run inline scripts. Masar's own
# pages never do: their scripts are static files, and the site-wide policy says script-src 'self'.
ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_SCRIPT_SRC = {"script-src": ["'self'", "'unsafe-inline'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline scripts allowed in the admins only."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(ADMIN_PREFIXES) and parts.update is None and parts.replace is None:
            parts.update = ADMIN_SCRIPT_SRC
        return parts


def database_unavailable(exception: BaseException) -> bool:
    """Whether `exception` says the database is away or busy, rather than that a statement is wrong.

    SQLite reports a bad statement (a syntax error, an FTS5 query it cannot parse, a missing
    table) as an OperationalError too, with the generic code SQLITE_ERROR: that is a bug to
    answer with a 500, never an outage anyone could fake by typing. Busy, locked, I/O and
    cannot-open keep their own codes; PostgreSQL reports bad statements as ProgrammingError."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return False
    cause = exception.__cause__
    return not (isinstance(cause, sqlite3.Error) and getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_ERROR)


class DatabaseUnavailableMiddleware:
    """Answer a lost or refused database connection with a translated 503 instead of a 500.

    Every write is in a transaction, so whatever the request was doing is rolled back and what
    was saved before stays; the visitor only needs to try again. The page is rendered without
    touching the database (no base layout: its menu reads permissions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.error("database unavailable on %s %s", request.method, request.path, exc_info=exception)
        if request.accepts("application/json") and not request.accepts("text/html"):
            detail = _("Your answers are saved. Try again in a moment.")
            response = JsonResponse({"error": _("The service is busy"), "detail": detail}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", request=None), status=503)
        response["Retry-After"] = "10"
        response["Cache-Control"] = "no-store"
        return response


# The browser's time zone, which lms/static/js/timezone.js keeps in this cookie; the times a
# page shows ("next attempt possible on ...") are then the reader's own.
TIME_ZONE_COOKIE = "tz"


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TimeZoneMiddleware:
    """Show times in the reader's time zone: the one their browser reports, if it is a real zone
    name, else the site's TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The script writes the name as encodeURIComponent does ("Asia%2FRiyadh"): a "/" is no
        # character a cookie value may hold as it is.
        name = unquote(request.COOKIES.get(TIME_ZONE_COOKIE, ""))
        if name in _time_zones():
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
