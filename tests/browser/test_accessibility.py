"""WCAG 2.1 AA in Chromium with axe-core: no critical or serious finding on any key page, in
Vietnamese and English, at phone (360×740) and desktop size; the citizen's pages, the staff
dashboard and the admin alike. Also what axe cannot see: the skip link, a menu that works
without JavaScript, statistics tables scrolled from the keyboard, translated error messages
announced to screen readers."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.models import StaffMembership
from reports.handling.actions import report_resolve
from reports.private_link import private_report_url
from services.models import Commune, Department
from tests.factories import PASSWORD, ReportFactory, StaffFactory, UserFactory, publish

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ["vi", "en"]
# The WCAG 2.1 A and AA rules of axe-core; "best-practice" rules are not a WCAG requirement.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"critical", "serious"}
AXE = Axe()


@pytest.fixture
def province(catalogue):
    """One of everything the key pages show: a public report being handled, a resolved one
    whose reporter is asked to rate it, a citizen with an account, an intake officer, an
    agency officer and an administrator."""
    commune = Commune.objects.get(name="Phường An Xuyên")
    committee = Department.objects.get(commune=commune)
    intake = StaffFactory(email="intake@camau.gov.vn", full_name="Phạm Tiếp Nhận")
    StaffMembership.objects.create(
        user=intake, role="intake_officer", department=Department.objects.get(code="IOC")
    )
    officer = StaffFactory(email="officer@camau.gov.vn", full_name="Nguyễn Xử Lý")
    StaffMembership.objects.create(user=officer, role="agency_officer", department=committee)
    citizen = UserFactory(email="citizen@example.vn", full_name="Lê Thị Hoa")
    admin = StaffFactory(email="admin@camau.gov.vn", full_name="Quản Trị", is_superuser=True)
    waiting = ReportFactory(commune=commune, title="Rác thải tồn đọng trước chợ")
    handled = publish(ReportFactory(commune=commune, reporter=citizen, title="Đèn đường tắt"))
    resolved = report_resolve(
        report=publish(ReportFactory(commune=commune, title="Ổ gà trước trường học")),
        acting_user=officer,
        answer="Đơn vị đã vá ổ gà và hoàn trả mặt đường.",
    )
    return {
        "intake": intake,
        "admin": admin,
        "waiting": waiting,
        "handled": handled,
        "resolved": resolved,
    }


def _context(browser, base_url, language, size):
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    return context, page


def _sign_in(page, base_url, *, path, email_field, email, submit):
    page.goto(f"{base_url}{path}")
    page.fill(email_field, email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click(submit)


def _blocking_findings(page, label) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS).response
    return [
        f"{label}: {violation['impact']} {violation['id']} "
        f"{[node['target'] for node in violation['nodes'][:3]]}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]


def _audit(page, base_url, paths, language, size) -> list[str]:
    findings = []
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("load")
        findings += _blocking_findings(page, f"{language} {size} {path}")
    return findings


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_and_citizen_pages(browser, live_server, province, language, size):
    base = live_server.url
    handled, resolved = province["handled"], province["resolved"]
    context, page = _context(browser, base, language, size)
    public_paths = [
        "/",
        "/reports/new/",
        handled.get_absolute_url(),
        "/track/",
        "/map/",
        "/reports/",
        "/stats/",
        "/accounts/login/",
        "/privacy/",
        "/accessibility/",
        # The reporter's private page, asked to rate the answer.
        private_report_url(resolved),
    ]
    findings = _audit(page, base, public_paths, language, size)

    # The report form with its errors shown (sent empty).
    page.goto(f"{base}/reports/new/")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]:not([name])")
    assert page.locator("#form-errors[role=alert]").is_visible()
    findings += _blocking_findings(page, f"{language} {size} report form with errors")

    # A page that does not exist.
    page.goto(f"{base}/no-such-page/")
    findings += _blocking_findings(page, f"{language} {size} 404")

    _sign_in(
        page,
        base,
        path="/accounts/login/",
        email_field="#id_username",
        email="citizen@example.vn",
        submit="main form button[type=submit]",
    )
    findings += _audit(page, base, ["/accounts/my-reports/"], language, size)
    context.close()
    assert findings == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages(browser, live_server, province, language, size):
    base = live_server.url
    context, page = _context(browser, base, language, size)
    findings = _audit(page, base, ["/staff/login/"], language, size)
    _sign_in(
        page,
        base,
        path="/staff/login/",
        email_field="#id_email",
        email="intake@camau.gov.vn",
        submit="#staff-login-submit",
    )
    findings += _audit(
        page,
        base,
        [
            "/staff/",
            "/staff/stats/",
            f"/staff/r/{province['waiting'].tracking_code}/",
            f"/staff/r/{province['resolved'].tracking_code}/",
        ],
        language,
        size,
    )
    context.close()
    assert findings == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_pages(browser, live_server, province, language, size):
    base = live_server.url
    context, page = _context(browser, base, language, size)
    _sign_in(
        page,
        base,
        path="/admin/login/",
        email_field="#id_username",
        email="admin@camau.gov.vn",
        submit="#login-form [type=submit]",
    )
    findings = _audit(
        page,
        base,
        [
            "/admin/",
            "/admin/reports/report/",
            f"/admin/reports/report/{province['handled'].pk}/change/",
        ],
        language,
        size,
    )
    # Branded and translated, the whole name in the greeting.
    page.goto(f"{base}/admin/")
    header = page.locator("#header").inner_text()
    if language == "vi":
        assert "Cổng phản ánh hiện trường" in header
        assert "Xin chào, Quản Trị" in header
    else:
        assert "Field report portal" in header
        assert "Hello, Quản Trị" in header
    assert "Django" not in page.title()
    context.close()
    assert findings == []


@pytest.mark.urls("tests.camau_portal.error_urls")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages(browser, live_server, language, size):
    """Each error page as a visitor meets it: a missing page, a refusal, a form sent without
    its security token, a rate limit and a server failure."""
    base = live_server.url
    context, page = _context(browser, base, language, size)
    findings = []
    for label, path, status in [
        ("404", "/no-such-page/", 404),
        ("403", "/test-errors/forbidden/", 403),
        ("500", "/test-errors/database-down/", 500),
    ]:
        assert page.goto(f"{base}{path}").status == status
        findings += _blocking_findings(page, f"{language} {size} {label}")

    page.goto(f"{base}/test-errors/limited/")  # the one request the limit allows
    assert page.goto(f"{base}/test-errors/limited/").status == 429
    findings += _blocking_findings(page, f"{language} {size} 429")

    # A form sent without its token, as from a tab kept open across a sign-in.
    page.goto(f"{base}/track/")
    with page.expect_navigation():
        page.evaluate(
            """() => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/accounts/login/";
                document.body.append(form);
                form.submit();
            }"""
        )
    assert page.locator("h1").inner_text() in (
        "Không gửi được biểu mẫu",
        "The form could not be sent",
    )
    findings += _blocking_findings(page, f"{language} {size} csrf")
    context.close()
    assert findings == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(browser, live_server):
    context, page = _context(browser, live_server.url, "vi", "phone")
    page.goto(f"{live_server.url}/map/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Chuyển đến nội dung"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    context.close()


def test_menu_works_without_javascript_on_a_phone(browser, live_server):
    context = browser.new_context(viewport=SIZES["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    map_link = page.locator(".site-menu a[href='/map/']")
    assert not map_link.is_visible()
    page.click(".site-menu > summary")
    assert map_link.is_visible()
    map_link.click()
    page.wait_for_url("**/map/")
    assert page.locator(".site-menu a[href='/map/']").get_attribute("aria-current") == "page"
    context.close()


def test_menu_is_a_row_on_desktop(browser, live_server):
    context = browser.new_context(viewport=SIZES["desktop"])
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert not page.locator(".site-menu > summary").is_visible()
    assert page.locator(".site-menu a[href='/stats/']").is_visible()
    context.close()


def test_statistics_tables_fold_and_scroll_from_the_keyboard(browser, live_server, province):
    context, page = _context(browser, live_server.url, "en", "phone")
    page.goto(f"{live_server.url}/stats/")
    agencies = page.locator("details[data-section=agencies]")
    assert agencies.get_attribute("open") is None  # headline first: the long tables fold
    agencies.locator("summary").focus()
    page.keyboard.press("Enter")
    scroller = agencies.locator(".table-scroll")
    assert scroller.is_visible()
    scroller.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('table-scroll')")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('details[data-section=agencies] .table-scroll')"
        ".scrollLeft > 0"
    )
    context.close()


def test_report_form_errors_are_announced_and_translated(browser, live_server, catalogue):
    for language, message in [
        ("vi", "Vui lòng sửa các trường được đánh dấu."),
        ("en", "Please correct the marked fields."),
    ]:
        context, page = _context(browser, live_server.url, language, "phone")
        page.goto(f"{live_server.url}/reports/new/")
        page.fill("#id_title", "Cống nghẹt")
        with page.expect_navigation():
            page.click("#report-form button[type=submit]:not([name])")
        alert = page.locator("#form-errors")
        assert alert.get_attribute("role") == "alert"
        assert message in alert.inner_text()
        assert page.input_value("#id_title") == "Cống nghẹt"  # nothing lost
        assert page.locator("label[for=id_photos]").count() == 1
        context.close()


def test_workbench_actions_come_before_the_map_on_a_phone(browser, live_server, province):
    """The intake officer's first action on the phone is above the map and history."""
    context, page = _context(browser, live_server.url, "vi", "phone")
    _sign_in(
        page,
        live_server.url,
        path="/staff/login/",
        email_field="#id_email",
        email="intake@camau.gov.vn",
        submit="#staff-login-submit",
    )
    page.goto(f"{live_server.url}/staff/r/{province['waiting'].tracking_code}/")
    actions_top = page.locator("#actions").bounding_box()["y"]
    timeline_top = page.locator("#staff-map").bounding_box()["y"]
    assert actions_top < timeline_top
    context.close()
