"""Every cache of Masar: the layers, what each keys on, what invalidates it, what it saves.

Course content changes rarely (an editor publishes), trainees read it all day, so pages keep
what they computed. Each layer has a name; `MASAR_CACHE_LAYERS_OFF` (env `CACHE_LAYERS_OFF`,
comma-separated) switches layers off, and a page is the same with or without any of them
(tests/courses/test_caches_off.py). What a layer saves is measured by `bench/profile_pages.py
--compare LAYER` (in one process, with and without, alternating) and `bench/pages.py --without
LAYER`; "saves" below is the in-process figure of BENCHMARKS.md, "Fourth round: caches".

anonymous-pages    The whole response (body, content type) of a catalog, course or module page
                   for a visitor with no session and no pending messages (courses/caches.py,
                   courses/views.py). Keys: host, path. Invalidated by the content version.
                   Saves rendering the page: the catalog 13.7 -> 0.5 ms.
routes             A URL's page as plain data: its model, its row and Wagtail's route arguments
                   (courses/caches.py). Keys: host, language, path. Content version. Saves
                   Wagtail's walk down the tree (site, locale, root, each level): lesson 17.6 ->
                   2.9 ms.
fragments          The HTML of `{% fragmentcache %}` blocks (courses/templatetags): a lesson's
                   body, its pager, its outline; a course's and a module's outline. Keys: host,
                   language, name, values (such as the outline's progress signature). Content
                   version. Saves rendering them (rich text reads its links): lesson 13.5 -> 3.2.
course-structures  A course's live modules (with their quizzes) and lessons as plain records,
                   and the ids of the courses that use a quiz (courses/selectors.py). Keys: the
                   course's tree path; the quiz's translation key and locale. Content version.
                   Saves reading them and their URLs: lesson 32.4 -> 3.4 ms, course 30.4 -> 3.5;
                   a quiz's submit 2 queries, its result page 1. Also the live courses of a
                   language (translation key, path; key: the language): with the structures, My
                   learning reads no page, 7.5 -> 3.0 ms.
translation-links  A page's (language, URL) pairs for the language switch (courses/models.py).
                   Keys: host, page id. Content version. Saves 2 queries and the URLs: lesson
                   10.2 -> 2.4 ms.
quiz-content       Quizzes (with their locale and pool size), each quiz's pool (question ids,
                   points, keys), questions as their own types with their choices, and the
                   question categories' names of a language, as plain records
                   (quizzes/selectors.py, quizzes/categories.py); each request builds its own
                   instances from them. Keys: quiz id, question id, language. Content version
                   (the quiz, question, choice, pool and category tables are content tables).
                   Saves the quiz pages' content queries: see BENCHMARKS.md, "Fifth round".
attempt-reviews    The HTML of a closed attempt's "By topic" and "Review" sections on its result
                   page (quizzes/templates/quizzes/result.html), through the fragment tag. Keys:
                   host, language, attempt id and its stamp (status, score, passed, last marking,
                   whether the full review is open: `AttemptReview.stamp`). Content version. In
                   the shared cache only, not in the memory layer, so trainees' results never
                   push the content out of a process's memory. Saves building the review and
                   rendering it: see BENCHMARKS.md, "Sixth round".
view-restrictions  Whether any page is restricted at all (courses/models.py). Content version.
                   Saves Wagtail's query for the page's ancestors' restrictions: lesson 2.3 -> 1.8.
progress           A trainee's enrollments, lessons done and quizzes passed (courses/selectors.py),
                   fetched with the signed-in user in one round trip. Keys: user id (and join
                   time, so a reused id is a miss). Invalidated by saves and deletes of
                   Enrollment, LessonCompletion and Attempt, by the visit's update(), and again
                   once the transaction commits. Saves 3 queries: lesson 3.7 -> 1.9 ms.
places             Where a trainee is in each course: the last lesson read and when
                   (courses/selectors.py), fetched with the progress. Keys: user id (and join
                   time). Invalidated with the progress, and by a visit that moves the place
                   (courses.services.lesson_visit), so reading lessons in turn costs one query
                   a page instead of the progress's three.
signed-in-user     The user row, per process, on PostgreSQL (accounts/backends.py). Keys: user id.
                   Invalidated by a NOTIFY from a trigger on the user table, and local saves.
                   Saves the user query: lesson 2.9 -> 1.8 ms.
header             The brand, menu and language switch of visitors and trainees, per process
                   (core/templatetags/masar.py). Keys: language, links, signed in: all it shows,
                   so nothing invalidates it. Saves rendering it: lesson 2.7 -> 2.0 ms.
memory             The versioned entries above that are frozen, per process (bounded), so a page
                   reads them without a round trip to the shared cache or unpickling. Content
                   version. Saves lesson 4.5 -> 2.4 ms, the cached catalog 0.7 -> 0.3.
compiled-queries   The SQL of the hottest reads (`caching.CompiledQuery`: an attempt, an attempt
                   with its answers, a trainee's places and assignments), compiled once per
                   thread instead of on every request: Django builds a queryset's joins, columns
                   and ordering anew each time, which costs more than running a primary-key read.
                   Keys: the query, the thread's connection. Holds no data, so nothing
                   invalidates it. Saves: quiz question 3.84 -> 2.94 ms (BENCHMARKS.md, "Tenth
                   round").
redis-client       Not a store: one Redis client per connection pool (RedisCache below), read
                   from the settings at start. Saves building a client per operation.

The content version (courses/content_version.py) is a token the database replaces on every write
to a content table, whatever wrote it; an entry stored under another version is a miss, so a change
shows on the next request in every process, and an entry computed from rows a transaction was
still changing is never served after its commit. It does the job of Wagtail's page_published /
page_unpublished purges (frontend_cache) for bulk updates and raw SQL too, which send no signal.
A request reads the version once (on PostgreSQL from memory, kept up to date by notifications;
on SQLite with one primary-key query).

Everything kept between requests is plain frozen data (str, bytes, numbers, dates, UUIDs, tuples,
frozensets, frozen dataclasses of those), never a model instance a later line could mutate:
the "memory" layer refuses anything else, and a cached route rebuilds its page for each request.

The shared cache (`CACHES["shared"]`, env `SHARED_CACHE_URL`, else `CACHE_URL`, else a folder under
var/) is seen by every web process and worker; keys carry the database name, so a test run and
`make run` never read each other's entries. `SHARED_CACHE_SECONDS` bounds the life of an entry.

RedisCache below is Django's Redis backend with one client per connection pool: Django's builds a
`redis.Redis` per operation, and redis-py fills a table of several hundred response callbacks in
each, which costs more than the round trip itself.
"""

import dataclasses
import datetime
import decimal
import functools
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.db import connection, transaction

SHARED = "shared"
LAYERS = (
    "anonymous-pages",
    "routes",
    "fragments",
    "course-structures",
    "translation-links",
    "quiz-content",
    "attempt-reviews",
    "view-restrictions",
    "progress",
    "places",
    "signed-in-user",
    "header",
    "memory",
    "compiled-queries",
    "redis-client",
)
MEMORY_ENTRIES = 2000  # per process
SHARED_ONLY = frozenset({"attempt-reviews"})  # layers kept out of the memory layer (one entry per trainee)


def enabled(layer: str) -> bool:
    """Return True unless `layer` is switched off (MASAR_CACHE_LAYERS_OFF)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown cache layer {layer!r}")
    return layer not in getattr(settings, "MASAR_CACHE_LAYERS_OFF", ())


def shared_cache():
    return caches[SHARED]


def shared_key(name: str) -> str:
    return f"masar:{connection.settings_dict['NAME']}:{name}"


def shared_timeout() -> int:
    return getattr(settings, "MASAR_SHARED_CACHE_SECONDS", 600)


# --- what belongs to one request ---------------------------------------------------------


class _Request(threading.local):
    active = False  # outside requests (commands, tasks) the version is read on every use
    version: str | None = None
    signed_in: int | None = None  # the user whose entries a page may ask for
    user_entries: dict | None = None  # {key: value} fetched by user_entries_fetch


_request = _Request()


def request_started(**kwargs) -> None:
    """Connected to Django's request_started (core/apps.py): the request reads the version anew."""
    _request.active = True
    _request.version = None
    _request.signed_in = _request.user_entries = None


def request_finished(**kwargs) -> None:
    _request.active = False
    _request.version = None
    _request.signed_in = _request.user_entries = None


# --- versioned entries: stored with the content version, a miss under another -------------

_version_reader: list[Callable[[], str]] = []


def version_reader(read: Callable[[], str]) -> None:
    """Register the function that returns the content version (courses/content_version.py)."""
    _version_reader[:] = [read]


def version() -> str:
    """Return the content version, read once per request."""
    current = _request.version if _request.active else None
    if current is None:
        current = _version_reader[0]()
        if _request.active:
            _request.version = current
    return current


def version_forget() -> None:
    """The content changed in this request: read the version again."""
    _request.version = None


_memory: OrderedDict[str, tuple] = OrderedDict()
_memory_lock = threading.Lock()


def frozen(value) -> bool:
    """Return True if `value` is plain immutable data, safe to share between requests."""
    if value is None or isinstance(value, str | bytes | int | float | decimal.Decimal | datetime.date | uuid.UUID):
        return True
    if isinstance(value, tuple | frozenset):
        return all(frozen(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        params = getattr(type(value), "__dataclass_params__", None)
        return bool(params and params.frozen) and all(frozen(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def get_many(layer: str, names: Iterable[str]) -> tuple[str | None, dict]:
    """Return (content version, {name: value}) for the names of `layer` stored under it."""
    if not enabled(layer):
        return None, {}
    current = version()
    keys = {shared_key(f"{layer}:{name}"): name for name in names}
    values, missing = {}, []
    use_memory = enabled("memory") and layer not in SHARED_ONLY
    for key, name in keys.items():
        entry = _memory.get(key) if use_memory else None
        if entry is not None and entry[0] == current:
            values[name] = entry[1]
        else:
            missing.append(key)
    if missing:
        found = shared_cache().get_many(missing)
        for key in missing:
            entry = found.get(key)
            if entry is not None and entry[0] == current:
                values[keys[key]] = entry[1]
                if use_memory:
                    _memory_keep(key, entry)
    return current, values


def _memory_keep(key: str, entry: tuple) -> None:
    if not frozen(entry[1]):
        return
    with _memory_lock:
        _memory[key] = entry
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


def set_many(layer: str, version_read: str | None, values: dict) -> None:
    """Store {name: value} of `layer` under `version_read` (the one `get_many` returned)."""
    if values and version_read is not None and enabled(layer):
        entries = {shared_key(f"{layer}:{name}"): (version_read, value) for name, value in values.items()}
        shared_cache().set_many(entries, shared_timeout())


def remember(layer: str, name: str, compute: Callable):
    """Return the value of `name` in `layer`, computing and storing it on a miss."""
    current, found = get_many(layer, [name])
    if name in found:
        return found[name]
    value = compute()
    set_many(layer, current, {name: value})
    return value


def remember_many(layer: str, names: list[str], compute: Callable[[list[str]], dict]) -> dict:
    """Return {name: value} for `names`; `compute(missing names)` returns the missing values."""
    current, found = get_many(layer, names)
    missing = [name for name in names if name not in found]
    if missing:
        computed = compute(missing)
        set_many(layer, current, computed)
        found.update(computed)
    return found


# --- a user's own entries, fetched with the user ------------------------------------------

_user_layers: list[str] = []


def user_layer(layer: str) -> None:
    """Register `layer` as one whose entries (one per user) are fetched with the signed-in user."""
    if layer not in _user_layers:
        _user_layers.append(layer)


def _user_key(layer: str, user_id: int) -> str:
    return shared_key(f"{layer}:{user_id}")


def user_signed_in(user_id: int) -> None:
    """The request's user is known (accounts/backends.py): the first of their entries a page asks
    for brings all of them, in one round trip; a page that needs none costs none."""
    _request.signed_in, _request.user_entries = user_id, None


def user_entries_fetch(user_id: int) -> None:
    """Fetch every entry of user `user_id` in one round trip, for the rest of the request."""
    keys = [_user_key(layer, user_id) for layer in _user_layers if enabled(layer)]
    found = shared_cache().get_many(keys) if keys else {}
    _request.user_entries = {key: found.get(key) for key in keys}


def user_get(layer: str, user_id: int):
    if not enabled(layer):
        return None
    key = _user_key(layer, user_id)
    if _request.user_entries is None and _request.signed_in == user_id:
        user_entries_fetch(user_id)
    fetched = _request.user_entries
    if fetched is not None and key in fetched:
        return fetched[key]
    return shared_cache().get(key)


def user_set(layer: str, user_id: int, value) -> None:
    if enabled(layer):
        key = _user_key(layer, user_id)
        _fetched_forget(key)
        shared_cache().set(key, value, shared_timeout())


def user_forget(layer: str, user_id: int) -> None:
    """Clear the entry now and, inside a transaction, again once it commits: a request that read
    the database before the commit may have stored the old state in between. Outside one the
    write before this call has committed already, and once is enough."""
    key = _user_key(layer, user_id)
    _fetched_forget(key)
    shared_cache().delete(key)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: shared_cache().delete(key), robust=True)


def _fetched_forget(key: str) -> None:
    if _request.user_entries is not None:
        _request.user_entries.pop(key, None)


# --- per process --------------------------------------------------------------------------


def process_memo(layer: str, maxsize: int = 1000):
    """Decorate a function of frozen arguments: its results are kept per process while `layer`
    is on. Only for what depends on nothing but the arguments (no content, no user)."""

    def decorate(function):
        memo = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def wrapper(*args):
            return memo(*args) if enabled(layer) else function(*args)

        wrapper.cache_clear = memo.cache_clear
        return wrapper

    return decorate


# --- compiled SQL ---------------------------------------------------------------------------


class CompiledQuery:
    """A read whose SQL is compiled once per thread, then run with new parameters.

    `build(**params)` returns the queryset, a `values_list`; its parameters are integers (ids),
    and it depends on nothing else (no time, no language, no setting): what it reads at compile
    time stays in the SQL. It is built once with a stand-in for each, an integer no row has, which marks where that
    parameter goes among the SQL's parameters; each run then sends the same SQL with the real
    values and passes the rows through the fields' converters, as Django's own iteration does.
    The compiled form is kept per thread because it belongs to the thread's connection."""

    STAND_IN = -(2**62)

    def __init__(self, build: Callable):
        self._build = build
        self._local = threading.local()

    def rows(self, **params: int) -> list[tuple]:
        if not enabled("compiled-queries"):
            return list(self._build(**params))
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or compiled[0] != sorted(params):
            compiled = self._local.compiled = self._compile(sorted(params))
        names, sql, slots, compiler, converters = compiled
        values = [params[slot] if isinstance(slot, _Slot) else slot for slot in slots]
        with compiler.connection.cursor() as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        if converters:
            rows = list(map(tuple, compiler.apply_converters(rows, converters)))
        return rows

    def _compile(self, names: list[str]) -> tuple:
        stand_ins = {self.STAND_IN - index: name for index, name in enumerate(names)}
        queryset = self._build(**{name: value for value, name in stand_ins.items()})
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots = [_Slot(stand_ins[p]) if isinstance(p, int) and p in stand_ins else p for p in params]
        if {slot for slot in slots if isinstance(slot, _Slot)} != set(map(_Slot, names)):
            raise ValueError("every parameter of a compiled query must reach its SQL as it was given")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return names, sql, slots, compiler, compiler.get_converters(fields)


class _Slot(str):
    """The name of a parameter, where its value goes among the SQL's parameters."""


# --- the Redis backend ----------------------------------------------------------------------


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
