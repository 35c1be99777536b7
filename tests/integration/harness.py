"""A real Celery worker, a real SMTP server on loopback, the portal under gunicorn with an HTTP
client and, when needed, a Redis server of the test's own, for the delivery and outage tests.
After an outage a worker with beat (``Worker(beat=True, env=SWEEPS_EVERY_TWO_SECONDS)``) picks
up what the broker lost."""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import kombu.pools
from django.conf import settings as django_settings
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from camau_portal.celery import app
from camau_portal.devtools.stack import (  # noqa: F401  (shared with the deployment tests)
    RecordingHandler,
    SmtpServer,
    free_port,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]

# Beat's sweeps for work a broker outage stranded (outbox rows, photos waiting for the
# pipeline, photos given by address, back-office deliveries) every 2 s, for what is 1 s
# overdue; the deadline scan out of the way.
SWEEPS_EVERY_TWO_SECONDS = {
    "OUTBOX_REQUEUE_INTERVAL_SECONDS": "2",
    "OUTBOX_REQUEUE_GRACE_SECONDS": "1",
    "OUTBOX_REQUEUE_LEASE_SECONDS": "60",
    "PHOTO_SWEEP_INTERVAL_SECONDS": "2",
    "PHOTO_SWEEP_GRACE_SECONDS": "1",
    "BACK_OFFICE_REQUEUE_INTERVAL_SECONDS": "2",
    "BACK_OFFICE_REQUEUE_GRACE_SECONDS": "1",
    "DEADLINE_SCAN_INTERVAL_SECONDS": "3600",
}


class RedisServer:
    """A redis-server of the test's own, which the test may stop and start again."""

    def __init__(self, directory: Path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, message="redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def kill(self):
        """SIGKILL, as in a crash: no connection is closed politely."""
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def database_url() -> str:
    """The test database, as the worker process must reach it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings.get("USER") or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def portal_env(*, broker_url: str, smtp_url: str, var_dir: Path, env=None) -> dict[str, str]:
    """The environment of a portal process on the deployed settings module and the test
    database, as an operator would set it (see the README's configuration table)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camau_portal.settings",
        "DJANGO_DEBUG": "false",
        # The test process's key: links the worker signs are valid here, and DEBUG off
        # refuses the development key.
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "EMAIL_URL": smtp_url,
        "PORTAL_VAR_DIR": str(var_dir),
        "PORTAL_BASE_URL": "http://portal.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
    }


class Worker:
    """``celery -A camau_portal worker`` in its own process group, logging to a file."""

    def __init__(self, *, broker_url: str, smtp_url: str, var_dir: Path, beat=False, env=None):
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self.log = var_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = portal_env(broker_url=broker_url, smtp_url=smtp_url, var_dir=var_dir, env=env)
        self.beat = beat
        self.process = None

    def start(self, *, timeout: float = 60):
        command = [
            sys.executable, "-m", "celery", "-A", "camau_portal", "worker",
            "-Q", "default,email,images", "--pool", "prefork", "--concurrency", "1",
            "--without-mingle", "--without-gossip", "--without-heartbeat",
            "--loglevel", "INFO", "-n", self.name,
        ]  # fmt: skip
        if self.beat:
            command += ["--beat", "--schedule", str(self.log.with_suffix(".schedule"))]
        self.handle = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(
            lambda: self.process.poll() is not None or b" ready." in self.log.read_bytes(),
            timeout=timeout,
            message=f"worker did not start; log:\n{self.log_text()}",
        )
        assert self.process.poll() is None, self.log_text()
        return self

    def kill(self):
        """SIGKILL to the whole process group: the worker and its pool, mid-task."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.handle.close()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.handle.close()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""


@contextmanager
def running(worker: Worker):
    """The worker runs inside the block; its log is printed when the block fails."""
    worker.start()
    try:
        yield worker
    except BaseException:
        print(worker.log_text())
        raise
    finally:
        worker.stop()


@contextmanager
def publishing_to(broker_url: str):
    """This process publishes tasks to ``broker_url`` instead of running them in-process."""
    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=broker_url,
        task_always_eager=False,
        broker_transport_options={"socket_connect_timeout": 3},
    )
    _drop_connection_pools(app)
    try:
        yield app
    finally:
        _drop_connection_pools(app)
        app.conf.update(saved)


def _drop_connection_pools(app):
    """Forget the pools built for the previous broker (what Celery itself does after a fork)."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


class WebServer:
    """The portal under gunicorn, as deployed: ``migrate`` first (it also makes the rate limits'
    table), then one worker on a free loopback port, logging to a file."""

    def __init__(self, *, broker_url: str, smtp_url: str, var_dir: Path, env=None):
        self.port = free_port()
        self.log = var_dir / f"web-{uuid.uuid4().hex[:6]}.log"
        self.env = portal_env(broker_url=broker_url, smtp_url=smtp_url, var_dir=var_dir, env=env)
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT, env=self.env, check=True, timeout=120,
        )  # fmt: skip
        self.handle = open(self.log, "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "camau_portal.wsgi",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60",
                "--access-logfile", "-",
            ],
            cwd=ROOT, env=self.env, stdout=self.handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(self._answers, timeout=60, message=f"gunicorn did not start:\n{self.log_text()}")
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            print(self.log_text())
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.handle.close()

    def _answers(self) -> bool:
        assert self.process.poll() is None, self.log_text()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""


@dataclass
class HttpResponse:
    status: int
    headers: dict
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test reads each redirect itself


class Browser:
    """A client of a real server over HTTP, keeping cookies the way a browser does: the CSRF
    token comes from the page's cookie and goes back with each form."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def get(self, path: str) -> HttpResponse:
        return self._send(urllib.request.Request(self.base_url + path))

    def head(self, path: str) -> HttpResponse:
        return self._send(urllib.request.Request(self.base_url + path, method="HEAD"))

    def post_form(self, path: str, fields: dict) -> HttpResponse:
        """A form as the browser sends it (multipart, files allowed), with the CSRF token."""
        token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        body = encode_multipart(BOUNDARY, {**fields, "csrfmiddlewaretoken": token})
        return self.post(path, body, content_type=MULTIPART_CONTENT, Referer=self.base_url + path)

    def post(self, path: str, body: bytes, *, content_type: str, **headers) -> HttpResponse:
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            headers={"Content-Type": content_type, **headers},
            method="POST",
        )
        return self._send(request)

    def _send(self, request) -> HttpResponse:
        try:
            with self._opener.open(request, timeout=60) as response:
                return HttpResponse(
                    response.status, dict(response.headers), response.read().decode()
                )
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, dict(error.headers), error.read().decode())
