from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def page_not_found(request, exception=None):
    """A translated 404 in the layout, also for unknown language codes in the URL."""
    return render(request, "404.html", status=404)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bench_bare(request):
    """A constant response through the whole middleware stack: the ceiling bench/pages.py compares
    pages with. Mounted only when settings.MASAR_BENCH is true."""
    return HttpResponse(b"ok", content_type="text/plain")
