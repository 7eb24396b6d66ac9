from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from core import caching, i18n

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context):
    """Render the brand, the main navigation and the language switch (includes/site_header.html).

    Visitors and trainees all get the same header for a page and language, so theirs is
    rendered once per process (the "header" layer of core/caching.py); HR, editors and staff get
    theirs rendered each time, since their menu depends on their rights. The account menu, with
    its name and CSRF token, is not part of it."""
    user = context["user"]
    language = translation.get_language()
    links = language_links(context)
    if user.is_authenticated and (user.role != user.Role.TRAINEE or user.is_staff or user.is_superuser):
        rights = {
            "can_mark": user.has_perm("quizzes.mark_answer"),
            "is_hr": user.is_hr,
            "can_edit": user.can_use_wagtail_admin,
        }
        return _render_header(language, links, signed_in=True, **rights)
    return _shared_header(language, links, user.is_authenticated, get_script_prefix())


@caching.process_memo("header")
def _shared_header(language: str, links: tuple, signed_in: bool, _script_prefix: str) -> str:
    return _render_header(language, links, signed_in=signed_in)


def _render_header(language: str, links: tuple, **values) -> str:
    return get_template("includes/site_header.html").render({"LANG": language, "links": links, **values})


def language_links(context) -> tuple[tuple[str, str, str, bool], ...]:
    """Return (code, name, url, active) for each language; a page links to its translation."""
    request = context.get("request")
    page = context.get("page") or context.get("self")
    current = translation.get_language()
    translations = {}
    if page is not None and hasattr(page, "translation_urls") and request is not None:
        translations = page.translation_urls(request)  # cached ("translation-links", courses/caches.py)
    elif page is not None and hasattr(page, "get_translations"):
        translations = {
            p.locale.language_code: p.url for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
    links = []
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code]
        elif request is not None:
            url = local_path(other_language_path(request.get_full_path(), code), f"/{code}/")
            if translation.get_language_from_path(url) is None:
                url = with_language_parameter(url, code)  # /verify/<code>/ has no language prefix
        else:
            url = f"/{code}/"
        links.append((code, str(name), url, code == current))
    return tuple(links)


def other_language_path(path: str, code: str) -> str:
    """`path` in language `code`. Masar's URL patterns are the same in every language (none is
    translated), so a path under a language prefix only changes its prefix: the answer Django's
    `translate_url` gives, without resolving and reversing the path on every page. Any other path
    goes through `translate_url`."""
    current = translation.get_language_from_path(path)
    if current is not None:
        return f"/{code}/{path[len(current) + 2 :]}"
    return translate_url(path, code)


def with_language_parameter(url: str, code: str) -> str:
    """Return `url` asking for language `code` with ?lang= (accounts.middleware reads it)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", code)])))


def local_path(url: str, fallback: str) -> str:
    """Return `url` if it is a path on this site, else `fallback`: a request path such as
    `//evil.com/x` or `/\\evil.com` must never become a link to another host."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return url
    return fallback


@register.filter
def local_date(value, language=None):
    return i18n.format_date(value, language)


@register.filter
def short_date(value, language=None):
    return i18n.format_short_date(value, language)


@register.filter
def local_digits(value, language=None):
    return i18n.localize_digits(value, language)


@register.filter(is_safe=True)
def content_digits(value):
    """On an Arabic page, the digits of `value`'s text (content written with Western digits) as
    the interface writes them: one digit style on the page (core.i18n.arabic_text_digits)."""
    if translation.get_language() != "ar":
        return value
    return mark_safe(i18n.arabic_text_digits(str(value)))  # only digits and separators in text change


@register.filter
def local_datetime(value, language=None):
    """A moment in the reader's time zone and language (core.i18n.format_moment)."""
    return i18n.format_moment(value, language)
