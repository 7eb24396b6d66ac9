from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def page_not_found(request, exception=None):
    """A translated 404 in the layout, also for unknown language codes in the URL."""
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """A translated 400 in the layout: never a traceback or a file path, whatever DEBUG says."""
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    """A translated 403 in the layout."""
    return render(request, "403.html", status=403)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bench_bare(request):
    """A constant response through the whole middleware stack: the ceiling bench/pages.py compares
    pages with. Mounted only when settings.MASAR_BENCH is true."""
    return HttpResponse(b"ok", content_type="text/plain")
