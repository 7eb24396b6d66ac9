"""The content version: a token the database replaces itself on every write to what pages show.

Every versioned entry of the caches (core/caching.py) is stored with the content version it was
computed under; an entry of another version is a miss. The version lives in one row of the table
`masar_content_version`, and triggers on every content table (the page tables, view
restrictions, sites, locales, quizzes and their questions, images, documents) replace it with a random token on any
INSERT, UPDATE or DELETE (and TRUNCATE on PostgreSQL), whatever the write path: `save()`,
`QuerySet.update()`, Wagtail's bulk actions, `load_content`, raw SQL. The new token is part of
the writer's transaction, so other requests see it exactly when they see the new content: a
page rendered from the old rows during the transaction is stored under the old version, and
never served after the commit. A token is random, not a counter, so the version of a
transaction that rolled back never comes back. A request reads the version once, when it first
uses the page cache: on SQLite with one primary-key query, on PostgreSQL from the listener below.

On PostgreSQL the triggers also NOTIFY the new token once the transaction commits, and each
process hears it (core/notifications.py): a request outside a transaction then knows the version
without a query. Inside a transaction (commands, tests, a view that writes) the version is read
from the database, which also shows the transaction's own changes; so is it while the listener
is not connected. Content saved by this
process (save() and Wagtail's signals) makes the next read ask the database, so the process that
published sees its change at once, before its own notification arrives.

The table and its triggers are created after every `migrate` (`install`, connected to
post_migrate), so a new page model gets its triggers with the migration that creates it. The
table is not a Django model, and flushing a test database keeps it.
"""

import threading

from django.apps import apps
from django.db import connections

from core import notifications

TABLE = "masar_content_version"
CHANNEL = "masar_content_version"
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
    # quiz pages keep their questions ("quiz-content", core/caching.py)
    "quizzes.Quiz_pools",
    "quizzes.Question",
    "quizzes.SingleChoiceQuestion",
    "quizzes.MultipleChoiceQuestion",
    "quizzes.TrueFalseQuestion",
    "quizzes.EssayQuestion",
    "quizzes.OrderingQuestion",
    "quizzes.NumericQuestion",
    "quizzes.Choice",
    "quizzes.QuestionCategory",
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
        elif notifications.listening(using) and _Token.value is not None:
            return _Token.value
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


class _Token:
    """The version as the database's notifications tell it (core/notifications.py)."""

    value: str | None = None

    @classmethod
    def read(cls, conn) -> None:
        row = conn.execute(f"SELECT token FROM {TABLE} WHERE id = 1").fetchone()
        cls.value = row[0] if row else "none"

    @classmethod
    def heard(cls, payload: str) -> None:
        cls.value = payload

    @classmethod
    def forget(cls) -> None:
        cls.value = None


notifications.subscribe(CHANNEL, on_connect=_Token.read, on_message=_Token.heard, on_disconnect=_Token.forget)
