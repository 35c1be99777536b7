"""Image files for photo tests, built in memory (the HEIC one is a committed fixture).

``fixtures/phone.heic`` is 96×64 px, left half red and right half blue, stored the way phones
store it: a rotation the decoder applies (EXIF orientation 6) and EXIF GPS 9°10'30" N,
105°9' E. It was written with an HEVC encoder, which the pi-heif wheel lacks.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import ExifTags, Image, ImageCms
from PIL.TiffImagePlugin import IFDRational

HEIC_PATH = Path(__file__).parent / "fixtures" / "phone.heic"
RED = (220, 30, 30)
BLUE = (30, 30, 220)
# 9°10'30" N, 105°9' E: Cà Mau city.
GPS_LATITUDE = 9 + 10 / 60 + 30 / 3600
GPS_LONGITUDE = 105 + 9 / 60


def two_colour_image(size=(96, 64)) -> Image.Image:
    """Left half red, right half blue: shows whether a rotation was applied."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def exif_with(*, orientation: int | None = None, gps: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhone"
    exif[ExifTags.Base.Model] = "Model-123"
    exif[ExifTags.Base.Software] = "SecretSoftware 1.0"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (IFDRational(9), IFDRational(10), IFDRational(3000, 100)),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (IFDRational(105), IFDRational(9), IFDRational(0)),
        }
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>SecretAuthor</dc:creator>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def phone_jpeg(size=(96, 64), *, orientation=6, gps=True, quality=95) -> bytes:
    """A JPEG as a phone writes it: EXIF (orientation, GPS, make), XMP, ICC profile, a comment."""
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    two_colour_image(size).save(
        out,
        format="JPEG",
        quality=quality,
        exif=exif_with(orientation=orientation, gps=gps),
        xmp=XMP,
        icc_profile=icc,
        comment=b"SecretComment",
    )
    return out.getvalue()


def encoded(image: Image.Image, image_format: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **params)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # A few compressed rows of zeros; a decoder would have to inflate gigabytes to finish.
    data = zlib.compress(b"\x00" * (1 + 3 * min(width, 4096)) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def jpeg_segments(content: bytes) -> list[int]:
    """The marker bytes (0xE0 for APP0, 0xFE for COM...) of a JPEG's header segments."""
    assert content[:2] == b"\xff\xd8"
    markers = []
    position = 2
    while position < len(content):
        assert content[position] == 0xFF
        marker = content[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        position += 2 + length
    return markers
