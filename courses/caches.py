"""The cache layers that courses fill (core/caching.py lists every layer, its key, what invalidates
it and what it saves): whole pages for anonymous visitors, routes, translation links, whether any
view restriction exists, and each trainee's progress. Course structures are stored by
courses/selectors.py and fragments by the tag in core/templatetags/fragmentcache.py, through the same
functions. Every entry but the progress carries the content version (courses/content_version.py).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.utils import translation
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction

from core import caching

from . import content_version

caching.version_reader(content_version.read)
caching.user_layer("progress")
caching.user_layer("places")


def content_changed() -> None:
    """Invalidate every versioned entry by hand, for a change the database triggers cannot see."""
    content_version.replace()
    caching.version_forget()


def any_view_restrictions() -> bool:
    """Return True if some page has a view restriction (a password, a login, groups)."""
    return caching.remember("view-restrictions", "any", PageViewRestriction.objects.exists)


def translation_links(page, request, compute: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Return {language code: URL} of `page`'s live translations (`compute` reads them)."""
    name = f"{request.get_host()}:{page.pk}"
    return dict(caching.remember("translation-links", name, lambda: tuple(sorted(compute().items()))))


# --- routes: which page a URL shows ------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A URL's page as plain data: its specific model, its row and Wagtail's route arguments.
    Each request builds its own instance from the row, so no line can change another's page."""

    model: str  # the specific page model's label
    names: tuple[str, ...]  # the row's attribute names, in the model's field order
    values: tuple  # StreamFields as their JSON text
    args: tuple
    kwargs: tuple  # (name, value) pairs

    @classmethod
    def of(cls, page, args, kwargs) -> "Route":
        names, values = [], []
        for field in page._meta.concrete_fields:
            value = getattr(page, field.attname)
            if isinstance(field, StreamField):
                value = json.dumps(field.get_prep_value(value), cls=DjangoJSONEncoder)
            names.append(field.attname)
            values.append(value)
        return cls(page._meta.label, tuple(names), tuple(values), tuple(args), tuple(sorted(kwargs.items())))

    def page(self):
        # A StreamField's descriptor turns the JSON text back into its StreamValue.
        return apps.get_model(self.model).from_db(DEFAULT_DB_ALIAS, self.names, self.values)


def route_find(request, path: str):
    """Return (specific page, args, kwargs) for `path`, or None (no such page: a 404).

    Wagtail finds a page one URL level at a time, reading the site, the locale, the root page
    and each level's page and its specific row; a cached route holds the page's row."""
    name = f"{request.get_host()}:{translation.get_language()}:{path}"
    version, found = caching.get_many("routes", [name])
    route = found.get(name)
    if route is not None:
        return route.page(), list(route.args), dict(route.kwargs)
    result = Page.route_for_request(request, path)
    if result is None:
        return None
    page, args, kwargs = result
    route = Route.of(page, args, kwargs)
    if caching.frozen(route):  # a page with a field of another kind, or route arguments, is not kept
        caching.set_many("routes", version, {name: route})
    return page, args, kwargs


# --- whole responses for anonymous visitors ---------------------------------------------


def anonymous_response_name(request) -> str | None:
    """Return the name of the response to `request` in the cache, or None if it must not come from it.

    Only plain GETs without a query string from visitors who carry no session and no pending
    messages: for them the page cannot depend on who they are."""
    if not caching.enabled("anonymous-pages") or request.method != "GET" or request.GET:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    return f"{request.get_host()}:{request.path}"


def anonymous_response_get(name: str) -> tuple[str | None, HttpResponse | None]:
    """Return (content version, the cached response or None)."""
    version, found = caching.get_many("anonymous-pages", [name])
    if name not in found:
        return version, None
    content, content_type = found[name]
    return version, HttpResponse(content, content_type=content_type)


def anonymous_response_keep(name: str, version: str | None, request, response, page) -> None:
    """Store `response` of `page` if it is the same for every anonymous visitor."""
    storable = (
        getattr(page, "cache_for_anonymous", False)
        and response.status_code == 200
        and not response.cookies
        and not response.has_header("Cache-Control")  # Wagtail marks restricted pages never-cache
        # A CSRF token or a CSP nonce in the page belongs to one visitor only (django-csp's
        # csp_nonce is true once a template has used it).
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "csp_nonce", None)
    )
    if storable:
        caching.set_many("anonymous-pages", version, {name: (response.content, response["Content-Type"])})


# --- each trainee's progress -------------------------------------------------------------


# An id comes back after a rollback (tests) or a restored backup: each entry carries the user's
# join time, and an entry of another user of the same id is a miss.


def _user_entry_get(layer: str, user):
    entry = caching.user_get(layer, user.pk)  # fetched with the signed-in user
    return entry[1] if entry is not None and entry[0] == user.date_joined else None


def progress_get(user):
    """Return `user`'s progress (courses.selectors.Progress) from the cache, or None."""
    return _user_entry_get("progress", user)


def progress_set(user, value) -> None:
    caching.user_set("progress", user.pk, (user.date_joined, value))


def places_get(user):
    """Return where `user` is in each course (courses.selectors.Places) from the cache, or None."""
    return _user_entry_get("places", user)


def places_set(user, value) -> None:
    caching.user_set("places", user.pk, (user.date_joined, value))


def places_forget(user_id: int) -> None:
    """Clear where a trainee is, now and once the current transaction commits (a visit moved it)."""
    caching.user_forget("places", user_id)


def progress_forget(user_id: int) -> None:
    """Clear a trainee's progress and places, now and once the current transaction commits."""
    caching.user_forget("progress", user_id)
    caching.user_forget("places", user_id)
