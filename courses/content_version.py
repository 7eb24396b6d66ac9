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
transaction that rolled back never comes back. A request reads the version once (one
primary-key query), when it first uses the page cache.

The table and its triggers are created after every `migrate` (`install`, connected to
post_migrate), so a new page model gets its triggers with the migration that creates it. The
table is not a Django model, and flushing a test database keeps it.
"""

from django.apps import apps
from django.db import connections

TABLE = "masar_content_version"
_NEW_TOKEN = {"sqlite": "lower(hex(randomblob(16)))", "postgresql": "md5(random()::text || clock_timestamp()::text)"}


def _replace_sql(vendor: str) -> str:
    token = _NEW_TOKEN[vendor]
    return f"INSERT INTO {TABLE} (id, token) VALUES (1, {token}) ON CONFLICT (id) DO UPDATE SET token = excluded.token"


def content_tables() -> list[str]:
    """The tables whose rows pages show."""
    from wagtail.models import get_page_models

    tables = {model._meta.db_table for model in get_page_models()}
    for label in (
        "wagtailcore.Page",
        "wagtailcore.PageViewRestriction",
        "wagtailcore.Site",
        "wagtailcore.Locale",
        "quizzes.Quiz",  # course and module pages show quiz titles
        "wagtailimages.Image",  # lesson bodies show images
        "wagtaildocs.Document",  # and link documents
    ):
        tables.add(apps.get_model(label)._meta.db_table)
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
                f"""CREATE OR REPLACE FUNCTION masar_content_version_raise() RETURNS trigger AS $$
                BEGIN {_replace_sql("postgresql")}; RETURN NULL; END $$ LANGUAGE plpgsql"""
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
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else "none"


def replace(using: str = "default") -> None:
    """Replace the version by hand, for a change the triggers cannot see."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_replace_sql(connection.vendor))
