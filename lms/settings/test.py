"""Test settings: fast hashing, locmem email, plain static storage, and a database and caches of
the test run's own, whatever the environment says.

DATABASE_URL picks the database server (CI runs on PostgreSQL), where pytest-django makes a
test database of its own; CELERY_BROKER_URL still applies (Redis in CI; tasks go to a queue of
the tests' own). CACHE_URL and SHARED_CACHE_URL are ignored: a test never reads or clears the
developer's Redis. A test that needs Redis starts its own (tests/faults)."""

import os

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WAGTAILADMIN_BASE_URL = "http://testserver"

# A file-based SQLite test database, so that a real Celery worker started by a test
# (a separate process) sees the same data; PostgreSQL test databases are shared anyway.
# One file per test run (several runs may go on at once); a worker process started by a
# test gets its path through DATABASE_URL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("MASAR_TEST_DB", str(VAR_DIR / f"test-masar-{os.getpid()}.sqlite3"))  # noqa: F405
    }

# Tasks queued by tests go to their own queue (and folder), never to `make run`'s worker.
CELERY_TASK_DEFAULT_QUEUE = "masar-test"
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    _test_broker = VAR_DIR / "broker-test"  # noqa: F405
    MASAR_FOLDERS = [VAR_DIR, *(_test_broker / sub for sub in ("out", "processed", "control"))]  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_test_broker / "out"),
        "data_folder_out": str(_test_broker / "out"),
        "processed_folder": str(_test_broker / "processed"),
        "control_folder": str(_test_broker / "control"),
        "polling_interval": 0.1,
        "store_processed": False,
    }

# The caches of a test run are its own. "default" is per process; the "shared" cache is a
# folder of this run (emptied when the run starts, removed when it ends: tests/conftest.py), since
# a new test database gives old ids to new users and an entry left by an earlier run must not
# answer for them. A worker or web server that a test starts gets the folder through
# MASAR_TEST_CACHE, as it gets the database through DATABASE_URL.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "masar-test"},
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("MASAR_TEST_CACHE", str(VAR_DIR / f"cache-test-{os.getpid()}")),  # noqa: F405
        # Never cull: past MAX_ENTRIES (300 by default) Django's file cache deletes a third of its
        # entries at random, and a test that counts queries would see a miss another test caused.
        "OPTIONS": {"MAX_ENTRIES": 10_000_000},
    },
}
MASAR_CACHE_LAYERS_OFF = []  # every layer on, whatever CACHE_LAYERS_OFF says (tests switch them off)
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # base.py caches sessions when CACHE_URL is set
