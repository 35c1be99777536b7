"""The screenshot tour (``manage.py screenshot_tour``): every key page of a running portal, at
phone and desktop size, in Vietnamese and English, saved as full-page PNGs to look at side by side.

It drives the system Chromium with Playwright against a server already running on this
database (``make run``'s demo data), signs in with the demo accounts, and reads from the
database only which report to open, so the pictures are what a visitor of that server sees.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from camau_portal.devtools.demo_accounts import DEMO_PASSWORD
from reports.models import Report
from reports.status import ReportStatus

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ("vi", "en")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


@dataclass(frozen=True)
class Visitor:
    """Who looks at a stop: nobody signed in, or a demo account through its sign-in page."""

    name: str
    email: str = ""
    login_path: str = ""
    email_field: str = ""
    submit: str = ""


PUBLIC = Visitor("public")
CITIZEN = Visitor(
    "citizen", "citizen@demo.camau.vn", "/accounts/login/", "#id_username",
    "main form button[type=submit]",
)  # fmt: skip
INTAKE = Visitor(
    "intake", "intake@demo.camau.vn", "/staff/login/", "#id_email", "#staff-login-submit"
)
ADMIN = Visitor(
    "admin", "admin@demo.camau.vn", "/admin/login/", "#id_username", "#login-form [type=submit]"
)


@dataclass(frozen=True)
class Stop:
    name: str
    path: str
    visitor: Visitor = PUBLIC
    # What to do once the page is open, before the picture (e.g. send the form empty).
    then: Callable[[Page], None] | None = None


def _send_report_form_empty(page: Page) -> None:
    with page.expect_navigation():
        page.click("#report-form button[type=submit]:not([name])")


def tour_stops() -> list[Stop]:
    """The key pages, in the order a visitor meets them; the reports are picked from the
    demo data: a public one with an answer, and one waiting for the intake centre."""
    public = Report.objects.public().order_by("-submitted_at")
    shown = (
        public.filter(status=ReportStatus.RESOLVED, photos__isnull=False).first() or public.first()
    )
    waiting = Report.objects.awaiting_intake().order_by("-submitted_at").first() or shown
    if shown is None:
        raise LookupError("No public report: run `manage.py seed_demo` first.")
    return [
        Stop("home", "/"),
        Stop("report-form", "/reports/new/"),
        Stop("report-form-errors", "/reports/new/", then=_send_report_form_empty),
        Stop("report-page", shown.get_absolute_url()),
        Stop("track", "/track/"),
        Stop("map", "/map/"),
        Stop("list", "/reports/"),
        Stop("stats", "/stats/"),
        Stop("sign-in", "/accounts/login/"),
        Stop("staff-sign-in", "/staff/login/"),
        Stop("privacy", "/privacy/"),
        Stop("accessibility", "/accessibility/"),
        Stop("error-404", "/dev/errors/404/"),
        Stop("error-403", "/dev/errors/403/"),
        Stop("error-403-csrf", "/dev/errors/csrf/"),
        Stop("error-429", "/dev/errors/429/"),
        Stop("error-500", "/dev/errors/500/"),
        Stop("my-reports", "/accounts/my-reports/", CITIZEN),
        Stop("staff-queue", "/staff/", INTAKE),
        Stop("staff-stats", "/staff/stats/", INTAKE),
        Stop("workbench", f"/staff/r/{waiting.tracking_code}/", INTAKE),
        Stop("workbench-public", f"/staff/r/{shown.tracking_code}/", INTAKE),
        Stop("admin-index", "/admin/", ADMIN),
        Stop("admin-report-list", "/admin/reports/report/", ADMIN),
        Stop("admin-report-change", f"/admin/reports/report/{shown.pk}/change/", ADMIN),
        Stop("admin-user-list", "/admin/accounts/user/", ADMIN),
    ]


def _chromium() -> str:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _sign_in(page: Page, base_url: str, visitor: Visitor) -> None:
    page.goto(f"{base_url}{visitor.login_path}")
    page.fill(visitor.email_field, visitor.email)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click(visitor.submit)


def take_tour(
    *, base_url: str, out_dir: Path, sizes=tuple(SIZES), languages=LANGUAGES,
    only: set[str] | None = None, progress: Callable[[str], None] = print,
) -> list[Path]:  # fmt: skip
    """Saves ``<language>-<size>-<nn>-<stop>.png`` for every stop; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stops = [stop for stop in tour_stops() if not only or stop.name in only]
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        for language in languages:
            for size in sizes:
                # One browser context per visitor, so each signs in once per size and language.
                contexts = {}
                for number, stop in enumerate(stops, start=1):
                    if stop.visitor.name not in contexts:
                        context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
                        context.add_cookies(
                            [{"name": "django_language", "value": language, "url": base_url}]
                        )
                        page = context.new_page()
                        page.set_default_timeout(20000)
                        # No network beyond this machine: map tiles are answered empty.
                        page.route(
                            "https://tile.openstreetmap.org/**",
                            lambda route: route.fulfill(status=204),
                        )
                        if stop.visitor.email:
                            _sign_in(page, base_url, stop.visitor)
                        contexts[stop.visitor.name] = (context, page)
                    page = contexts[stop.visitor.name][1]
                    page.goto(f"{base_url}{stop.path}", wait_until="networkidle")
                    if stop.then:
                        stop.then(page)
                        page.wait_for_load_state("networkidle")
                    path = out_dir / f"{language}-{size}-{number:02d}-{stop.name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    saved.append(path)
                    progress(f"{path.name}")
                for context, _page in contexts.values():
                    context.close()
        browser.close()
    return saved
