"""Caches that make course pages fast, all invalidated at once whenever content changes.

Wagtail finds a page from its URL one level at a time and reads the site, the locale and
the view restrictions on every request: about ten queries before a lesson is even
rendered. Course content changes rarely (an editor publishes), trainees read it all day.
So this module keeps, in the cache shared by every process (core/cache.py):

- the route of each URL (the site and the specific page), see `courses.views.serve`;
- the structure of each course (its modules with their quizzes, and its lessons);
- template fragments (`{% pagecache %}`, courses/templatetags/pagecache.py): a lesson's body,
  its pager, its outline at each point of the course; and each page's links to its translations;
- whether any view restriction exists at all;
- the whole response of catalog, course and module pages for anonymous visitors;
- each trainee's progress (enrollments, lessons done, quizzes passed).

Every content entry is stored with the *content version* (courses/content_version.py), a token
the database replaces on every write to a content table, whatever wrote it; a request reads it
once. An entry of another version is a miss, so a change shows on the next request in every
process, and a page rendered from rows that a transaction is still changing is never served
after the commit.

A trainee's progress does not depend on the content version: it is cleared when one of their
enrollments, completions or quiz attempts is written (courses/signals.py).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import HttpResponse

from core import cache as lms_cache
from core.cache import shared_cache as _cache
from core.cache import shared_key as _key
from core.cache import shared_timeout as _timeout

from . import content_version

# Per thread: the content version read by the current request, and the entries already unpickled
# (name -> (version, value)), so that a page asks the shared cache for an entry once per version.
# Entries are read-only once cached. Outside requests (commands, tasks) the version is read on
# every use.
_local = threading.local()
LOCAL_ENTRIES = 1000


def request_started(**kwargs) -> None:
    """Connected to Django's request_started: each request reads the version again."""
    _local.version = None
    _local.in_request = True


def request_finished(**kwargs) -> None:
    _local.in_request = False
    _local.version = None


def content_changed() -> None:
    """Invalidate every entry by hand, for a change the database triggers cannot see."""
    content_version.replace()
    _local.version = None


def _entries() -> OrderedDict:
    if not hasattr(_local, "entries"):
        _local.entries = OrderedDict()
    return _local.entries


def _current_version() -> str:
    version = getattr(_local, "version", None) if getattr(_local, "in_request", False) else None
    if version is None:
        version = _local.version = content_version.read()
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


# --- each trainee's progress -------------------------------------------------------------


@lms_cache.user_entry
def _progress_name(user_id: int) -> str:
    return f"progress:{user_id}"


def progress_remember(user, compute: Callable):
    """Return `user`'s progress from the cache, computing and storing it on a miss."""
    # An id comes back after a rollback (tests) or a restored backup: the entry carries the
    # user's join time, and an entry of another user of the same id is a miss.
    key = _key(_progress_name(user.pk))
    entry = lms_cache.shared_get(key)  # fetched with the signed-in user (core/cache.py)
    if entry is not None and entry[0] == user.date_joined:
        return entry[1]
    value = compute()
    lms_cache.shared_set(key, (user.date_joined, value))
    return value


def progress_forget(user_id: int) -> None:
    """Clear a trainee's progress, now and once the current transaction commits: a request that
    read the database before the commit may have stored the old state in between."""
    key = _key(_progress_name(user_id))
    lms_cache.shared_delete(key)
    transaction.on_commit(lambda: lms_cache.shared_delete(key), robust=True)


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
