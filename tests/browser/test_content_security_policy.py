"""Every main page runs under the Content-Security-Policy without a single violation: no
inline script, no inline style, no resource from an origin the policy does not name."""

import pytest

from accounts.models import StaffMembership
from reports.private_link import private_report_url
from reports.stats.refresh import refresh_rollups
from services.models import Department
from tests.factories import PASSWORD, StaffFactory, jpeg_upload, submit_report
from tests.public_fixtures import public_report

pytestmark = pytest.mark.django_db(transaction=True)

# Registered before any page script runs (through the browser's debugging protocol, which the
# policy does not govern), so a violation at load time is caught too.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched_page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page, console
    context.close()


def _visit(page, console, url, *, ready="body"):
    response = page.goto(url)
    assert response.status < 400, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page.wait_for_selector(ready, state="attached")
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], (url, violations)
    assert console == [], (url, console)


def test_public_and_citizen_pages_have_no_violation(watched_page, live_server, catalogue):
    page, console = watched_page
    report = public_report()
    not_yet_public = submit_report(title="Cây đổ chắn đường", reporter_email="cay@example.vn")
    refresh_rollups()
    base = live_server.url
    for path, ready in [
        ("/", "#home-map.leaflet-container"),
        ("/reports/new/", "#id_title"),
        ("/map/", ".leaflet-marker-icon, .map-cell"),
        ("/reports/", "main"),
        ("/stats/", "main"),
        (report.get_absolute_url(), "#detail-map.leaflet-container"),
        (private_report_url(not_yet_public), "main"),
        ("/track/", "#id_code"),
        ("/accounts/login/", "main"),
        ("/accounts/signup/", "main"),
    ]:
        _visit(page, console, base + path, ready=ready)


def test_the_report_form_and_its_confirmation_have_no_violation(
    watched_page, live_server, catalogue, tmp_path
):
    page, console = watched_page
    photo = tmp_path / "o-ga.jpg"
    photo.write_bytes(jpeg_upload().read())
    _visit(page, console, f"{live_server.url}/reports/new/", ready="#id_title")
    page.select_option("#id_category", label="Hư hỏng mặt đường, ổ gà")
    page.fill("#id_title", "Ổ gà lớn trước chợ")
    page.fill("#id_description", "Ổ gà sâu khoảng 20 cm, xe máy dễ té ngã.")
    # The map sits below the header and the first questions: scroll to it like a person would.
    page.locator("#report-map").scroll_into_view_if_needed()
    map_box = page.locator("#report-map").bounding_box()
    page.mouse.click(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    page.wait_for_function("() => document.getElementById('id_commune').value !== ''")
    page.fill("#id_reporter_email", "binh.tran@example.vn")
    page.set_input_files("#id_photos", str(photo))
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    page.wait_for_selector("#private-link")
    page.click("#private-link")  # the click handler lives in a static file now
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value")
    assert page.evaluate("window.__cspViolations") == []
    assert console == []


def test_staff_pages_have_no_violation(watched_page, live_server, catalogue):
    page, console = watched_page
    user = StaffFactory(email="intake@camau.gov.vn")
    StaffMembership.objects.create(
        user=user, role="intake_officer", department=Department.objects.get(code="IOC")
    )
    report = public_report()
    refresh_rollups()
    base = live_server.url
    _visit(page, console, f"{base}/staff/login/", ready="#id_email")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("#staff-login-submit")
    page.wait_for_url(f"{base}/staff/")
    for path, ready in [
        ("/staff/?queue=all", "main"),
        (f"/staff/r/{report.tracking_code}/", "main"),
        ("/staff/stats/", "main"),
    ]:
        _visit(page, console, base + path, ready=ready)
