from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from lms import i18n

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """Return (code, name, url, active) for each language; a page links to its translation."""
    request = context.get("request")
    page = context.get("page") or context.get("self")
    current = translation.get_language()
    links = []
    translations = {}
    if page is not None and hasattr(page, "translation_urls") and request is not None:
        translations = page.translation_urls(request)  # cached (courses/page_cache.py)
    elif page is not None and hasattr(page, "get_translations"):
        translations = {
            p.locale.language_code: p.url for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code]
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        else:
            url = f"/{code}/"
        links.append({"code": code, "name": name, "url": url, "active": code == current})
    return links


@register.filter
def local_date(value, language=None):
    return i18n.format_date(value, language)


@register.filter
def short_date(value, language=None):
    return i18n.format_short_date(value, language)


@register.filter
def local_digits(value, language=None):
    return i18n.localize_digits(value, language)
