"""The language of pages whose URL names none (/, /verify/<code>/)."""

from django.conf import settings
from django.utils import translation

LANGUAGE_PARAMETER = "lang"  # ?lang=ar: the language switch of a page without a language prefix
ADMIN_PREFIXES = ("/admin/", "/django-admin/")  # the admins choose their own language
LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


class LanguageChoiceMiddleware:
    """Where the URL has a language prefix, it alone decides (LocaleMiddleware). Where it has
    none, the language is the one asked for with ?lang= (remembered in the language cookie),
    else the language cookie, else the signed-in user's preferred language, else the browser's.

    Runs after AuthenticationMiddleware (it reads the user) and inside LocaleMiddleware, whose
    redirect of "/" to "/<language>/" then uses the language chosen here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asked = None
        path = request.path_info
        if translation.get_language_from_path(path) is None and not path.startswith(ADMIN_PREFIXES):
            asked = request.GET.get(LANGUAGE_PARAMETER)
            asked = asked if asked in LANGUAGE_CODES else None
            language = asked or self._remembered(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if asked:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                asked,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def _remembered(request) -> str | None:
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in LANGUAGE_CODES:
            return None  # LocaleMiddleware has read it already
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language in LANGUAGE_CODES:
            return user.preferred_language
        return None
