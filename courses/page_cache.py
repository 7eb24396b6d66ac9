"""Caches that make course pages fast, all invalidated at once whenever content changes.

Wagtail finds a page from its URL one level at a time and reads the site, the locale and
the view restrictions on every request: about ten queries before a lesson is even
rendered. Course content changes rarely (an editor publishes), trainees read it all day.
So this module keeps, in the "pages" cache:

- the route of each URL (the site and the specific page), see `courses.views.serve`;
- the structure of each course (its modules with their quizzes, and its lessons);
- the rendered body of each lesson, and each page's links to its translations;
- whether any view restriction exists at all;
- the whole response of catalog, course and module pages for anonymous visitors.

Every entry is stored with the *content version*, a random token that `content_changed`
replaces whenever a page, a quiz, an image, a site or a view restriction is saved, deleted,
published, unpublished or moved (courses/signals.py). An entry of another version is a miss.
The "pages" cache is shared by every process (a folder under var/ by default, Redis in
production), so publishing in the admin invalidates every web process at once. Keys carry the
database name, so two databases (a test run and `make run`) never read each other's entries.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse

CACHE_ALIAS = "pages"


def _cache():
    return caches[CACHE_ALIAS]


def _timeout() -> int:
    return getattr(settings, "MASAR_PAGE_CACHE_SECONDS", 600)


def _key(name: str) -> str:
    return f"masar:{connection.settings_dict['NAME']}:{name}"


def _version_key() -> str:
    return _key("content-version")


# Per thread: the content version read for the current request, and the entries already
# unpickled (name -> (version, value)), so that a page asks the shared cache for the version
# once per request and for an entry once per version. Entries are read-only once cached.
_local = threading.local()
LOCAL_ENTRIES = 1000


def request_started(**kwargs) -> None:
    """Read the version afresh in this request (connected to Django's request_started)."""
    _local.version = None
    _local.in_request = True


def request_finished(**kwargs) -> None:
    """Outside requests (commands, tasks) the version is read on every use."""
    _local.version = None
    _local.in_request = False


def content_changed() -> None:
    """Invalidate every entry: called by the signal handlers when content changes."""
    _cache().set(_version_key(), uuid.uuid4().hex, None)
    _local.version = None


def _entries() -> OrderedDict:
    if not hasattr(_local, "entries"):
        _local.entries = OrderedDict()
    return _local.entries


def _current_version() -> str:
    version = getattr(_local, "version", None)
    if version is None:
        cache = _cache()
        version = cache.get(_version_key())
        if version is None:  # first use, or evicted: start a new version
            cache.add(_version_key(), uuid.uuid4().hex, None)
            version = cache.get(_version_key())
        if getattr(_local, "in_request", False):
            _local.version = version
    return version


def get_many(names: Iterable[str]) -> tuple[str, dict]:
    """Return (content version, {name: value}) for the names stored under the current version."""
    version = _current_version()
    entries = _entries()
    values, missing = {}, []
    for name in names:
        entry = entries.get(name)
        if entry is not None and entry[0] == version:
            values[name] = entry[1]
        else:
            missing.append(name)
    if missing:
        found = _cache().get_many([_key(name) for name in missing])
        for name in missing:
            entry = found.get(_key(name))
            if entry is not None and entry[0] == version:
                values[name] = entry[1]
                _remember_locally(name, entry)
    return version, values


def _remember_locally(name: str, entry: tuple) -> None:
    entries = _entries()
    entries[name] = entry
    entries.move_to_end(name)
    while len(entries) > LOCAL_ENTRIES:
        entries.popitem(last=False)


def set_many(version: str, values: dict) -> None:
    """Store {name: value} under `version` (the one `get_many` returned before computing them)."""
    if values:
        _cache().set_many({_key(name): (version, value) for name, value in values.items()}, _timeout())


def remember(name: str, compute: Callable):
    """Return the value stored under `name`, computing and storing it on a miss."""
    version, found = get_many([name])
    if name in found:
        return found[name]
    value = compute()
    set_many(version, {name: value})
    return value


def remember_many(names: list[str], compute: Callable[[list[str]], dict]) -> dict:
    """Return {name: value} for `names`; `compute(missing names)` returns the missing values."""
    version, found = get_many(names)
    missing = [name for name in names if name not in found]
    if missing:
        computed = compute(missing)
        set_many(version, computed)
        found.update(computed)
    return found


def any_view_restrictions() -> bool:
    """Return True if some page has a view restriction (a password, a login, groups)."""
    from wagtail.models import PageViewRestriction

    return remember("view-restrictions", lambda: PageViewRestriction.objects.exists())


# --- whole responses for anonymous visitors ---------------------------------------------


def anonymous_response_key(request) -> str | None:
    """Return the cache name of the response to `request`, or None if it must not come from the cache.

    Only plain GETs without a query string from visitors who carry no session and no pending
    messages: for them the page cannot depend on who they are."""
    if request.method != "GET" or request.GET:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    return f"response:{request.get_host()}:{request.path}"


def response_storable(request, response, page) -> bool:
    """Return True if `response` of `page` is the same for every anonymous visitor."""
    return bool(
        getattr(page, "cache_for_anonymous", False)
        and response.status_code == 200
        and not response.cookies
        and not response.has_header("Cache-Control")  # Wagtail marks restricted pages never-cache
        # A CSRF token or a CSP nonce in the page belongs to one visitor only.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None
    )


def response_freeze(response) -> tuple[bytes, str]:
    return response.content, response["Content-Type"]


def response_thaw(frozen: tuple[bytes, str]) -> HttpResponse:
    content, content_type = frozen
    return HttpResponse(content, content_type=content_type)
