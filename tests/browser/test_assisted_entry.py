"""A hotline operator takes a phone report in Chromium, from the keyboard alone, and reads
the code back; the same form without JavaScript; its errors for screen readers.

The operator's journey prints what it measured: the fields filled, the keys pressed and the
seconds from opening the form to the code on screen."""

import time

import pytest

from accounts.models import StaffMembership
from reports.models import Report
from services.models import Commune, Department
from tests.factories import PASSWORD, StaffFactory, jpeg_upload

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1280, "height": 900}


def _desk_page(browser, **options):
    context = browser.new_context(locale="vi-VN", viewport=DESKTOP, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    return context, page


def _operator():
    user = StaffFactory(email="tongdai@camau.gov.vn", full_name="Đỗ Thị Tổng Đài")
    StaffMembership.objects.create(
        user=user, role="hotline_operator", department=Department.objects.get(code="IOC")
    )
    return user


def _sign_in(page, base_url, email):
    page.goto(f"{base_url}/staff/")
    page.wait_for_url("**/staff/login/**")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.click("#staff-login-submit")
    page.wait_for_url(f"{base_url}/staff/assisted/")


class Keyboard:
    """Types as the operator does, counting the fields filled and every key pressed."""

    def __init__(self, page):
        self.page, self.fields, self.keys = page, 0, 0

    def focused(self) -> str:
        return self.page.evaluate("document.activeElement.id")

    def type(self, text: str):
        self.page.keyboard.type(text)
        self.fields += 1
        self.keys += len(text)

    def press(self, key: str, times: int = 1):
        for _ in range(times):
            self.page.keyboard.press(key)
        self.keys += times


def test_an_operator_takes_a_phone_report_from_the_keyboard(
    browser, live_server, catalogue, sms_outbox
):
    _operator()
    context, page = _desk_page(browser)
    _sign_in(page, live_server.url, "tongdai@camau.gov.vn")
    keys = Keyboard(page)

    started = time.perf_counter()
    page.click("a[href='/staff/assisted/new/']")
    page.wait_for_url("**/staff/assisted/new/")
    # The call starts with who is calling: the cursor waits in the name box.
    assert keys.focused() == "id_reporter_name"
    keys.type("Bà Nguyễn Thị Sáu")
    keys.press("Tab")
    assert keys.focused() == "id_reporter_phone"
    keys.type("0912 345 678")
    keys.press("Tab", 3)  # language (Vietnamese already), email (none)
    assert keys.focused() == "id_category"
    keys.type("den duong")  # no accents needed; the list suggests as one types
    keys.press("Tab")
    assert keys.focused() == "id_description"
    keys.type("Đèn đường trước chợ tắt ba đêm nay, tối om rất nguy hiểm.")
    keys.press("Tab", 2)  # the title is made from the problem and the address
    assert keys.focused() == "id_commune"
    keys.type("An Xuyen")
    keys.press("Tab")
    assert keys.focused() == "id_address"
    keys.type("Ấp 3, trước chợ")
    keys.press("Tab", 4)  # past the optional coordinates and photos, to the consent
    assert keys.focused() == "id_contact_allowed_0"
    # The operator reads the consent aloud; the resident says yes.
    assert page.locator("#consent-script [lang=vi]").is_visible()
    keys.press("Space")
    keys.press("Tab")
    keys.press("Enter")
    page.wait_for_url("**/staff/assisted/r/**")
    code = page.locator("#tracking-code").inner_text().strip()
    seconds = time.perf_counter() - started

    assert code in page.locator("#code-script").inner_text()
    assert "0912 345 678" in page.locator("#code-script").inner_text()
    assert "/reports/" in page.input_value("#private-link")
    report = Report.objects.get(tracking_code=code)
    assert report.source == "hotline" and report.entered_by.email == "tongdai@camau.gov.vn"
    assert report.reporter is None and report.reporter_phone == "0912 345 678"
    assert report.contact_allowed is True
    assert report.category.code == "STREETLIGHT"
    assert report.commune == Commune.objects.get(name="Phường An Xuyên")
    # The resident, who has a phone and no email, receives the code by SMS on that phone.
    texts = [sms for sms in sms_outbox if sms.to == "+84912345678"]
    assert len(texts) == 1 and code in texts[0].body.text
    # The next call: Enter on the code page opens an empty form.
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/staff/assisted/new/"
    print(
        f"\nPhone report entered: {keys.fields} fields filled, {keys.keys} keys pressed, "
        f"{seconds:.2f} s from opening the form to the code on screen"
    )
    context.close()


def test_a_click_on_the_map_fills_the_coordinates_and_draws_the_pin(
    browser, live_server, catalogue
):
    _operator()
    context, page = _desk_page(browser)
    _sign_in(page, live_server.url, "tongdai@camau.gov.vn")
    page.goto(f"{live_server.url}/staff/assisted/new/")
    page.click("#entry-map", position={"x": 300, "y": 110})
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    pin = page.locator("#entry-map img.leaflet-marker-icon")
    pin.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", pin.element_handle())
    context.close()


def test_errors_are_announced_and_the_entry_is_kept(browser, live_server, catalogue):
    _operator()
    context, page = _desk_page(browser)
    _sign_in(page, live_server.url, "tongdai@camau.gov.vn")
    page.goto(f"{live_server.url}/staff/assisted/new/")
    page.fill("#id_reporter_name", "Ông Trần Văn Bảy")
    page.fill("#id_category", "hu hong")  # three categories match
    page.click("#assisted-form button[type=submit]")
    page.wait_for_load_state("load")
    summary = page.locator("#form-errors .alert")
    assert summary.is_visible()
    # The list of errors takes the focus, in a live region a screen reader reads out.
    page.wait_for_function(
        "document.activeElement === document.querySelector('#form-errors .alert')"
    )
    assert page.get_attribute("#form-errors", "aria-live") == "assertive"
    assert "Cầu, cống hư hỏng" in summary.inner_text()
    assert page.get_attribute("#id_category", "aria-invalid") == "true"
    assert page.get_attribute("#id_category", "aria-describedby") == "id_category_error"
    assert "Đọc câu hỏi cho người dân nghe" in page.inner_text("#id_contact_allowed_error")
    assert page.input_value("#id_reporter_name") == "Ông Trần Văn Bảy"
    assert not Report.objects.exists()
    context.close()


def test_a_helper_files_with_a_photo_without_javascript(browser, live_server, catalogue, tmp_path):
    commune = Commune.objects.get(name="Phường An Xuyên")
    helper = StaffFactory(email="tovien@camau.gov.vn", full_name="Lý Văn Tổ Viên")
    StaffMembership.objects.create(user=helper, role="community_helper", commune=commune)
    context, page = _desk_page(browser, java_script_enabled=False)
    _sign_in(page, live_server.url, "tovien@camau.gov.vn")
    page.goto(f"{live_server.url}/staff/assisted/new/")
    assert page.input_value("#id_commune") == "Phường An Xuyên"  # their one commune
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg_upload().read())
    page.fill("#id_reporter_name", "Cô Lê Thị Tám")
    page.fill("#id_reporter_phone", "0987654321")
    page.fill("#id_category", "o ga")
    page.fill("#id_description", "Ổ gà sâu giữa đường vào ấp, xe máy dễ té.")
    page.set_input_files("#id_photos", str(photo))
    page.check("#id_contact_allowed_1")  # does not agree to be called
    page.click("#assisted-form button[type=submit]")
    page.wait_for_url("**/staff/assisted/r/**")
    report = Report.objects.get(tracking_code=page.inner_text("#tracking-code").strip())
    assert report.source == "helper" and report.category.code == "ROAD_DAMAGE"
    assert report.contact_allowed is False and report.photos.count() == 1
    page.click("a[href='/staff/assisted/commune/']")
    assert page.locator(f"tr[data-code='{report.tracking_code}']").is_visible()
    assert "Cô Lê Thị Tám" not in page.content()
    context.close()
