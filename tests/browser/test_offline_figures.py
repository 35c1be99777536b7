"""The offline form as production serves it (hashed, compressed static files through WhiteNoise),
measured in the system Chromium: bytes on the first and on a repeat visit, and how fast the form
opens with no network. Run with ``-s`` to see the figures."""

import statistics
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True)

FORM = "/reports/new/"
FORM_COPY_KEPT = """async () => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match('/reports/new/')) return true;
  }
  return false;
}"""
LOAD_MS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"


class CountingApp:
    """Wraps the portal and counts what it sends: the status line, headers and bodies."""

    def __init__(self):
        self.app = None
        self.sent = 0
        self.paths = []

    def __call__(self, environ, start_response):
        def counting_start_response(status, headers, exc_info=None):
            self.sent += len(f"HTTP/1.1 {status}\r\n") + 2
            self.sent += sum(len(f"{name}: {value}\r\n") for name, value in headers)
            self.paths.append(f"{environ['PATH_INFO']} {status.split()[0]}")
            return start_response(status, headers, exc_info)

        body = self.app(environ, counting_start_response)
        try:
            for chunk in body:
                self.sent += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()

    def reset(self):
        self.sent, self.paths = 0, []


@pytest.fixture
def release_server(settings, tmp_path):
    """A server with the production static files: collected, hashed and compressed."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    counter = CountingApp()

    def wrap(app):
        counter.app = app
        return counter

    shared = {
        connection.alias: connection
        for connection in connections.all()
        if connection.vendor == "sqlite" and connection.is_in_memory_db()
    }
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", wrap, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}", counter
    thread.terminate()
    # Requests still finishing close their (shared) connection: let them end first.
    for request_thread in threading.enumerate():
        if "process_request_thread" in request_thread.name:
            request_thread.join(timeout=5)
    for connection in shared.values():
        connection.dec_thread_sharing()


def wait_until(page, script, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout} s"
        time.sleep(0.1)


@pytest.fixture
def cached_browser(browser):
    """A browser of its own whose map tiles fail at once without routing requests (Playwright
    turns the HTTP cache off for a context that routes, which would distort the figures)."""
    own = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP tile.openstreetmap.org ~NOTFOUND"],
    )
    yield own
    own.close()


def test_repeat_visits_cost_little_and_the_form_opens_fast_offline(cached_browser, release_server):
    base_url, counter = release_server
    context = cached_browser.new_context(locale="vi-VN")
    page = context.new_page()

    page.goto(base_url + FORM, wait_until="networkidle")
    wait_until(page, FORM_COPY_KEPT)
    first_visit = counter.sent
    assert any(path.startswith("/static/js/outbox.") for path in counter.paths)

    counter.reset()
    page.goto(base_url + FORM, wait_until="networkidle")
    page.wait_for_timeout(500)  # the worker's update check and the page's message
    repeat_visit, repeat_paths = counter.sent, list(counter.paths)
    assert not any(path.startswith("/static/") for path in repeat_paths), repeat_paths

    context.set_offline(True)
    counter.reset()
    load_ms = []
    for _ in range(5):
        page.goto(base_url + FORM)
        assert page.locator("#report-form").is_visible()
        load_ms.append(page.evaluate(LOAD_MS))
    assert counter.sent == 0
    context.close()

    offline_ms = statistics.median(load_ms)
    print(
        f"\nreport form, production static files: first visit {first_visit / 1024:.1f} KiB "
        f"(worker and its cache included); repeat visit online {repeat_visit / 1024:.1f} KiB "
        f"({', '.join(repeat_paths)}); offline load {offline_ms:.0f} ms median of "
        f"{len(load_ms)} (from {min(load_ms):.0f} to {max(load_ms):.0f} ms)"
    )
    assert repeat_visit < 30 * 1024
    assert offline_ms < 3000
