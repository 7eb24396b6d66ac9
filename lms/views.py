from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _error_page(request, status: int, title: str, message: str):
    """A translated error page in the layout: never a traceback or a file path, whatever DEBUG says."""
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def page_not_found(request, exception=None):
    """The 404 page, also for unknown language codes in the URL."""
    return _error_page(
        request,
        404,
        _("Page not found"),
        _("This address does not lead to a page on Masar. Masar is available in Arabic (/ar/) and English (/en/)."),
    )


def bad_request(request, exception=None):
    return _error_page(
        request,
        400,
        _("Bad request"),
        _("Masar could not understand this request. Check the address or go back and try again."),
    )


def permission_denied(request, exception=None):
    return _error_page(
        request,
        403,
        _("Access denied"),
        _(
            "You do not have access to this page. If you think you should, sign in with the right account "
            "or ask your organization's HR contact."
        ),
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bench_bare(request):
    """A constant response through the whole middleware stack: the ceiling bench/pages.py compares
    pages with. Mounted only when settings.MASAR_BENCH is true."""
    return HttpResponse(b"ok", content_type="text/plain")
