"""The content version: a token the database replaces itself on every write to what pages show.

Every entry of the page cache (courses/page_cache.py) is stored with the content version it was
computed under; an entry of another version is a miss. The version lives in one row of the table
`masar_content_version`, and triggers on every content table (the page tables, view
restrictions, sites, locales, quizzes, images, documents) replace it with a random token on any
INSERT, UPDATE or DELETE (and TRUNCATE on PostgreSQL), whatever the write path: `save()`,
`QuerySet.update()`, Wagtail's bulk actions, `load_content`, raw SQL. The new token is part of
the writer's transaction, so other requests see it exactly when they see the new content: a
page rendered from the old rows during the transaction is stored under the old version, and
never served after the commit. A token is random, not a counter, so the version of a
transaction that rolled back never comes back. A request reads the version once, when it first
uses the page cache: on SQLite with one primary-key query, on PostgreSQL from the listener below.

On PostgreSQL the triggers also NOTIFY the new token once the transaction commits, and one
thread per process LISTENs (`_Listener`): a request outside a transaction then knows the version
without a query. Inside a transaction (commands, tests, a view that writes) the version is read
from the database, which also shows the transaction's own changes; so is it while the listener
is not connected. The listener checks its connection every few seconds. Content saved by this
process (save() and Wagtail's signals) makes the next read ask the database, so the process that
published sees its change at once, before its own notification arrives.

The table and its triggers are created after every `migrate` (`install`, connected to
post_migrate), so a new page model gets its triggers with the migration that creates it. The
table is not a Django model, and flushing a test database keeps it.
"""

import logging
import os
import threading
import time

from django.apps import apps
from django.conf import settings
from django.db import connections

logger = logging.getLogger("masar.content_version")

TABLE = "masar_content_version"
CHANNEL = "masar_content_version"
CHECK_SECONDS = 5  # the listener's health check
_NEW_TOKEN = {"sqlite": "lower(hex(randomblob(16)))", "postgresql": "md5(random()::text || clock_timestamp()::text)"}


def _replace_sql(vendor: str) -> str:
    token = _NEW_TOKEN[vendor]
    return f"INSERT INTO {TABLE} (id, token) VALUES (1, {token}) ON CONFLICT (id) DO UPDATE SET token = excluded.token"


# Besides the page models: what else pages show.
CONTENT_MODELS = (
    "wagtailcore.Page",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "quizzes.Quiz",  # course and module pages show quiz titles
    "wagtailimages.Image",  # lesson bodies show images
    "wagtaildocs.Document",  # and link documents
)


def content_tables() -> list[str]:
    """The tables whose rows pages show."""
    from wagtail.models import get_page_models

    tables = {model._meta.db_table for model in get_page_models()}
    tables.update(apps.get_model(label)._meta.db_table for label in CONTENT_MODELS)
    return sorted(tables)


def install(using: str = "default", **kwargs) -> None:
    """Create the version row's table and a trigger on every content table (idempotent)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = [table for table in content_tables() if table in existing]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, token varchar(40) NOT NULL)")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""CREATE OR REPLACE FUNCTION masar_content_version_replace() RETURNS void AS $$
                DECLARE new_token text := {_NEW_TOKEN["postgresql"]};
                BEGIN
                  INSERT INTO {TABLE} (id, token) VALUES (1, new_token)
                  ON CONFLICT (id) DO UPDATE SET token = excluded.token;
                  PERFORM pg_notify('{CHANNEL}', new_token);
                END $$ LANGUAGE plpgsql"""
            )
            cursor.execute(
                """CREATE OR REPLACE FUNCTION masar_content_version_raise() RETURNS trigger AS $$
                BEGIN PERFORM masar_content_version_replace(); RETURN NULL; END $$ LANGUAGE plpgsql"""
            )
            for table in tables:
                for event in ("INSERT OR UPDATE OR DELETE", "TRUNCATE"):
                    name = "masar_content_version" + ("_truncate" if event == "TRUNCATE" else "")
                    cursor.execute(
                        f'CREATE OR REPLACE TRIGGER {name} AFTER {event} ON "{table}" '
                        "FOR EACH STATEMENT EXECUTE FUNCTION masar_content_version_raise()"
                    )
        elif connection.vendor == "sqlite":
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS "masar_content_version_{table}_{event.lower()}" '
                        f'AFTER {event} ON "{table}" BEGIN {_replace_sql("sqlite")}; END'
                    )
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite
            raise NotImplementedError(f"no content version triggers for {connection.vendor}")


def read(using: str = "default") -> str:
    """Return the current content version (as the caller's transaction sees it)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        if _local_changes.seen:
            _local_changes.seen = False  # this once from the database: our own change shows at once
        else:
            token = _listener.token()
            if token is not None:
                return token
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else "none"


def replace(using: str = "default") -> None:
    """Replace the version by hand, for a change the triggers cannot see."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT masar_content_version_replace()")
        else:
            cursor.execute(_replace_sql(connection.vendor))
    changed_here()


class _LocalChanges(threading.local):
    seen = False


_local_changes = _LocalChanges()


def changed_here(**kwargs) -> None:
    """This thread wrote content: its next read asks the database (its notification may not
    have arrived yet). Connected to the content models' signals (courses/signals.py)."""
    _local_changes.seen = True


class _Listener:
    """The version as PostgreSQL's notifications tell it, kept by one thread per process."""

    def __init__(self):
        self._token = None
        self._pid = None
        self._lock = threading.Lock()

    def token(self) -> str | None:
        """Return the version, or None while not listening (the caller asks the database)."""
        if not getattr(settings, "MASAR_CONTENT_VERSION_LISTEN", True):
            return None
        if self._pid != os.getpid():  # first use in this process (gunicorn forks its workers)
            with self._lock:
                if self._pid != os.getpid():
                    self._pid, self._token = os.getpid(), None
                    threading.Thread(target=self._run, args=(self._pid,), daemon=True, name=CHANNEL).start()
        return self._token

    def _run(self, pid: int) -> None:
        import psycopg

        params = connections["default"].get_connection_params()
        keep = {"dbname", "user", "password", "host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey", "options"}
        params = {key: value for key, value in params.items() if key in keep and value}
        while self._pid == pid:
            try:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while self._pid == pid:
                        # Read after LISTEN: a change from now on arrives as a notification.
                        row = conn.execute(f"SELECT token FROM {TABLE} WHERE id = 1").fetchone()
                        self._token = row[0] if row else "none"
                        for notify in conn.notifies(timeout=CHECK_SECONDS):
                            self._token = notify.payload
            except Exception:  # a lost connection: requests ask the database until it is back
                logger.warning("content version listener disconnected; reconnecting", exc_info=True)
            self._token = None
            time.sleep(1)


_listener = _Listener()
