"""PostgreSQL notifications, heard by one thread per process.

Triggers in the database NOTIFY a channel when rows that caches depend on change, and the
notification is delivered when the writer's transaction commits, whatever the write path (a
save, `QuerySet.update()`, a bulk action in an admin, raw SQL). Each process runs one listener
thread (started on first use, again after gunicorn forks a worker) that LISTENs on every
subscribed channel and calls the subscriber's handlers:

- `on_connect(conn)`: once listening (and again after a lost connection comes back), and every
  CHECK_SECONDS as a health check: read the current state here, since notifications sent while
  not listening are lost;
- `on_message(payload)`: for each notification;
- `on_disconnect()`: when the connection is lost: the subscriber stops trusting what it knows.

`listening()` tells a subscriber whether it may rely on notifications right now; when it says
no (SQLite, a listener not connected yet or disconnected, MASAR_DB_NOTIFICATIONS off), callers
read the database instead. Used by courses/content_version.py and accounts/backends.py."""

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

logger = logging.getLogger("masar.notifications")

CHECK_SECONDS = 5


@dataclass(frozen=True)
class Subscription:
    channel: str
    on_connect: Callable
    on_message: Callable[[str], None]
    on_disconnect: Callable[[], None]


_subscriptions: dict[str, Subscription] = {}
_state = {"pid": None, "listening": False, "thread": None}
_lock = threading.Lock()


def subscribe(channel: str, *, on_connect: Callable, on_message: Callable, on_disconnect: Callable) -> None:
    """Register the handlers of `channel` (at import time, before the first `listening()`)."""
    _subscriptions[channel] = Subscription(channel, on_connect, on_message, on_disconnect)


def listening(using: str = "default") -> bool:
    """True if this process hears every notification from now on (the listener is connected)."""
    if connections[using].vendor != "postgresql" or not getattr(settings, "MASAR_DB_NOTIFICATIONS", True):
        return False
    if _state["pid"] != os.getpid():  # first use in this process
        with _lock:
            if _state["pid"] != os.getpid():
                _state.update(pid=os.getpid(), listening=False)
                for subscription in _subscriptions.values():
                    subscription.on_disconnect()
                thread = threading.Thread(target=_run, args=(os.getpid(),), daemon=True, name="masar-notifications")
                _state["thread"] = thread
                thread.start()
    return _state["listening"]


def _connection_params() -> dict:
    params = connections["default"].get_connection_params()
    keep = {"dbname", "user", "password", "host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey", "options"}
    return {key: value for key, value in params.items() if key in keep and value}


def _run(pid: int) -> None:
    import psycopg

    while _state["pid"] == pid:
        try:
            with psycopg.connect(**_connection_params(), autocommit=True) as conn:
                for channel in _subscriptions:
                    conn.execute(f"LISTEN {channel}")
                while _state["pid"] == pid:
                    # After LISTEN: whatever changes from now on arrives as a notification.
                    for subscription in _subscriptions.values():
                        subscription.on_connect(conn)
                    _state["listening"] = True
                    for notify in conn.notifies(timeout=CHECK_SECONDS):
                        subscription = _subscriptions.get(notify.channel)
                        if subscription is not None:
                            subscription.on_message(notify.payload)
        except Exception:  # a lost connection: callers read the database until it is back
            if _state["pid"] == pid:
                logger.warning("database notifications: disconnected; reconnecting", exc_info=True)
        _state["listening"] = False
        for subscription in _subscriptions.values():
            subscription.on_disconnect()
        time.sleep(1)


def stop() -> None:
    """Stop this process's listener; its connection closes within CHECK_SECONDS (before a test
    database is dropped, say)."""
    thread, _state["pid"], _state["listening"] = _state["thread"], None, False
    for subscription in _subscriptions.values():
        subscription.on_disconnect()
    if thread is not None and thread.is_alive() and thread is not threading.current_thread():
        thread.join(CHECK_SECONDS + 2)
