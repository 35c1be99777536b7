"""The portal's processes as production runs them (gunicorn, Celery worker and beat), started
on loopback for the benchmarks and the load command, and a plain HTTP client for them.

Shared by ``benchmark_pages``, ``load_test`` and the deployment tests, so that every one of
them starts the stack the same way the README tells an operator to.
"""

from __future__ import annotations

import asyncio
import email
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from email import policy
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
# Variables of the calling process that must not leak into a production-mode process.
FOREIGN_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PORTAL_", "CELERY_")
FOREIGN_VARIABLES_EXACT = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MEDIA_ROOT")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NeverHappened(AssertionError):
    """What was waited for did not happen in time (an assertion failure under a test)."""


def wait_for(condition, *, timeout: float, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise NeverHappened(f"timed out after {timeout:.0f} s: {message}")


class RecordingHandler:
    """Keeps every accepted message. With ``hold_first``, the first message is held open in
    the middle of its DATA command until ``release`` (to kill the sender meanwhile), then
    refused with a temporary error, so it never counts as delivered."""

    def __init__(self, *, hold_first: bool = False):
        self.messages: list[email.message.EmailMessage] = []
        self.holding = threading.Event()
        self._release = threading.Event()
        self._hold = hold_first

    async def handle_DATA(self, server, session, envelope):
        if self._hold:
            self._hold = False
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait, 60)
            return "451 4.3.0 Interrupted, try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 Message accepted for delivery"

    def release(self):
        self._release.set()

    def with_code(self, tracking_code: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if tracking_code in str(m["Subject"])]

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in list(self.messages)]


class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd), standing in for the mail provider."""

    def __init__(self, handler: RecordingHandler):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.handler.release()
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def tail(path: Path, size: int = 6000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


def production_environment(
    *, port: int, database: str, broker: str, smtp: str = "", extra: dict | None = None
) -> dict[str, str]:
    """What an operator sets (see the README's configuration table), with a fresh key; the
    proxy in front would add ``X-Forwarded-Proto: https``, which ``Browser`` sends."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(FOREIGN_VARIABLES) and key not in FOREIGN_VARIABLES_EXACT
    }
    return {
        **base,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "DATABASE_URL": database,
        "REDIS_URL": broker,
        "EMAIL_URL": smtp or "smtp://127.0.0.1:9",
        "PORTAL_BASE_URL": f"https://127.0.0.1:{port}",
        "PORTAL_SERVE_MEDIA": "true",
        "PORTAL_HOTLINE": "0290 3 123 456",  # a made-up number: tests and benchmarks only
        **(extra or {}),
    }


class Service:
    """A long-running process of the deployment, in its own process group, logging to a file."""

    def __init__(self, name: str, command: list[str], *, cwd: Path, env: dict, logs: Path):
        self.name = name
        self.log = logs / f"{name}.log"
        self.handle = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self.handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_until(self, condition, *, message: str, timeout: float = 90):
        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{tail(self.log)}")
            return condition()

        wait_for(ready, timeout=timeout, message=f"{message}; log:\n{tail(self.log)}")

    def log_says(self, text: str) -> bool:
        return text.encode() in self.log.read_bytes()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        else:  # the group may still hold children (a gunicorn or pool worker)
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.handle.close()


def gunicorn(
    name: str,
    *,
    port: int,
    env: dict,
    logs: Path,
    workers: int = 2,
    app: str = "camau_portal.wsgi",
    cwd: Path = ROOT,
    python: str = sys.executable,
) -> Service:
    # No control socket: its default path is shared by every gunicorn of the user.
    return Service(
        name,
        [python, "-m", "gunicorn", app, "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "120"],
        cwd=cwd, env=env, logs=logs,
    )  # fmt: skip


def celery(
    name: str, *args: str, env: dict, logs: Path, cwd: Path = ROOT, python: str = sys.executable
) -> Service:
    return Service(
        name,
        [python, "-m", "celery", "-A", "camau_portal", *args, "--loglevel", "INFO"],
        cwd=cwd,
        env=env,
        logs=logs,
    )


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def describe(self) -> str:
        return f"{self.path} answered {self.status}: {self.text[:2000]}"


@dataclass
class Browser:
    """Plain HTTP to gunicorn, as the TLS proxy forwards it: X-Forwarded-Proto says https, so
    cookies marked Secure are kept and sent back as a browser behind the proxy would."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(
        self, method, path, *, body=None, headers=None, follow=True, limit: int | None = None
    ) -> Response:
        """``limit``: read at most that many bytes of the body, then hang up (as a client
        that wanted only the beginning of a download)."""
        for _ in range(10):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            sent = {"X-Forwarded-Proto": "https", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                connection.request(method, path, body=body, headers=sent)
                answer = connection.getresponse()
                content = answer.read(limit) if limit else answer.read()
                response = Response(answer.status, answer.headers, content, path)
            finally:
                connection.close()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if not (follow and response.status in (301, 302, 303)):
                return response
            target = urlsplit(urljoin(self.origin + path, response.headers["Location"]))
            if target.netloc != f"127.0.0.1:{self.port}":
                raise ValueError(f"redirected away: {response.headers['Location']}")
            method, body, headers = "GET", None, None
            path = target.path + (f"?{target.query}" if target.query else "")
        raise RuntimeError(f"too many redirects from {path}")

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(
        self, path: str, fields: dict, files: dict | None = None, *, headers=None, **kwargs
    ):
        """A form as a browser sends it, with the CSRF token of the cookie."""
        body, content_type = multipart(
            {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}, files or {}
        )
        sent = {
            "Content-Type": content_type,
            "Origin": self.origin,
            "Referer": f"{self.origin}{path}",
            **(headers or {}),
        }
        return self.request("POST", path, body=body, headers=sent, **kwargs)


def multipart(fields: dict[str, str], files: dict[str, list[tuple[str, bytes, str]]]):
    """A multipart/form-data body; ``files`` maps a field to its (name, content, type) list."""
    boundary = f"----portal{secrets.token_hex(16)}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode()
        )  # fmt: skip
    for name, uploads in files.items():
        for filename, content, content_type in uploads:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def collectstatic(env: dict, *, log: Path, cwd: Path = ROOT, python: str = sys.executable):
    """The release step production needs before serving (the manifest of hashed names)."""
    with open(log, "ab") as handle:
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, check=True, timeout=300,
        )  # fmt: skip
