"""Test settings: fast hashing, locmem email, plain static storage; DATABASE_URL and
CELERY_BROKER_URL from the environment still apply (CI runs on PostgreSQL and Redis)."""

import os

from .base import *  # noqa: F403
from .base import CACHES, STORAGES

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
    for _sub in ("out", "processed", "control"):
        (_test_broker / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_test_broker / "out"),
        "data_folder_out": str(_test_broker / "out"),
        "processed_folder": str(_test_broker / "processed"),
        "control_folder": str(_test_broker / "control"),
        "polling_interval": 0.1,
        "store_processed": False,
    }

# The shared cache of tests lives in a folder of its own, emptied when a run starts
# (tests/conftest.py): a new test database gives old ids to new users, and an entry left by an
# earlier run must not answer for them. (With CACHE_URL, give the tests a Redis database of their own.)
if CACHES["pages"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    CACHES = {**CACHES, "pages": {**CACHES["pages"], "LOCATION": str(VAR_DIR / "cache-test")}}  # noqa: F405
