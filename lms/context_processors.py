from django.conf import settings
from django.utils.translation import get_language, get_language_bidi


def masar(request):
    """Expose the active language's direction and the site name to every template."""
    return {
        "LANG": get_language(),
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
    }
