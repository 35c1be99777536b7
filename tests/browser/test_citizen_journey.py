import io

import pytest
from PIL import Image

from reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def jpeg_with_gps(tmp_path):
    """A phone-like photo carrying EXIF GPS near Phường An Xuyên (9.1769 N, 105.1524 E)."""
    image = Image.new("RGB", (1600, 1200), (90, 120, 160))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (9.0, 10.0, 36.84)
    gps[3] = "E"
    gps[4] = (105.0, 9.0, 8.64)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    path = tmp_path / "o-ga.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def test_file_a_report_with_photo_and_map_click_then_track_it(
    browser, page, live_server, catalogue, tmp_path
):
    page.goto(f"{live_server.url}/reports/new/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.select_option("#id_category", label="Hư hỏng mặt đường, ổ gà")
    page.fill("#id_title", "Ổ gà lớn trước chợ Cà Mau")
    page.fill("#id_description", "Ổ gà sâu khoảng 20 cm, xe máy dễ té ngã vào ban đêm.")

    # The map replaces the coordinate fields; a click drops the pin and suggests the commune.
    assert page.locator("#coords-manual").is_hidden()
    map_box = page.locator("#report-map").bounding_box()
    page.mouse.click(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    page.wait_for_function("() => document.getElementById('id_commune').value !== ''")
    assert page.locator("#commune-suggestion").inner_text().strip() != ""
    # The pin is drawn from the images folder beside leaflet.js, a path that also holds under
    # production's hashed static names (where Leaflet's own CSS lookup fails).
    pin = page.locator("#report-map img.leaflet-marker-icon")
    pin.wait_for()
    assert "/static/vendor/leaflet/images/marker-icon" in pin.get_attribute("src")
    page.wait_for_function(
        "() => document.querySelector('#report-map img.leaflet-marker-icon').naturalWidth > 0"
    )

    page.set_input_files("#id_photos", str(jpeg_with_gps(tmp_path)))
    # The photo's location is offered; taking it moves the pin there.
    page.locator("#use-photo-gps").click()
    page.wait_for_function(
        "() => Math.abs(parseFloat(document.getElementById('id_latitude').value) - 9.1769) < 0.001"
    )
    page.fill("#id_reporter_name", "Trần Thị Bình")
    page.fill("#id_reporter_email", "binh@example.vn")
    page.click("button[type=submit]:has-text('Gửi phản ánh')")

    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    report = Report.objects.get(tracking_code=code)
    assert report.photos.count() == 1
    assert abs(report.latitude - 9.1769) < 0.001
    assert report.commune.name == "Phường An Xuyên"

    # The reporter's own browser finds it by the code as typed, and sees it privately.
    page.goto(f"{live_server.url}/track/")
    page.fill("#id_code", code.lower().replace("-", " "))
    page.click("#track-submit")
    page.wait_for_url(f"**/reports/{code}/p/**")
    assert "Ổ gà lớn trước chợ Cà Mau" in page.content()

    # Anyone else: before acceptance the report is not public.
    stranger = browser.new_context(locale="vi-VN")
    other = stranger.new_page()
    other.goto(f"{live_server.url}/track/")
    other.fill("#id_code", code)
    other.click("#track-submit")
    other.wait_for_url(f"**/reports/{code}/")
    assert "Ổ gà lớn trước chợ Cà Mau" not in other.content()
    assert other.locator("h1").inner_text() == "Phản ánh này chưa được công khai"
    stranger.close()


def test_form_without_javascript_keeps_input_and_files_the_report(browser, live_server, catalogue):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/reports/new/")
    # Without JavaScript the plain coordinate fields are there and the map is not.
    assert page.locator("#id_latitude").is_visible()
    assert page.locator("#report-map").is_hidden()
    page.select_option("#id_category", label="Rác thải, thu gom rác")
    page.fill("#id_title", "Rác tồn đọng ven kênh")
    page.fill("#id_description", "Rác để ven kênh nhiều ngày chưa thu gom.")
    page.select_option("#id_commune", label="Phường Tân Thành")
    page.fill("#id_latitude", "21.03")  # Hà Nội: outside the province
    page.fill("#id_longitude", "105.85")
    page.fill("#id_reporter_phone", "0912345678")
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    assert "ngoài tỉnh Cà Mau" in page.content()
    assert page.input_value("#id_title") == "Rác tồn đọng ven kênh"
    assert page.input_value("#id_reporter_phone") == "0912345678"
    page.fill("#id_latitude", "")
    page.fill("#id_longitude", "")
    page.click("button[type=submit]:has-text('Gửi phản ánh')")
    code = page.locator("#tracking-code").inner_text().strip()
    assert Report.objects.get(tracking_code=code).commune.name == "Phường Tân Thành"
    context.close()


def test_language_switch_on_every_page(page, live_server, catalogue):
    page.set_viewport_size({"width": 1200, "height": 900})
    for path in ["/", "/reports/new/", "/track/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "vi"
        page.click("button[name=language][value=en]")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.url == f"{live_server.url}{path}"
        page.click("button[name=language][value=vi]")
