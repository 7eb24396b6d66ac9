"""The reader's time zone comes from the cookie lms/static/js/timezone.js writes, which holds the
zone's name URL-encoded (encodeURIComponent: "Asia%2FRiyadh"), as a browser sends it."""

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from core.middleware import TIME_ZONE_COOKIE, TimeZoneMiddleware


def zone_seen(cookie: str | None) -> str:
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES[TIME_ZONE_COOKIE] = cookie
    TimeZoneMiddleware(view)(request)
    return seen["zone"]


def test_the_encoded_zone_name_the_script_writes_is_the_readers_zone():
    assert zone_seen("Asia%2FRiyadh") == "Asia/Riyadh"
    assert zone_seen("America%2FArgentina%2FBuenos_Aires") == "America/Argentina/Buenos_Aires"


def test_a_zone_name_written_as_it_is_works_too():
    assert zone_seen("Europe/Berlin") == "Europe/Berlin"


def test_no_cookie_or_an_unknown_zone_is_the_sites_zone():
    site = timezone.get_default_timezone_name()
    assert zone_seen(None) == site
    assert zone_seen("Mars%2FOlympus_Mons") == site
    assert zone_seen("%E0%A4") == site  # not UTF-8 once decoded
