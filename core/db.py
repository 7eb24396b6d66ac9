"""Database helpers that know no domain model."""

import contextlib

from django.db import connection, transaction


@contextlib.contextmanager
def hint_write():
    """Run the writes inside as a transaction that does not wait for the disk on commit.

    For a row that is a hint, such as the lesson to continue from: on PostgreSQL the commit
    returns before its WAL is flushed (`synchronous_commit` off for this transaction only), which
    saves most of a page view that writes it; the change is visible to every other session at
    once, and a crash of the database server in the next fraction of a second may lose it.
    Inside a caller's transaction, or on another database, the writes are ordinary: the setting
    would otherwise apply to the caller's writes too."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
