"""Playwright driving the system Chromium (Debian's package); no browser is downloaded."""

import os
import shutil

import pytest

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    # The hook sees every collected test, not only this folder's: mark ours alone.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if REQUIRE_SERVICES:
            pytest.fail(f"Chromium is required here but missing at {CHROMIUM}")
        pytest.skip("Chromium is not installed (Debian package: chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # tests themselves are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 412, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    # No network beyond this machine: map tiles are answered empty, not waited for.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    yield page
    context.close()
