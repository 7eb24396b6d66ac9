"""A live Masar for browser tests: a real gunicorn server and a real Celery worker (with beat)
on their own database, broker folder (or Redis queue) and media, driven by Debian's chromium
through Playwright.

Nothing here uses pytest-django's test database: the tests talk to the server over HTTP only.
SQLite in a temporary folder by default; with DATABASE_URL set (CI), a dedicated PostgreSQL
database is created beside the one named there and dropped at the end. With CELERY_BROKER_URL
set (CI: Redis), the worker listens on a queue of its own, so other tests are not disturbed.
"""

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import CHROMIUM_MISSING, chromium
from tests.e2e.helpers import DESKTOP, screenshot_index

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # .venv/bin: gunicorn and celery live beside the python running pytest
SCREENSHOTS = ROOT / "screenshots"

COMMAND_TIMEOUT = 240  # migrate, load_content, seed_demo, collectstatic: each, at most
START_TIMEOUT = 60  # the server answering /healthz, the worker saying "ready."
STOP_TIMEOUT = 15
BROWSER_TIMEOUT_MS = 20_000  # any single action or navigation in the browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.2):
    """Return the first truthy value of `predicate()`; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


# --- the database --------------------------------------------------------------------------


class PostgresDatabase:
    """A database of its own on the server of DATABASE_URL, dropped at the end."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.name = f"masar_e2e_{os.getpid()}"
        self.url = urlunsplit(parts._replace(path="/" + self.name))
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))

    def _execute(self, sql: str):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def create(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- the processes -------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    args: list
    log: Path
    popen: subprocess.Popen | None = None

    def start(self, env: dict):
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                self.args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self):
        """SIGTERM to the whole process group, SIGKILL if it lingers; never raises."""
        if self.popen is None:
            return
        for sig, timeout in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, STOP_TIMEOUT)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                continue
            # The leader is gone; give the rest of its group a moment, then make sure.
            time.sleep(0.3)
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    @contextlib.contextmanager
    def paused(self):
        """Freeze the whole process group (SIGSTOP) for the block; it always resumes after."""
        assert self.alive(), self.failure("is not running")
        os.killpg(self.popen.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.killpg(self.popen.pid, signal.SIGCONT)

    def failure(self, what: str) -> str:
        return f"{self.name} {what}; last lines of {self.log}:\n{tail(self.log)}"


@dataclass
class LiveStack:
    url: str
    env: dict
    tmp: Path
    processes: list = field(default_factory=list)
    stopped: bool = False

    def manage(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
        """Run `manage.py <args>` against the live stack's database; return its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    @property
    def email_folder(self) -> Path:
        return Path(self.env["EMAIL_FILE_PATH"])

    def emails(self, *, to: str) -> list[email.message.EmailMessage]:
        """The emails the server and the worker have sent to `to` so far, oldest first: Django's
        file backend writes each connection's messages to a file of their own, each followed by a
        line of 79 dashes."""
        found = []
        files = sorted(self.email_folder.glob("*.log"), key=lambda path: path.stat().st_mtime)
        for path in files:
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if not raw.strip():
                    continue
                message = email.message_from_bytes(raw.lstrip(b"\n"), policy=email.policy.default)
                if to in (message["To"] or ""):
                    found.append(message)
        return found

    def get(self, path: str, timeout: float = 5) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    @property
    def worker(self) -> Process:
        return self.processes[1]

    def check_alive(self):
        for process in self.processes:
            assert process.alive(), process.failure("died")


def _healthy(stack: LiveStack, server: Process) -> bool:
    assert server.alive(), server.failure("exited before answering /healthz")
    try:
        status, body = stack.get("/healthz", timeout=2)
    except OSError:
        return False
    return status == 200 and b"ok" in body


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    """Migrate, load the content, seed the demo users, then start gunicorn and a Celery worker.

    When the last browser test is over, screenshots/index.html lists this run's screenshots and
    the ones an earlier run left are deleted (helpers.screenshot_index)."""
    started = time.time()
    tmp = tmp_path_factory.mktemp("e2e")
    var = tmp / "var"
    var.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    queue = f"masar-e2e-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MASAR_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        # DEBUG on, as `make run` had it when these tests were written: unhashed static URLs, so
        # collectstatic below may skip the minute of hashing and compression.
        DEBUG="1",
        MASAR_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "media"),
        PRIVATE_MEDIA_ROOT=str(var / "private"),
        SITE_URL=url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_QUEUE=queue,
        # One cache for the server's processes and the worker (sessions, the shared cache), in
        # this run's own folder: never shared with other runs.
        CACHE_URL=f"filecache://{var / 'cache'}",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
        # Every email is kept as a file the tests read (the certificate-ready email, say).
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(var / "emails"),
    )
    postgres = None
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        postgres = PostgresDatabase(os.environ["DATABASE_URL"])
        postgres.create()
        env["DATABASE_URL"] = postgres.url
    else:
        env["DATABASE_URL"] = f"sqlite:///{var / 'masar-e2e.sqlite3'}"
    # CELERY_BROKER_URL passes through when set (Redis in CI: the queue above keeps us apart);
    # otherwise the settings use the filesystem broker under MASAR_VAR_DIR.

    stack = LiveStack(url=url, env=env, tmp=tmp)
    server = Process(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--access-logfile",
            "-",
        ],
        tmp / "server.log",
    )
    worker = Process(
        "celery worker",
        [
            str(BIN / "celery"),
            "-A",
            "lms",
            "worker",
            "-B",
            "--concurrency",
            "1",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--schedule",
            str(var / "celerybeat-schedule"),
        ],
        tmp / "worker.log",
    )
    stack.processes = [server, worker]
    collect = None

    def teardown():
        """Stop both process groups and drop what was made for them; safe to call twice."""
        if stack.stopped:
            return
        stack.stopped = True
        if collect is not None and collect.poll() is None:
            collect.kill()
            collect.wait()
        for process in (server, worker):
            process.stop()
        if postgres is not None:
            postgres.drop()
        _redis_forget(os.environ.get("CELERY_BROKER_URL", ""), queue)
        screenshot_index(since=started)

    _teardowns.append(teardown)
    try:
        # Static files do not touch the database: collect them while the database is prepared.
        # With DEBUG on (unhashed URLs, WhiteNoise also reads the finders) the copy is enough;
        # the hashing and compression would cost a minute for nothing.
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "--no-post-process"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("load_content")
        stack.manage("seed_demo")
        output, _ = collect.communicate(timeout=COMMAND_TIMEOUT)
        assert collect.returncode == 0, f"collectstatic failed:\n{output}"

        worker.start(env)
        server.start(env)
        wait_for(lambda: _healthy(stack, server), timeout=START_TIMEOUT, what="the server's /healthz")

        def worker_ready():
            assert worker.alive(), worker.failure("exited before it was ready")
            return b"ready." in worker.log.read_bytes()

        wait_for(worker_ready, timeout=START_TIMEOUT, what="the Celery worker")
        yield stack
    finally:
        teardown()


# The live stack is session-scoped (this folder is no package); in a whole-suite run it is
# stopped right after the last browser test instead of idling through the other tests.
_teardowns = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    here = Path(__file__).parent
    if nextitem is None or here not in Path(nextitem.path).parents:
        while _teardowns:
            _teardowns.pop()()


def _redis_forget(url: str, queue: str):
    """Remove what our queue left in Redis (normally nothing but kombu's bindings)."""
    if not url.startswith(("redis://", "rediss://")):
        return
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=5)
        keys = list(client.scan_iter(match=f"*{queue}*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception:  # cleanup only; the queue name is unique anyway
        pass


# --- the browser ---------------------------------------------------------------------------


def chromium_path() -> str:
    path = chromium()
    if path is None:  # on CI only: elsewhere these tests skip (tests/conftest.py)
        pytest.fail(f"The browser tests need chromium. {CHROMIUM_MISSING}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def new_page(request, live_stack, browser):
    """Open a page in a fresh browser context (its own cookies) with the given locale (and time
    zone, if given), 1366x900 like the issue's desktop.

    When the test fails, every page it opened is saved to screenshots/failures/."""
    contexts = []

    def open_page(locale: str = "en-US", *, timezone_id: str | None = None):
        context = browser.new_context(
            base_url=live_stack.url,
            locale=locale,
            viewport=DESKTOP,
            accept_downloads=True,
            **({"timezone_id": timezone_id} if timezone_id else {}),
        )
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        context.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, context in enumerate(contexts):
        if failed:
            folder = SCREENSHOTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            for m, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(folder / f"{request.node.name}-{n}-{m}.png"), full_page=True)
                except Exception:  # best effort: the test already failed
                    pass
        context.close()
    if failed:
        live_stack.check_alive()


@pytest.fixture(scope="session")
def journeys():
    """Results of journeys that other tests reuse (e.g. the Arabic graduate for HR)."""
    return {}
