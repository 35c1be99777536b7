"""The handling journey in Chromium: intake accepts and dispatches, an agency officer asks for
information, the reporter answers through the private link, the officer resolves (with a
response template), the reporter rates."""

import pytest

from accounts.models import StaffMembership
from reports.models import Rating, Report
from reports.private_link import private_report_url
from services.models import Commune, Department, ResponseTemplate
from tests.factories import PASSWORD, StaffFactory, jpeg_upload, submit_report

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1280, "height": 900}


def _staff(email, name, role, department):
    user = StaffFactory(email=email, full_name=name)
    StaffMembership.objects.create(user=user, role=role, department=department)
    return user


def _desktop_page(browser):
    context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    return context, page


def _sign_in(page, base_url, email):
    page.goto(f"{base_url}/staff/")
    page.wait_for_url("**/staff/login/**")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.click("#staff-login-submit")
    page.wait_for_url(f"{base_url}/staff/")


def _open_action(page, action):
    """The next step of the work starts open; any other action opens on a click."""
    if "show" not in (page.get_attribute(f"#action-{action}", "class") or ""):
        page.click(f"[data-action={action}] .accordion-button")
    page.wait_for_selector(f"#action-{action}.show")


def test_intake_to_rating(browser, page, live_server, catalogue, tmp_path):
    commune = Commune.objects.get(name="Phường An Xuyên")
    committee = Department.objects.get(commune=commune)
    _staff(
        "intake@camau.gov.vn",
        "Phạm Tiếp Nhận",
        "intake_officer",
        Department.objects.get(code="IOC"),
    )
    _staff("officer@camau.gov.vn", "Nguyễn Xử Lý", "agency_officer", committee)
    ResponseTemplate.objects.create(
        title="Đã vá ổ gà",
        body_vi="Đơn vị đã vá ổ gà và hoàn trả mặt đường.",
        department=committee,
    )
    report = submit_report(commune=commune)
    code = report.tracking_code
    base = live_server.url

    # Intake: the new report is in the queue; accept and dispatch to the proposed agency.
    intake_context, intake = _desktop_page(browser)
    _sign_in(intake, base, "intake@camau.gov.vn")
    row = intake.locator(f"tr[data-code='{code}']")
    assert row.is_visible()
    assert intake.locator("[data-queue=new] .queue-count").inner_text() == "1"
    row.locator("a.tracking-code").click()
    intake.wait_for_url(f"**/staff/r/{code}/")
    _open_action(intake, "accept")
    assert intake.locator("#id_accept-department").input_value() == str(committee.pk)
    intake.click("#action-accept button[type=submit]")
    intake.wait_for_selector(".alert-success")
    assert "Đã tiếp nhận" in intake.locator("#report-status").inner_text()
    intake_context.close()

    # The agency officer asks the reporter for details.
    officer_context, officer = _desktop_page(browser)
    _sign_in(officer, base, "officer@camau.gov.vn")
    officer.locator(f"tr[data-code='{code}'] a.tracking-code").click()
    _open_action(officer, "request_info")
    officer.fill("#id_request_info-question", "Ổ gà ở trước số nhà mấy?")
    officer.click("#action-request_info button[type=submit]")
    officer.wait_for_selector(".alert-success")
    report.refresh_from_db()
    assert report.status == Report.Status.WAITING_INFO

    # The reporter answers on their private page, with a photo.
    photo = tmp_path / "vi-tri.jpg"
    photo.write_bytes(jpeg_upload().read())
    page.goto(base + private_report_url(report))
    assert "Ổ gà ở trước số nhà mấy?" in page.locator("#provide-info").inner_text()
    page.fill("#info-text", "Trước nhà số 12, cạnh chợ.")
    page.set_input_files("#info-photos", str(photo))
    page.click("#provide-info button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator("#provide-info").count() == 0
    report.refresh_from_db()
    assert report.status == Report.Status.IN_PROGRESS
    assert report.photos.filter(kind="info").count() == 1

    # The officer sees the answer and resolves with a response template.
    officer.reload()
    assert "Trước nhà số 12, cạnh chợ." in officer.locator("#timeline").inner_text()
    _open_action(officer, "resolve")
    officer.select_option("#template-resolve", label="Đã vá ổ gà")
    assert "hoàn trả mặt đường" in officer.locator("#id_resolve-answer").input_value()
    officer.click("#action-resolve button[type=submit]")
    officer.wait_for_selector(".alert-success")
    assert "Đã xử lý" in officer.locator("#report-status").inner_text()
    officer_context.close()

    # The reporter rates the answer.
    page.goto(base + private_report_url(report))
    assert "Đơn vị đã vá ổ gà" in page.locator("#timeline").inner_text()
    page.check("#rate-satisfied")
    page.fill("#rate-comment", "Xử lý nhanh, cảm ơn.")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("#my-rating")
    rating = Rating.objects.get(report=report)
    assert (rating.value, rating.comment, rating.department) == (
        "satisfied",
        "Xử lý nhanh, cảm ơn.",
        committee,
    )
