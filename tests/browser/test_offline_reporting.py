"""Reporting on a weak signal, in the system Chromium: the form opens from the service worker's
copy with no network, a report composed offline waits on the device and is filed exactly once
when the connection returns, and an answer lost on the way back files nothing twice."""

import io
import json
import time

import pytest
from PIL import Image

from accounts.models import StaffMembership
from reports.models import Photo, Report
from reports.private_link import private_report_url
from services.models import Department
from tests.factories import PASSWORD, StaffFactory, UserFactory, submit_report

pytestmark = pytest.mark.django_db(transaction=True)

FORM = "/reports/new/"
# Every URL in the worker's caches, and the kept form copy's text.
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls.sort();
}"""
FORM_COPY_KEPT = """async () => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match('/reports/new/')) return true;
  }
  return false;
}"""
KEPT_COPY_TEXT = """async () => {
  for (const name of await caches.keys()) {
    const kept = await (await caches.open(name)).match('/reports/new/');
    if (kept) return kept.text();
  }
  return '';
}"""
KEPT_COPY_LANGUAGE = """async () => {
  for (const name of await caches.keys()) {
    const kept = await (await caches.open(name)).match('/reports/new/');
    if (kept && kept.headers.get('X-Offline-Language') === 'LANGUAGE') return true;
  }
  return false;
}"""
OUTBOX = "() => window.CamauOutbox.all()"


def photo_file(tmp_path, name="de-vo.jpg", colour=(40, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return str(path)


def new_context(browser, **options):
    context = browser.new_context(locale="vi-VN", **options)
    # No network beyond this machine: map tiles are answered empty, not waited for.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    return context


def wait_until(page, script, timeout=15.0):
    """Polls an async script (wait_for_function would take its promise for a true value)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {script}"
        time.sleep(0.1)


def open_form_until_kept(page, base_url):
    """The first visit, online: the worker installs and keeps the form for later."""
    page.goto(base_url + FORM)
    wait_until(page, FORM_COPY_KEPT)


def fill_report(page, title, *, photos=()):
    page.select_option("#id_category", label="Sạt lở bờ sông, bờ biển")
    page.fill("#id_title", title)
    page.fill("#id_description", "Bờ kè bị sạt một đoạn khoảng 10 m, nước tràn vào đường.")
    page.select_option("#id_commune", label="Xã Đất Mũi")
    page.fill("#id_reporter_phone", "0912345678")
    if photos:
        page.set_input_files("#id_photos", list(photos))
        page.wait_for_function(
            "() => !document.getElementById('id_photos').hasAttribute('aria-busy')"
        )


def test_report_composed_offline_is_filed_once_when_the_connection_returns(
    browser, live_server, tmp_path
):
    context = new_context(browser)
    page = context.new_page()
    open_form_until_kept(page, live_server.url)

    context.set_offline(True)
    page.goto(live_server.url + FORM)  # from the worker's copy
    fill_report(page, "Sạt lở bờ kè ấp Mũi", photos=[photo_file(tmp_path)])
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        "() => document.getElementById('outbox-summary').textContent === '1 phản ánh đang chờ gửi.'"
    )
    assert "giữ trên thiết bị" in page.inner_text("#outbox-notice")
    assert page.input_value("#id_title") == ""  # the form is ready for the next report
    [entry] = page.evaluate(OUTBOX)
    assert entry["state"] == "waiting" and len(entry["photos"]) == 1
    assert Report.objects.count() == 0
    page.close()

    context.set_offline(False)
    page = context.new_page()
    page.goto(live_server.url + FORM)
    page.wait_for_selector(".outbox-entry[data-state=sent] .outbox-code")
    code = page.inner_text(".outbox-code")
    report = Report.objects.get()
    assert report.tracking_code == code
    assert report.title == "Sạt lở bờ kè ấp Mũi"
    assert report.photos.count() == 1
    private_link = page.get_attribute(".outbox-private-link", "href")
    assert f"/reports/{code}/p/" in private_link
    # Only the receipt stays on the device: no text, contact details or photos.
    [receipt] = page.evaluate(OUTBOX)
    assert set(receipt) == {
        "clientKey",
        "state",
        "title",
        "createdAt",
        "sentAt",
        "trackingCode",
        "confirmationUrl",
        "privateUrl",
    }
    page.close()
    context.close()


def test_lost_answers_file_the_report_and_its_photos_once(browser, live_server, tmp_path):
    # Without a service worker, so the page alone sends (the worker's Background Sync would
    # resend behind the test's back) -- which is also how a browser with no worker behaves.
    context = new_context(browser, service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + FORM)
    fill_report(
        page,
        "Nước tràn qua bờ bao",
        photos=[photo_file(tmp_path, "a.jpg", (200, 40, 40)), photo_file(tmp_path, "b.jpg")],
    )
    dropped = []

    def deliver_then_drop_answer(route):
        # The portal gets the request and answers; the answer never reaches the phone.
        route.fetch()
        dropped.append(route.request.url)
        route.abort("connectionreset")

    # The second photo's answer is lost on the first attempt (the last route added runs first).
    page.route("**/reports/new/outbox/photos/", deliver_then_drop_answer, times=1)
    page.route("**/reports/new/outbox/photos/", lambda route: route.continue_(), times=1)
    with page.expect_event("requestfailed"):
        page.click("button[type=submit]:has-text('Gửi phản ánh')")
    page.wait_for_selector(".outbox-entry[data-state=waiting]")
    assert Photo.objects.count() == 2 and Report.objects.count() == 0

    # Sent again: the second photo goes up again but is staged once; then the report's
    # answer is lost.
    page.route("**/reports/new/outbox/", deliver_then_drop_answer, times=1)
    with page.expect_event("requestfailed"):
        page.click(".outbox-entry button[data-action=send]")
    page.wait_for_selector(".outbox-entry[data-state=waiting]")
    assert len(dropped) == 2
    assert Report.objects.count() == 1 and Photo.objects.count() == 2

    # Sent once more: the portal answers with the report it filed the first time.
    page.click(".outbox-entry button[data-action=send]")
    page.wait_for_selector(".outbox-entry[data-state=sent] .outbox-code")
    report = Report.objects.get()
    assert page.inner_text(".outbox-code") == report.tracking_code
    assert report.photos.count() == 2
    assert Photo.objects.count() == 2
    context.close()


def sign_in(page, base_url, login_path, email, email_field):
    page.goto(base_url + login_path)
    page.fill(email_field, email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_form_opens_offline_in_the_language_it_was_last_shown_in(browser, live_server):
    context = new_context(browser)
    page = context.new_page()
    open_form_until_kept(page, live_server.url)
    page.click("button[name=language][value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    wait_until(page, KEPT_COPY_LANGUAGE.replace("LANGUAGE", "en"))

    context.set_offline(True)
    response = page.goto(live_server.url + FORM)
    assert response.from_service_worker
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.inner_text("h1") == "Report a problem"
    assert page.locator("#id_category optgroup").count() > 3
    assert page.locator("#id_commune option").count() == 65  # 64 communes and the prompt
    assert page.evaluate("typeof L") == "object"  # the map's script came from the cache too
    context.close()


def test_the_worker_keeps_no_personal_page_and_no_personal_data(browser, live_server):
    citizen = UserFactory(
        email="tran.binh@example.vn", full_name="Trần Thị Bình", phone="0987654321"
    )
    intake = StaffFactory(email="tiepnhan@camau.gov.vn", full_name="Lê Tiếp Nhận")
    StaffMembership.objects.create(
        user=intake,
        role=StaffMembership.Role.INTAKE_OFFICER,
        department=Department.objects.get(code="IOC"),
    )
    report = submit_report(reporter_email=citizen.email, reporter_name=citizen.full_name)

    context = new_context(browser)
    page = context.new_page()
    sign_in(page, live_server.url, "/accounts/login/", citizen.email, "#id_username")
    open_form_until_kept(page, live_server.url)
    # The page shows the signed-in citizen's details; the copy kept for offline does not.
    assert page.input_value("#id_reporter_email") == citizen.email
    kept = page.evaluate(KEPT_COPY_TEXT)
    assert "<form" in kept and 'name="client_key"' in kept
    for personal in (citizen.email, citizen.full_name, citizen.phone):
        assert personal not in kept

    for path in (
        "/accounts/my-reports/",
        private_report_url(report),
        f"/reports/{report.tracking_code}/",
    ):
        page.goto(live_server.url + path)
    sign_in(page, live_server.url, "/staff/login/", intake.email, "#id_email")
    for path in ("/staff/", f"/staff/r/{report.tracking_code}/", "/admin/"):
        page.goto(live_server.url + path)
    page.goto(live_server.url + FORM)

    config = page.evaluate("fetch('/sw.js').then((r) => r.text())")
    precache = json.loads(config.split(" = ", 1)[1].split(";\n", 1)[0])["precache"]
    assert page.evaluate(CACHED_URLS) == sorted([*precache, FORM])
    context.close()


def test_the_portal_asks_for_a_correction_in_the_page_and_keeps_the_photo(
    browser, live_server, tmp_path
):
    context = new_context(browser)
    page = context.new_page()
    page.goto(live_server.url + FORM)
    fill_report(page, "Sạt", photos=[photo_file(tmp_path)])
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    # Posted the ordinary way, the form comes back with the message next to the title.
    page.wait_for_selector("#form-errors")
    assert "ít nhất 5 kí tự" in page.inner_text("#div_id_title")
    assert page.locator("#kept-photos img").count() == 1
    assert page.evaluate(OUTBOX) == []
    page.fill("#id_title", "Sạt lở bờ kè ấp Mũi")
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    page.wait_for_selector("#tracking-code")
    report = Report.objects.get()
    assert page.inner_text("#tracking-code") == report.tracking_code
    assert report.photos.count() == 1 and Photo.objects.count() == 1
    context.close()


def test_a_report_kept_offline_goes_when_the_connection_returns_or_asks_for_a_correction(
    browser, live_server
):
    context = new_context(browser)
    page = context.new_page()
    open_form_until_kept(page, live_server.url)
    context.set_offline(True)
    fill_report(page, "Nước tràn qua bờ bao ấp Cái Mòi")
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    fill_report(page, "Sạt")  # too short: the portal will ask for a correction
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        "() => document.getElementById('outbox-summary').textContent === '2 phản ánh đang chờ gửi.'"
    )

    context.set_offline(False)  # the page is still open: the "online" event sends them
    page.wait_for_selector(".outbox-entry[data-state=sent]")
    page.wait_for_selector(".outbox-entry[data-state=refused]")
    assert Report.objects.get().title == "Nước tràn qua bờ bao ấp Cái Mòi"
    refused = page.locator(".outbox-entry[data-state=refused]")
    assert "Tiêu đề ngắn: Giá trị này phải có ít nhất 5 kí tự" in refused.inner_text()

    refused.locator("button[data-action=edit]").click()
    page.wait_for_function("() => document.getElementById('id_title').value === 'Sạt'")
    assert "Tiêu đề ngắn" in page.inner_text("#outbox-notice")
    page.fill("#id_title", "Sạt lở bờ kè ấp Mũi")
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    page.wait_for_selector("#tracking-code")
    assert Report.objects.count() == 2
    context.close()
