import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from reports.intake.images import (
    PhotoRejected,
    inspect_upload,
    make_thumbnail,
    process_original,
)
from tests.reports.photo_samples import (
    BLUE,
    GPS_LATITUDE,
    GPS_LONGITUDE,
    HEIC_PATH,
    RED,
    encoded,
    jpeg_segments,
    phone_jpeg,
    png_header_only,
    two_colour_image,
)

SECRETS = [
    b"Exif",
    b"SecretPhone",
    b"Model-123",
    b"SecretSoftware",
    b"SecretAuthor",
    b"http://ns.adobe.com/xap",
    b"ICC_PROFILE",
    b"SecretComment",
]
# SOI is not in the list (it has no length); these are all a clean baseline JPEG may hold:
# JFIF APP0, quantisation and Huffman tables, progressive frame header, start of scan.
CLEAN_JPEG_MARKERS = {0xE0, 0xDB, 0xC4, 0xC2, 0xDA}


def assert_clean_jpeg(content: bytes) -> Image.Image:
    for secret in SECRETS:
        assert secret not in content, secret
    assert set(jpeg_segments(content)) <= CLEAN_JPEG_MARKERS
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert not image.getexif()
    assert "icc_profile" not in image.info
    assert image.info.get("progressive") or image.info.get("progression")
    return image


@dataclass(frozen=True)
class PipelineResult:
    content: bytes
    width: int
    height: int
    thumbnail: bytes
    gps: tuple[float, float] | None


def through_pipeline(fileobj) -> PipelineResult:
    """What happens to an upload: the request's checks, then the images worker's processing."""
    inspected = inspect_upload(fileobj)
    processed = process_original(inspected.content)
    return PipelineResult(
        content=processed.content,
        width=processed.width,
        height=processed.height,
        thumbnail=processed.thumbnail,
        gps=inspected.gps,
    )


def close_to(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def rejection(data: bytes, name="photo.jpg") -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        through_pipeline(SimpleUploadedFile(name, data, content_type="image/jpeg"))
    return caught.value


def test_phone_jpeg_is_rotated_stripped_and_gives_its_gps():
    result = through_pipeline(io.BytesIO(phone_jpeg()))

    image = assert_clean_jpeg(result.content)
    # Orientation 6 turns the 96×64 landscape into a 64×96 portrait, left half on top.
    assert (result.width, result.height) == (64, 96) == image.size
    assert close_to(image.getpixel((32, 10)), RED)
    assert close_to(image.getpixel((32, 85)), BLUE)
    assert result.gps == pytest.approx((GPS_LATITUDE, GPS_LONGITUDE), abs=1e-5)


def test_southern_and_western_references_give_negative_coordinates():
    from PIL import ExifTags

    image = two_colour_image()
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "S", 2: (33.0, 52.0, 0.0), 3: "W", 4: (70.0, 30.0, 0.0)}
    result = through_pipeline(io.BytesIO(encoded(image, "JPEG", exif=exif)))

    assert result.gps == pytest.approx((-(33 + 52 / 60), -(70.5)))


def test_photo_without_gps_suggests_nothing():
    assert through_pipeline(io.BytesIO(phone_jpeg(gps=False))).gps is None


def test_large_photo_is_scaled_to_the_longest_edge(settings):
    settings.PHOTO_MAX_EDGE = 200
    result = through_pipeline(io.BytesIO(phone_jpeg(size=(900, 600), orientation=1)))

    assert (result.width, result.height) == (200, 133)
    assert Image.open(io.BytesIO(result.content)).size == (200, 133)


def test_png_transparency_is_flattened_onto_white():
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    image.paste((30, 30, 220, 255), (20, 0, 40, 20))
    result = through_pipeline(io.BytesIO(encoded(image, "PNG")))

    output = assert_clean_jpeg(result.content)
    assert close_to(output.getpixel((5, 10)), (255, 255, 255), tolerance=8)
    assert close_to(output.getpixel((35, 10)), BLUE)


def test_palette_png_with_transparency():
    image = two_colour_image((40, 20)).convert("P")
    result = through_pipeline(io.BytesIO(encoded(image, "PNG", transparency=0)))

    assert_clean_jpeg(result.content)
    assert (result.width, result.height) == (40, 20)


def test_webp_is_accepted_and_stripped():
    image = two_colour_image()
    data = encoded(image, "WEBP", quality=90, exif=phone_exif_bytes(), xmp=b"SecretAuthor")
    result = through_pipeline(io.BytesIO(data))

    output = assert_clean_jpeg(result.content)
    assert output.size == (64, 96)  # the WebP's EXIF orientation was applied too
    assert result.gps == pytest.approx((GPS_LATITUDE, GPS_LONGITUDE), abs=1e-5)


def phone_exif_bytes() -> bytes:
    from tests.reports.photo_samples import exif_with

    return exif_with(orientation=6, gps=True).tobytes()


def test_phone_heic_is_decoded_upright_and_gives_its_gps():
    result = through_pipeline(io.BytesIO(HEIC_PATH.read_bytes()))

    image = assert_clean_jpeg(result.content)
    assert image.size == (64, 96)
    assert close_to(image.getpixel((32, 10)), RED, tolerance=60)
    assert close_to(image.getpixel((32, 85)), BLUE, tolerance=60)
    assert result.gps == pytest.approx((GPS_LATITUDE, GPS_LONGITUDE), abs=1e-5)


def test_grey_and_cmyk_jpegs_become_rgb():
    for mode in ("L", "CMYK"):
        result = through_pipeline(io.BytesIO(encoded(Image.new(mode, (30, 20)), "JPEG")))
        assert_clean_jpeg(result.content)


def test_sixteen_bit_png_keeps_its_tones():
    image = Image.new("I;16", (10, 10), 32768)
    output = assert_clean_jpeg(through_pipeline(io.BytesIO(encoded(image, "PNG"))).content)
    assert close_to(output.getpixel((5, 5)), (128, 128, 128), tolerance=3)


def test_png_claiming_a_billion_pixels_is_refused_without_decoding():
    data = png_header_only(40_000, 40_000)
    assert len(data) < 10_000

    error = rejection(data, "bomb.png")

    assert error.code == "too_many_pixels"


def test_png_just_over_the_pixel_limit_is_refused(settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000
    error = rejection(png_header_only(1001, 1000), "big.png")

    assert error.code == "too_many_pixels"
    assert "1" in error.message


def test_truncated_jpeg_is_damaged():
    data = phone_jpeg(size=(400, 300), gps=False)
    error = rejection(data[: len(data) // 2])

    assert error.code == "damaged"


def test_truncated_heic_is_damaged():
    data = HEIC_PATH.read_bytes()
    assert rejection(data[: len(data) // 2], "IMG_0001.HEIC").code == "damaged"


def test_text_file_named_jpg_is_not_an_image():
    error = rejection(b"Hello, this is not a photo at all.\n" * 20, "holiday.jpg")

    assert error.code == "unsupported"


def test_other_image_formats_are_refused():
    for image_format in ("GIF", "BMP", "TIFF"):
        assert rejection(encoded(two_colour_image(), image_format)).code == "unsupported"


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    assert rejection(svg, "map.svg").code == "unsupported"


def test_empty_file_is_refused():
    assert rejection(b"").code == "empty"


def test_file_over_the_byte_limit_is_refused_before_reading(settings):
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    data = b"\xff\xd8\xff" + b"\x00" * (1024 * 1024)

    error = rejection(data)

    assert error.code == "too_large"
    assert "1 MB" in error.message


def test_stream_without_a_declared_size_is_limited_too(settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(PhotoRejected) as caught:
        through_pipeline(io.BytesIO(b"\x00" * 1001))
    assert caught.value.code == "too_large"


def test_messages_are_translated():
    with translation.override("vi"):
        error = rejection(b"not an image")
    assert error.message != error.message.encode("ascii", "ignore").decode()  # has diacritics
    with translation.override("en"):
        assert "JPEG, PNG, WebP or HEIC" in rejection(b"not an image").message


def test_thumbnail_is_small_and_clean(settings):
    settings.PHOTO_THUMBNAIL_EDGE = 50
    photo = through_pipeline(io.BytesIO(phone_jpeg(size=(300, 200))))

    thumbnail = make_thumbnail(photo.content)

    image = assert_clean_jpeg(thumbnail)
    assert image.size == (33, 50)


def test_the_request_side_reads_size_and_format_from_the_header_alone():
    # A 7000 x 7000 PNG with no pixel data at all: decoding would fail, reading the header not.
    inspected = inspect_upload(io.BytesIO(png_header_only(7000, 7000)))

    assert (inspected.format, inspected.width, inspected.height) == ("PNG", 7000, 7000)
    assert inspected.pixels == 49_000_000
    with pytest.raises(PhotoRejected) as caught:
        process_original(inspected.content)
    assert caught.value.code == "damaged"


def test_the_format_comes_from_the_bytes_not_the_name_or_declared_type():
    png_bytes = encoded(two_colour_image(), "PNG")
    upload = SimpleUploadedFile("holiday.jpg", png_bytes, content_type="image/jpeg")
    assert inspect_upload(upload).format == "PNG"
    gif = SimpleUploadedFile("photo.png", encoded(two_colour_image(), "GIF"), "image/png")
    with pytest.raises(PhotoRejected) as caught:
        inspect_upload(gif)
    assert caught.value.code == "unsupported"


def test_a_large_palette_image_is_shrunk_before_it_is_converted(settings):
    settings.PHOTO_MAX_EDGE = 100
    image = two_colour_image(size=(1000, 500)).convert("P")

    result = through_pipeline(io.BytesIO(encoded(image, "PNG")))

    assert (result.width, result.height) == (100, 50)
    output = assert_clean_jpeg(result.content)
    assert close_to(output.getpixel((10, 25)), RED) and close_to(output.getpixel((90, 25)), BLUE)
