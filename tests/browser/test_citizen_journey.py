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
    page, live_server, live_catalogue, tmp_path
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
    page.wait_for_function("document.getElementById('id_latitude').value !== ''")
    page.wait_for_function("document.getElementById('id_commune').value !== ''")
    assert page.locator("#commune-suggestion").inner_text().strip() != ""

    page.set_input_files("#id_photos", str(jpeg_with_gps(tmp_path)))
    # The photo's location is offered; taking it moves the pin there.
    page.locator("#use-photo-gps").click()
    page.wait_for_function(
        "Math.abs(parseFloat(document.getElementById('id_latitude').value) - 9.1769) < 0.001"
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

    # Before acceptance the public page does not show it; the private link does.
    page.goto(f"{live_server.url}/track/")
    page.fill("#id_code", code.lower().replace("-", " "))
    page.click("button[type=submit]")
    assert "Ổ gà lớn trước chợ Cà Mau" not in page.content()
    page.goto(page.url)  # the tracking page led to the report's own address
    assert code in page.url

    private_link = None
    page.goto(f"{live_server.url}/reports/{code}/submitted/")
    private_link = page.locator("#private-link").input_value()
    page.goto(private_link)
    assert "Ổ gà lớn trước chợ Cà Mau" in page.content()


def test_language_switch_and_no_javascript_form(browser, live_server, live_catalogue):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/reports/new/")
    # Without JavaScript the plain coordinate fields are there and the map is not.
    assert page.locator("#id_latitude").is_visible()
    assert page.locator("#report-map").is_hidden()
    page.click("button[name=language][value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Report a problem" in page.content()
    context.close()
