"""The README's production steps, followed on a fresh clone, serve the portal over real HTTP.

The repository is cloned into a temporary folder (committed files, plus any uncommitted change
to tracked files so a developer tests what they are about to commit) and installed as the
README says: a fresh virtual environment, ``pip install --require-hashes -r
requirements/production.txt`` (pip may take the files from its download cache, and skips
compiling byte-code ahead, for speed), then the project itself with ``pip install --no-deps -e
.``. With DJANGO_ENV=production, a generated
secret key, a new PostgreSQL database, Redis and an SMTP server on loopback, it runs the
once-per-release commands, starts gunicorn, one Celery worker for all queues and beat, then:

- every public page, the staff and admin login pages and the Open311 documents answer 200, and
  every static file an HTML page references (and every file those CSS files reference) too;
- a report filed with a photo through the real form is shown with its photo once the worker has
  processed it, and its
  acknowledgement email reaches the SMTP server through Redis and the worker.

There is no TLS here: requests carry ``X-Forwarded-Proto: https`` as the README's proxy sets it
(SECURE_PROXY_SSL_HEADER), so the production security settings stay as they are. Photos are
served by the portal (PORTAL_SERVE_MEDIA), the single-server setup the README describes.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psycopg
import pytest
import redis
from PIL import Image, ImageDraw

from camau_portal.devtools import stack
from camau_portal.devtools.stack import (
    Browser,
    RecordingHandler,
    Response,
    Service,
    SmtpServer,
    free_port,
    multipart,
    tail,
    wait_for,
)
from tests.conftest import REQUIRE_SERVICES, TEST_REDIS_URL

pytestmark = [pytest.mark.deploy, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/camau")

PUBLIC_PAGES = ["/", "/reports/new/", "/map/", "/reports/", "/stats/", "/track/"]
LOGIN_PAGES = ["/staff/login/", "/accounts/login/", "/admin/login/"]
OPEN311 = [
    "/open311/v2/discovery.json",
    "/open311/v2/services.json",
    "/open311/v2/requests.json",
]
STATIC_REFERENCE = re.compile(r"""/static/[^"'\s<>()]+""")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")
MEDIA_REFERENCE = re.compile(r"""/media/[^"'\s<>()]+""")


def run(command: list[str], *, cwd: Path, env: dict, log: Path, timeout: float = 600):
    """One step of the README; its output goes to the log, and into the failure message."""
    with open(log, "ab") as handle:
        handle.write(f"\n$ {' '.join(command)}\n".encode())
        handle.flush()
        started = time.monotonic()
        result = subprocess.run(
            command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=timeout
        )
        handle.write(f"[{time.monotonic() - started:.1f} s]\n".encode())
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{tail(log)}"


class StaticChecker:
    """Fetches every static file a page references, once, and what CSS files reference."""

    def __init__(self, browser: Browser):
        self.browser = browser
        self.checked: set[str] = set()

    def page(self, response: Response):
        assert response.status == 200, response.describe()
        assert response.headers.get_content_type() == "text/html", response.describe()
        references = set(STATIC_REFERENCE.findall(response.text))
        assert references, f"{response.path} references no static file"
        for path in sorted(references):
            self.file(path.replace("&amp;", "&"), referrer=response.path)

    def file(self, path: str, *, referrer: str):
        path = path.split("#", 1)[0]
        if path in self.checked:
            return
        self.checked.add(path)
        response = self.browser.get(path, follow=False)
        assert response.status == 200, f"{path} (from {referrer}) answered {response.status}"
        if path.split("?", 1)[0].endswith(".css"):
            for target in CSS_URL.findall(response.text):
                if not target.startswith(("data:", "#")):
                    self.file(urlsplit(urljoin(path, target)).path, referrer=path)


def jpeg_photo() -> bytes:
    image = Image.new("RGB", (800, 600), (40, 120, 200))
    ImageDraw.Draw(image).rectangle((200, 150, 600, 450), fill=(220, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def first_option(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no <select name={name}> in the form"
    value = re.search(r'<option value="([^"]+)"', select.group(0))
    assert value, f"<select name={name}> offers nothing"
    return value.group(1)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)" name="{name}"', html
    )
    assert match, f"no {name} in the form"
    return match.group(1)


@pytest.fixture
def postgres_server() -> str:
    """The PostgreSQL server of TEST_POSTGRES_URL, as a URL without a database name."""
    server = TEST_POSTGRES_URL.rsplit("/", 1)[0]
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {server}: {error}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return server


@pytest.fixture
def fresh_database(postgres_server):
    name = f"deploy_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{postgres_server}/{name}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_redis():
    """TEST_REDIS_URL's database, emptied: the deployment's broker and cache."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield TEST_REDIS_URL
    client.flushdb()


def fresh_clone(destination: Path, log: Path) -> Path:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    run(["git", "clone", "--quiet", str(ROOT), str(destination)], cwd=ROOT, env=env, log=log)
    changes = subprocess.run(
        ["git", "diff", "HEAD", "--binary"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    if changes:
        subprocess.run(
            ["git", "apply", "--binary", "-"], cwd=destination, input=changes, check=True
        )
    return destination


def production_environment(venv: Path, *, port: int, database: str, broker: str, smtp: str):
    env = stack.production_environment(port=port, database=database, broker=broker, smtp=smtp)
    return {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}


def test_the_readme_production_steps_serve_the_portal(tmp_path, fresh_database, empty_redis):
    started = time.monotonic()
    logs = tmp_path / "logs"
    logs.mkdir()
    setup_log = logs / "setup.log"
    handler = RecordingHandler()
    with ExitStack() as stack:
        clone = fresh_clone(tmp_path / "portal", setup_log)
        stack.callback(shutil.rmtree, clone, ignore_errors=True)

        # 2. Install: exactly the lock file, then the project from its folder.
        venv = clone / ".venv"
        python = str(venv / "bin" / "python")
        run([sys.executable, "-m", "venv", str(venv)], cwd=clone, env=os.environ, log=setup_log)
        pip = [python, "-m", "pip", "--disable-pip-version-check"]
        # --no-compile halves the time: byte-code is written on first import instead.
        pip_install = [*pip, "install", "--quiet", "--no-compile"]
        run([*pip_install, "--require-hashes", "-r", "requirements/production.txt"],
            cwd=clone, env=os.environ, log=setup_log)  # fmt: skip
        run([*pip_install, "--no-deps", "-e", "."], cwd=clone, env=os.environ, log=setup_log)
        installed = time.monotonic()

        # 3. Environment.
        smtp = stack.enter_context(SmtpServer(handler))
        port = free_port()
        env = production_environment(
            venv, port=port, database=fresh_database, broker=empty_redis, smtp=smtp.url
        )

        # 4. Once per release.
        manage = [python, "manage.py"]
        for step in (
            ["migrate", "--noinput"],
            ["collectstatic", "--noinput"],
            ["load_reference_data"],
            ["check", "--deploy", "--fail-level", "WARNING"],
        ):
            run([*manage, *step], cwd=clone, env=env, log=setup_log)
        assert (clone / "staticfiles" / "staticfiles.json").exists()

        # 5. Processes: web, one worker for every queue, beat.
        bin_ = venv / "bin"
        web = Service(
            "web",
            # No control socket: its default path is shared by every gunicorn of the user.
            [str(bin_ / "gunicorn"), "camau_portal.wsgi", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
            cwd=clone, env=env, logs=logs,
        )  # fmt: skip
        stack.callback(web.stop)
        worker = Service(
            "worker",
            [str(bin_ / "celery"), "-A", "camau_portal", "worker", "--loglevel", "INFO",
             "--concurrency", "1"],
            cwd=clone, env=env, logs=logs,
        )  # fmt: skip
        stack.callback(worker.stop)
        beat = Service(
            "beat",
            [str(bin_ / "celery"), "-A", "camau_portal", "beat", "--loglevel", "INFO"],
            cwd=clone, env=env, logs=logs,
        )  # fmt: skip
        stack.callback(beat.stop)

        browser = Browser(port)

        def healthy():
            try:
                response = browser.get("/healthz", follow=False)
            except OSError:
                return False
            return response.status == 200 and json.loads(response.body)["checks"] == {
                "database": "ok",
                "redis": "ok",
            }

        web.wait_until(healthy, message="gunicorn never answered /healthz")
        worker.wait_until(lambda: worker.log_says(" ready."), message="the worker never started")
        beat.wait_until(lambda: beat.log_says("beat: Starting"), message="beat never started")
        for queue in ("default", "email", "images"):
            assert worker.log_says(f".> {queue} "), f"the worker does not consume {queue}"
        running = time.monotonic()

        try:
            static = StaticChecker(browser)
            # Plain HTTP is sent to HTTPS: the proxy's header is what makes a request secure.
            plain = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            plain.request("GET", "/")
            redirect = plain.getresponse()
            assert redirect.status == 301, redirect.status
            assert redirect.headers["Location"] == f"https://127.0.0.1:{port}/"
            plain.close()

            for path in PUBLIC_PAGES + LOGIN_PAGES:
                static.page(browser.get(path))
            # The manifest storage is in use: file names carry their content's hash.
            assert any(
                re.search(r"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", p)
                for p in static.checked
            ), sorted(static.checked)
            for path in OPEN311:
                response = browser.get(path)
                assert response.status == 200, response.describe()
                assert response.headers.get_content_type() == "application/json"
                json.loads(response.body)
            services = json.loads(browser.get("/open311/v2/services.json").body)
            assert services, "Open311 lists no service after load_reference_data"

            # A report with a photo, through the real form.
            form = browser.get("/reports/new/")
            assert form.status == 200, form.describe()
            email = "reporter@example.org"
            body, content_type = multipart(
                {
                    "csrfmiddlewaretoken": hidden_value(form.text, "csrfmiddlewaretoken"),
                    "category": first_option(form.text, "category"),
                    "commune": first_option(form.text, "commune"),
                    "title": "Ổ gà lớn trước chợ",
                    "description": "Ổ gà sâu giữa đường, xe máy dễ té ngã khi trời mưa.",
                    "reporter_email": email,
                    "name_hidden": "on",
                },
                {"photos": [("o-ga.jpg", jpeg_photo(), "image/jpeg")]},
            )
            posted = browser.request(
                "POST",
                "/reports/new/",
                body=body,
                headers={
                    "Content-Type": content_type,
                    "Origin": browser.origin,
                    "Referer": f"{browser.origin}/reports/new/",
                },
                follow=False,
            )
            assert posted.status == 302, posted.describe()
            code = re.search(r"/reports/(CM-[A-Z0-9-]+)/submitted/", posted.headers["Location"])
            assert code, posted.headers["Location"]
            tracking_code = code.group(1)
            submitted = browser.get(posted.headers["Location"])
            assert submitted.status == 200, submitted.describe()
            private = re.search(
                rf"https://127\.0\.0\.1:{port}(/reports/{tracking_code}/p/[^/\"]+/)",
                submitted.text,
            )
            assert private, submitted.text[:3000]

            # The images worker makes the clean photo off the request; the page shows a
            # placeholder until then, and the photo once it is ready.
            def page_with_photo():
                page = browser.get(private.group(1))
                return page if MEDIA_REFERENCE.search(page.text) else None

            report_page = wait_for(
                page_with_photo,
                timeout=90,
                interval=0.5,
                message=f"the report page never showed its photo; worker log:\n{tail(worker.log)}",
            )
            static.page(report_page)
            photos = set(MEDIA_REFERENCE.findall(report_page.text))
            assert photos, "the report page shows no photo"
            for path in sorted(photos):
                photo = browser.get(path, follow=False)
                assert photo.status == 200, f"{path} answered {photo.status}"
                assert photo.headers.get_content_type() == "image/jpeg"
                assert Image.open(io.BytesIO(photo.body)).size[0] > 0

            # The acknowledgement travels through Redis and the worker to the SMTP server.
            wait_for(
                lambda: handler.with_code(tracking_code),
                timeout=90,
                message=f"no acknowledgement email; worker log:\n{tail(worker.log)}",
            )
            [message] = handler.with_code(tracking_code)
            assert message["To"] == email
            text = message.get_body(preferencelist=("plain",)).get_content()
            assert f"https://127.0.0.1:{port}/reports/{tracking_code}/p/" in text
        except BaseException:
            for service in (web, worker, beat):
                print(f"===== {service.name}\n{tail(service.log)}")
            raise

    finished = time.monotonic()
    print(
        f"clone and install {installed - started:.0f} s, release steps and start "
        f"{running - installed:.0f} s, requests and email {finished - running:.0f} s"
    )
