"""Keyboard only, no pointer: a citizen files a report (the pin placed from the keyboard on
the map) and an intake officer signs in and accepts it. Every step is Tab, typing, arrows and
Enter; a step that cannot be reached by Tab fails the test."""

import pytest

from accounts.models import StaffMembership
from reports.models import Report
from services.models import Department
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)
MAX_TABS = 120


def _tab_to(page, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def _focused_value(page) -> str:
    return page.evaluate("() => document.activeElement.value")


def test_file_a_report_and_accept_it_with_the_keyboard_alone(browser, live_server, catalogue):
    base = live_server.url
    citizen_context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = citizen_context.new_page()
    page.set_default_timeout(15000)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    page.goto(f"{base}/reports/new/")

    _tab_to(page, "#id_category")
    page.keyboard.press("ArrowDown")
    assert _focused_value(page) != ""
    _tab_to(page, "#id_title")
    page.keyboard.type("Cống thoát nước bị nghẹt")
    _tab_to(page, "#id_description")
    page.keyboard.type("Nước ngập nửa mặt đường sau mỗi cơn mưa.")

    # The map takes the focus; Enter puts the pin at its centre and the commune is suggested.
    _tab_to(page, "#report-map")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    page.wait_for_function("() => document.getElementById('id_commune').value !== ''")
    assert "tâm bản đồ" in page.locator("#location-status").inner_text()

    _tab_to(page, "#id_reporter_name")
    page.keyboard.type("Đỗ Văn Hùng")
    _tab_to(page, "#id_reporter_email")
    page.keyboard.type("hung.do@example.vn")
    _tab_to(page, "#report-form button[type=submit]:not([name])")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    citizen_context.close()

    report = Report.objects.get(tracking_code=code)
    assert report.title == "Cống thoát nước bị nghẹt"
    assert report.latitude is not None and report.commune_id is not None

    officer = StaffFactory(email="tiepnhan@camau.gov.vn", full_name="Phạm Tiếp Nhận")
    StaffMembership.objects.create(
        user=officer, role="intake_officer", department=Department.objects.get(code="IOC")
    )
    staff_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.set_default_timeout(15000)
    staff.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    staff.goto(f"{base}/staff/")
    staff.wait_for_url("**/staff/login/**")
    _tab_to(staff, "#id_email")
    staff.keyboard.type("tiepnhan@camau.gov.vn")
    _tab_to(staff, "#id_password")
    staff.keyboard.type(PASSWORD)
    staff.keyboard.press("Enter")
    staff.wait_for_url(f"{base}/staff/")

    _tab_to(staff, f"tr[data-code='{code}'] a.tracking-code")
    staff.keyboard.press("Enter")
    staff.wait_for_url(f"**/staff/r/{code}/")
    # Accepting is the next step: its form is open; its button is reached by Tab.
    _tab_to(staff, "#action-accept button[type=submit]")
    staff.keyboard.press("Enter")
    staff.wait_for_selector(".alert-success")
    staff_context.close()

    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert report.department is not None
