"""The signed-in user of each request, never staler than the database.

Deactivation, a new role or organization and a password change take effect on the next request
whatever wrote them (a save, `QuerySet.update()`, Wagtail's bulk actions, raw SQL):

- On SQLite, and inside a transaction, the user row is read from the database on every request
  (one primary-key query).
- On PostgreSQL, each process keeps the rows of its signed-in users as plain values
  (`_KnownUsers`), and a trigger on the user table NOTIFYs the id of every row updated or
  deleted once the writer commits (core/notifications.py): the process drops that row, so the
  next request reads it again. A row read while a notification for it arrived is not kept; while
  the listener is not connected, nothing is kept and every request reads the database.

This is the "signed-in-user" layer of core/caching.py (switched off, every request reads the row).
The user's own entries in the shared cache (a trainee's progress) are fetched in one round trip
when a page first asks for one (core/caching.py)."""

import threading
import time
from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, transaction

from core import caching, notifications

CHANNEL = "masar_user"
KEEP = 10_000  # users per process


class _KnownUsers:
    def __init__(self):
        self._rows: OrderedDict[int, tuple] = OrderedDict()
        self._changed: dict[int, float] = {}  # user id -> when a change was last heard of
        self._all_changed = 0.0
        self._trusted = False
        self._lock = threading.Lock()

    def get(self, user_id):
        """Return a fresh User built from the kept row, or None."""
        if not notifications.listening():
            return None
        with self._lock:
            row = self._rows.get(user_id)
        if row is None:
            return None
        names, values = row
        return get_user_model().from_db("default", names, values)

    def remember(self, user, *, read_since: float) -> None:
        """Keep `user`'s row, read from the database at `read_since`, unless it changed since."""
        names = [field.attname for field in user._meta.concrete_fields]
        with self._lock:
            if not self._trusted or max(self._changed.get(user.pk, 0.0), self._all_changed) >= read_since:
                return
            self._rows[user.pk] = (names, tuple(getattr(user, name) for name in names))
            self._rows.move_to_end(user.pk)
            while len(self._rows) > KEEP:
                self._rows.popitem(last=False)

    def forget(self, user_id: int) -> None:
        with self._lock:
            self._rows.pop(user_id, None)
            self._changed[user_id] = time.monotonic()
            if len(self._changed) > KEEP:
                self._changed.clear()
                self._all_changed = time.monotonic()

    # core.notifications handlers

    def connected(self, conn) -> None:
        with self._lock:
            if not self._trusted:  # (re)connected: changes may have been missed meanwhile
                self._rows.clear()
                self._all_changed = time.monotonic()
                self._trusted = True

    def heard(self, payload: str) -> None:
        if payload.isdigit():
            self.forget(int(payload))
        else:  # the table was truncated
            self.disconnected()
            self.connected(None)

    def disconnected(self) -> None:
        with self._lock:
            self._trusted = False
            self._rows.clear()


_known = _KnownUsers()
notifications.subscribe(
    CHANNEL, on_connect=_known.connected, on_message=_known.heard, on_disconnect=_known.disconnected
)


class UserBackend(ModelBackend):
    """ModelBackend whose signed-in user comes from `_KnownUsers` when it can, and whose cached
    entries a page then reads in one round trip (core/caching.py)."""

    def get_user(self, user_id):
        # Inside a transaction its own writes must show.
        keep = caching.enabled("signed-in-user") and not connections["default"].in_atomic_block
        user = _known.get(user_id) if keep else None
        if user is None:
            read_since = time.monotonic()
            user = get_user_model()._default_manager.filter(pk=user_id).first()
            if user is not None and keep:
                _known.remember(user, read_since=read_since)
        if user is None or not self.user_can_authenticate(user):
            return None
        caching.user_signed_in(user.pk)
        return user


def user_changed(instance, **kwargs) -> None:
    """A user saved or deleted in this process shows on its next request at once, before the
    database's notification arrives (and again once the transaction commits)."""
    user_id = instance.pk
    _known.forget(user_id)
    transaction.on_commit(lambda: _known.forget(user_id), robust=True)


def install(using: str = "default", **kwargs) -> None:
    """The trigger that tells every process which user rows changed (PostgreSQL; idempotent)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE OR REPLACE FUNCTION masar_user_changed() RETURNS trigger AS $$
            BEGIN PERFORM pg_notify('{CHANNEL}', OLD.id::text); RETURN NULL; END $$ LANGUAGE plpgsql"""
        )
        cursor.execute(
            f"""CREATE OR REPLACE FUNCTION masar_users_truncated() RETURNS trigger AS $$
            BEGIN PERFORM pg_notify('{CHANNEL}', '*'); RETURN NULL; END $$ LANGUAGE plpgsql"""
        )
        cursor.execute(
            f'CREATE OR REPLACE TRIGGER masar_user_changed AFTER UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION masar_user_changed()"
        )
        cursor.execute(
            f'CREATE OR REPLACE TRIGGER masar_users_truncated AFTER TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION masar_users_truncated()"
        )
