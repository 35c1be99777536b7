"""static/js/photos.js in the system Chromium: GPS offer, upright resizing, the file limit."""

import base64
from pathlib import Path

import pytest

from tests.reports.photo_samples import (
    GPS_LATITUDE,
    GPS_LONGITUDE,
    HEIC_PATH,
    encoded,
    phone_jpeg,
    two_colour_image,
)

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "photos.js"
PAGE = """<!doctype html><html><body>
<form id="form" action="javascript:void(0)">
  <input id="photos" type="file" multiple accept="image/*" data-photo-input
         data-max-files="3" data-max-edge="48" data-max-bytes="200000"
         data-msg-too-many="At most %(max)s photos."
         data-msg-too-large="%(name)s is too large."
         data-msg-processing="Preparing photos…">
</form>
<script>
  window.gpsEvents = [];
  document.addEventListener("photo-gps", function (event) { window.gpsEvents.push(event.detail); });
</script>
</body></html>"""

WAIT_DONE = "() => !document.getElementById('photos').hasAttribute('aria-busy')"
DESCRIBE_FILES = """async () => {
  const files = Array.from(document.getElementById('photos').files);
  return Promise.all(files.map(async (file) => {
    const bitmap = await createImageBitmap(file);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const top = Array.from(context.getImageData(bitmap.width / 2, 2, 1, 1).data);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const text = new TextDecoder('latin1').decode(bytes);
    return {name: file.name, type: file.type, width: bitmap.width, height: bitmap.height,
            top: top, hasExif: text.includes('Exif') || text.includes('SecretPhone')};
  }));
}"""


@pytest.fixture
def page(browser):
    """A bare page with only the photo script: the shared session browser, not the portal."""
    page = browser.new_page()
    page.set_content(PAGE)
    page.add_script_tag(content=SCRIPT.read_text())
    yield page
    page.close()


def file_payload(name, mime, data):
    return {"name": name, "mimeType": mime, "buffer": data}


def test_jpeg_is_offered_as_a_pin_resized_upright_and_stripped(page):
    page.set_input_files(
        "#photos", [file_payload("IMG_0001.jpg", "image/jpeg", phone_jpeg(size=(192, 128)))]
    )
    page.wait_for_function(WAIT_DONE)

    gps = page.evaluate("window.gpsEvents")
    assert len(gps) == 1
    assert gps[0]["lat"] == pytest.approx(GPS_LATITUDE, abs=1e-5)
    assert gps[0]["lon"] == pytest.approx(GPS_LONGITUDE, abs=1e-5)
    [described] = page.evaluate(DESCRIBE_FILES)
    # 192×128 with orientation 6 is a 128×192 portrait; scaled to a 48 px longest edge.
    assert (described["width"], described["height"]) == (32, 48)
    assert described["type"] == "image/jpeg"
    red, green, blue, _alpha = described["top"]
    assert red > 150 and blue < 100  # the left (red) half is now on top
    assert not described["hasExif"]
    assert page.locator(".photo-preview img").count() == 1


def test_png_becomes_jpeg_and_heic_is_left_for_the_server(page):
    heic = HEIC_PATH.read_bytes()
    png = encoded(two_colour_image((96, 64)), "PNG")
    page.set_input_files(
        "#photos",
        [file_payload("map.png", "image/png", png), file_payload("IMG.HEIC", "image/heic", heic)],
    )
    page.wait_for_function(WAIT_DONE)

    names = page.evaluate(
        "Array.from(document.getElementById('photos').files).map(f => [f.name, f.type, f.size])"
    )
    assert names[0][:2] == ["map.jpg", "image/jpeg"]
    assert names[1] == ["IMG.HEIC", "image/heic", len(heic)]
    assert page.evaluate("window.gpsEvents") == []  # the first photo has no GPS


def test_more_photos_than_allowed_are_cut_with_a_message(page):
    files = [
        file_payload(f"photo{i}.jpg", "image/jpeg", phone_jpeg(gps=False, orientation=1))
        for i in range(5)
    ]
    page.set_input_files("#photos", files)
    page.wait_for_function(WAIT_DONE)

    assert page.evaluate("document.getElementById('photos').files.length") == 3
    assert "At most 3 photos." in page.locator(".photo-messages").inner_text()


def test_a_file_too_large_to_shrink_is_dropped_with_a_message(page):
    big_heic = HEIC_PATH.read_bytes() + b"\0" * 200_000
    page.set_input_files("#photos", [file_payload("big.heic", "image/heic", big_heic)])
    page.wait_for_function(WAIT_DONE)

    assert page.evaluate("document.getElementById('photos').files.length") == 0
    assert "big.heic is too large." in page.locator(".photo-messages").inner_text()


def test_submit_waits_for_the_photos(page):
    png = base64.b64encode(encoded(two_colour_image(), "PNG")).decode()
    page.evaluate(
        """(b64) => {
        window.submitted = [];
        const form = document.getElementById('form');
        const input = document.getElementById('photos');
        form.addEventListener('submit', (event) => {
          if (!event.defaultPrevented) window.submitted.push(input.files[0].name);
          event.preventDefault();
        });
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'a.png', {type: 'image/png'}));
        input.files = transfer.files;
        input.dispatchEvent(new Event('change'));
        // Submitted in the same tick, while the photo is still being resized.
        window.busyAtSubmit = input.hasAttribute('aria-busy');
        form.requestSubmit();
        }""",
        png,
    )
    page.wait_for_function("window.submitted.length === 1")

    assert page.evaluate("window.busyAtSubmit")
    assert page.evaluate("window.submitted") == ["a.jpg"]


def test_exif_reader_survives_garbage(page):
    garbage = base64.b64encode(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00\x2a\xff\xff\xff\xff")
    result = page.evaluate(
        """(b64) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        return window.CamauPhotos.readJpegGps(bytes.buffer);
        }""",
        garbage.decode(),
    )
    assert result is None
