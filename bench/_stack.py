"""A throwaway production-like stack for the HTTP benchmarks (bench/pages.py, bench/loadtest.py).

`Stack` sets the environment of lms.settings.production for this process (so the benchmark
reads and writes the same database through the ORM), creates a PostgreSQL database of its
own (named with the process id), migrates it, loads the course content, creates the demo users,
collects the static files, then starts gunicorn with 2 worker processes on a free loopback port
(and, if asked, a Celery worker on Redis; `add_server` starts more gunicorns on the same data). Leaving the `with` block stops what it started (by process id),
drops the database, deletes its Redis keys and its temporary folder.

Nothing here listens on or talks to anything but 127.0.0.1."""

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
# Redis databases used by the benchmarks; keys carry a per-run prefix and are deleted at the end.
REDIS_CACHE_DB, REDIS_BROKER_DB = 12, 11


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


@dataclass
class Stack:
    """gunicorn (production settings, PostgreSQL, Redis cache) and optionally a Celery worker."""

    name: str
    web_workers: int = 2
    celery_worker: bool = False
    celery_concurrency: int = 2
    keep: bool = False
    port: int = field(default_factory=free_port)
    processes: list = field(default_factory=list)

    def __post_init__(self):
        self.tag = f"{self.name}-{os.getpid()}"
        # Of this run alone: two runs at once (two engineers on one machine) must not drop each other's.
        self.database = f"masar_bench_{self.name}_{os.getpid()}"
        self.tmp = Path(tempfile.mkdtemp(prefix=f"masar-bench-{self.name}-"))
        self.queue = f"masar-bench-{self.tag}"
        self.cache_prefix = f"masar-bench-{self.tag}"

    # --- environment and data ----------------------------------------------------------

    def environment(self) -> dict:
        return {
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False",
            "DATABASE_URL": f"{PG_SERVER}/{self.database}",
            "CACHE_URL": f"{REDIS_SERVER}/{REDIS_CACHE_DB}?key_prefix={self.cache_prefix}",
            "CELERY_BROKER_URL": f"{REDIS_SERVER}/{REDIS_BROKER_DB}",
            "CELERY_QUEUE": self.queue,
            "MASAR_VAR_DIR": str(self.tmp / "var"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.tmp / "private"),
            "CREDENTIAL_KEYS_DIR": str(self.tmp / "keys"),  # the key that signs credentials and PDFs
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "ERROR",
            "MASAR_BENCH": "1",
        }

    def setup(self) -> None:
        """Create the database and fill it as `make setup` does; Django is set up in this process."""
        os.environ.update(self.environment())
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        _psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{self.database}"')
        import django

        django.setup()
        import logging

        logging.getLogger("masar").setLevel(logging.WARNING)
        from django.core.management import call_command

        quiet = open(os.devnull, "w")  # noqa: SIM115
        call_command("migrate", interactive=False, verbosity=0)
        call_command("credential_keys", "generate", stdout=quiet)
        call_command("load_content", stdout=quiet)
        call_command("seed_demo", stdout=quiet)
        call_command("collectstatic", interactive=False, verbosity=0)
        quiet.close()
        from django.db import connections

        connections.close_all()

    # --- processes ---------------------------------------------------------------------

    def _spawn(self, argv: list[str], log_name: str, env: dict | None = None) -> subprocess.Popen:
        log = open(self.tmp / log_name, "wb")  # noqa: SIM115
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((process, log))
        return process

    def start(self) -> None:
        self._gunicorn(self.port, "gunicorn.log")
        if self.celery_worker:
            # At a lower CPU priority than gunicorn: production runs the worker on machines of its
            # own (README), so rendering certificates never takes the web processes' cores.
            self._spawn(
                [
                    "nice",
                    "-n",
                    "10",
                    str(VENV_BIN / "celery"),
                    "-A",
                    "lms",
                    "worker",
                    "--pool=prefork",
                    f"--concurrency={self.celery_concurrency}",
                    "-Q",
                    self.queue,
                    "-n",
                    f"{self.queue}@%h",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                "celery.log",
            )
        self._wait_for(self.port, "gunicorn.log")

    def add_server(self, env: dict, name: str) -> int:
        """Start another gunicorn on the same database and caches with `env` added (cache layers
        switched off, say); return its port. bench/pages.py measures it beside the first."""
        port = free_port()
        self._gunicorn(port, f"gunicorn-{name}.log", env)
        self._wait_for(port, f"gunicorn-{name}.log")
        return port

    def _gunicorn(self, port: int, log_name: str, env: dict | None = None) -> None:
        argv = [str(VENV_BIN / "gunicorn"), "lms.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        argv += ["--workers", str(self.web_workers), "--log-level", "warning"]
        self._spawn(argv, log_name, env)

    def _wait_for(self, port: int, log_name: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request("GET", port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start; see {self.tmp / log_name}")
        # Each gunicorn worker imports Django on its first request: warm both.
        for _ in range(4 * self.web_workers):
            request("GET", port, "/healthz")

    def stop(self) -> None:
        for process, log in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            try:
                os.killpg(process.pid, signal.SIGKILL)  # leftover children of this group only
            except ProcessLookupError:
                pass
            log.close()
        self.processes.clear()

    def teardown(self) -> None:
        self.stop()
        try:
            from django.db import connections

            from core import notifications

            notifications.stop()  # an in-process listener (profile_pages.py) would reconnect to the dropped database
            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up when setup failed early
            pass
        _psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._redis_cleanup()
        if self.keep:
            print(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _redis_cleanup(self) -> None:
        import redis

        cache = redis.Redis.from_url(f"{REDIS_SERVER}/{REDIS_CACHE_DB}")
        for key in cache.scan_iter(match=f"{self.cache_prefix}:*", count=1000):
            cache.delete(key)
        broker = redis.Redis.from_url(f"{REDIS_SERVER}/{REDIS_BROKER_DB}")
        for key in broker.scan_iter(match=f"*{self.queue}*", count=1000):
            broker.delete(key)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.tmp / name
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def __enter__(self):
        try:
            self.setup()
            self.start()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.teardown()


# --- HTTP on loopback -------------------------------------------------------------------


def request(
    method: str, port: int, path: str, *, cookies: dict | None = None, form=None, headers=None, timeout: float = 30
):
    """Send one request to 127.0.0.1:`port`; return (status, headers as a dict of lists, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": "127.0.0.1", **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        got = {}
        for key, value in response.getheaders():
            got.setdefault(key.lower(), []).append(value)
        return response.status, got, data
    finally:
        connection.close()


def session_cookie(user) -> dict:
    """Return the cookie of a new logged-in session of `user` (as the login view would make it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that reads users
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {settings.SESSION_COOKIE_NAME: session.session_key}
