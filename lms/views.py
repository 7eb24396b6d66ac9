from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def page_not_found(request, exception=None):
    """A translated 404 in the layout, also for unknown language codes in the URL."""
    return render(request, "404.html", status=404)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
