"""Processes a fault test starts and stops itself: its own Redis on a free port, its own web
server, its own Celery worker. Each is stopped by its fixture, whatever the test did."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.certificates.test_certificate_worker import database_url, wait_for

BASE = Path(settings.BASE_DIR)
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a process this test started (and its own process group), politely first."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything left in its group (gunicorn workers)
    except ProcessLookupError:
        pass


class RedisServer:
    """A redis-server of this test alone: no persistence, so a restart starts empty."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.log_path = log
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            return False

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: self.ping() or self.process.poll() is not None, START_TIMEOUT, "redis-server to start")
        assert self.process.poll() is None, self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process is None:
            return
        _stop(self.process)
        self.log.close()
        self.process = None
        assert not self.ping()


class WebServer:
    """gunicorn serving Masar on a free port, on the test database and the given broker."""

    def __init__(self, *, env: dict, log: Path):
        self.port = free_port()
        self.env, self.log_path = env, log
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lms.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "2", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=BASE,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def up() -> bool:
            if self.process.poll() is not None:
                return True
            try:
                return requests.get(f"{self.url}/healthz", timeout=5).status_code == 200
            except requests.RequestException:  # not listening yet, or its workers still booting
                return False

        wait_for(up, START_TIMEOUT, "gunicorn to start")
        assert self.process.poll() is None, self.output()

    def stop(self):
        if self.process is None:
            return
        _stop(self.process)
        self.log.close()
        self.process = None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


@pytest.fixture
def stack_env(transactional_db, settings):
    """The environment of the processes a fault test starts: the test database, its media, test settings."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "MASAR_TEST_CACHE": settings.CACHES["shared"]["LOCATION"],  # the shared cache of this run
        "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "SITE_URL": settings.SITE_URL,
        "MASAR_VAR_DIR": str(settings.VAR_DIR),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def processes(tmp_path):
    """Start processes through this; every one of them is stopped at the end of the test."""
    started = []

    def start(kind, *args, **kwargs):
        process = kind(*args, **kwargs)
        started.append(process)
        process.start()
        return process

    try:
        yield start
    finally:
        for process in reversed(started):
            process.stop()
