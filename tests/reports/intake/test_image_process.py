"""The decoding child process: the same result as the pipeline in-process, and a file that
needs more memory than the ceiling is a refusal, not a dead worker."""

import io

import pytest
from PIL import Image

from reports.intake.image_process import DecodeFailed, process_in_child
from tests.reports.photo_samples import phone_jpeg


def png(size, colour=(10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def test_the_child_orients_strips_and_answers_the_image_and_its_thumbnail(settings):
    settings.PHOTO_THUMBNAIL_EDGE = 50

    processed = process_in_child(phone_jpeg(size=(300, 200)))  # orientation 6, GPS, XMP

    image = Image.open(io.BytesIO(processed.content))
    assert (processed.width, processed.height) == image.size == (200, 300)
    assert not image.getexif() and b"SecretPhone" not in processed.content
    assert Image.open(io.BytesIO(processed.thumbnail)).size == (33, 50)


def test_the_child_uses_the_settings_of_the_process_that_starts_it(settings):
    settings.PHOTO_MAX_EDGE = 100
    processed = process_in_child(png((1000, 500)))
    assert (processed.width, processed.height) == (100, 50)


def test_a_file_that_does_not_decode_is_refused_with_its_reason():
    data = phone_jpeg(size=(400, 300), gps=False)
    with pytest.raises(DecodeFailed) as caught:
        process_in_child(data[: len(data) // 2])
    assert caught.value.code == "damaged"


def test_an_image_needing_more_memory_than_the_ceiling_is_refused(settings):
    settings.PHOTO_DECODER_MEMORY_LIMIT_MB = 200
    # 6000 x 6000: 144 MB once decoded, past 200 MB of address space with the interpreter.
    with pytest.raises(DecodeFailed) as caught:
        process_in_child(png((6000, 6000)))
    assert caught.value.code == "memory"
    # The same ceiling leaves room for a phone photo.
    assert process_in_child(png((1000, 1000))).width == 1000
