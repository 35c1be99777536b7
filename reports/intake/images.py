"""The photo pipeline: turns an untrusted upload into a clean JPEG. No database, no storage.

Two steps, so that the request does only what is cheap:

``inspect_upload`` runs in the request. It reads the bytes (at most ``PHOTO_MAX_BYTES``),
recognises the format from them (never the name or the declared type) and reads the size from
the header without decoding a pixel, refusing more than ``PHOTO_MAX_PIXELS`` (decompression
bombs). The GPS position in the header is returned so the form can *suggest* a pin; it is never
written anywhere by this module.

``process_original`` runs in the images worker. It decodes with bounded memory (JPEG is scaled
down by the decoder itself with ``draft``; any other format is brought down to the target size
in its own mode before any conversion that would copy it at full size), applies the EXIF
orientation, converts colours to sRGB, brings the longest edge down to ``PHOTO_MAX_EDGE`` and
writes a progressive JPEG with no metadata at all (no EXIF, GPS, XMP, ICC profile or comment),
and its thumbnail from the same decoded pixels.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
import zlib
from dataclasses import dataclass
from typing import BinaryIO

import pi_heif
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

pi_heif.register_heif_opener()

# Pillow's format names; pi_heif reports both HEIC and HEIF files as "HEIF".
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80

# What a damaged or hostile file can raise while Pillow parses or decodes it.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, MemoryError)

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class PhotoRejected(Exception):
    """The upload is not a photo we accept. ``message`` is translated and safe to show."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class InspectedUpload:
    content: bytes  # as uploaded, for private storage until the worker processes it
    format: str
    width: int
    height: int
    # (latitude, longitude) from the original's EXIF, for a pin suggestion only.
    gps: tuple[float, float] | None

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    width: int
    height: int
    thumbnail: bytes


def inspect_upload(fileobj: BinaryIO) -> InspectedUpload:
    """The cheap checks of one upload, with no pixel decoded. Raises ``PhotoRejected``."""
    data = _read_limited(fileobj)
    if not _has_accepted_signature(data):
        raise _unsupported()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data)  # Pillow reads the header only until the pixels are asked for
        _check_pixels(image)
        gps = _gps_from_header(image)
    return InspectedUpload(
        content=data, format=image.format, width=image.width, height=image.height, gps=gps
    )


def process_original(data: bytes) -> ProcessedImage:
    """Decode, orient, re-encode and strip one original; its thumbnail from the same pixels.
    Raises ``PhotoRejected`` for a file that does not decode after all."""
    edge = settings.PHOTO_MAX_EDGE
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; treat the warning as a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data)
        _check_pixels(image)
        target = _fit(image.size, edge)
        if image.format == "JPEG" and target != image.size:
            # Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding: far less memory.
            image.draft(None, target)
        _decode(image)
        image = _shrink_in_own_mode(image, edge)
        image = _normalise_mode(image)
        image = ImageOps.exif_transpose(image)
        image = _downscale(image, edge)
        image = _to_srgb(image)
        image = _flatten(image)
    content = _encode_jpeg(image, quality=JPEG_QUALITY)
    thumbnail = _encode_jpeg(
        _downscale(image, settings.PHOTO_THUMBNAIL_EDGE), quality=THUMBNAIL_QUALITY
    )
    return ProcessedImage(
        content=content, width=image.width, height=image.height, thumbnail=thumbnail
    )


def make_thumbnail(content: bytes) -> bytes:
    """A small JPEG of an image this module produced, longest edge ``PHOTO_THUMBNAIL_EDGE``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(content)
        _check_pixels(image)
        edge = settings.PHOTO_THUMBNAIL_EDGE
        image.draft("RGB", _fit(image.size, edge))
        _decode(image)
        image = _flatten(_normalise_mode(image))
        image = _downscale(image, edge)
    return _encode_jpeg(image, quality=THUMBNAIL_QUALITY)


def _read_limited(fileobj: BinaryIO) -> bytes:
    limit = settings.PHOTO_MAX_BYTES
    declared = getattr(fileobj, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise PhotoRejected(_("The file is empty."), code="empty")
    return data


def _too_large(limit: int) -> PhotoRejected:
    return PhotoRejected(
        _("The photo is too large: at most %(limit)s MB per photo.") % {"limit": _megabytes(limit)},
        code="too_large",
    )


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        if _has_accepted_signature(data):
            raise _damaged() from None
        raise _unsupported() from None
    except _DECODE_ERRORS:
        raise _damaged() from None


def _unsupported() -> PhotoRejected:
    return PhotoRejected(
        _("This file is not a photo we can read. Please send a JPEG, PNG, WebP or HEIC image."),
        code="unsupported",
    )


def _has_accepted_signature(data: bytes) -> bool:
    """The first bytes say JPEG, PNG, WebP or HEIF although the rest could not be parsed."""
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS)
    )


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise _damaged()
    if width * height > settings.PHOTO_MAX_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(
        _("The photo has too many pixels: at most %(limit)s megapixels.")
        % {"limit": f"{settings.PHOTO_MAX_PIXELS / 1_000_000:g}"},
        code="too_many_pixels",
    )


def _damaged() -> PhotoRejected:
    return PhotoRejected(
        _("The photo is damaged or incomplete. Please choose another file or take it again."),
        code="damaged",
    )


def _decode(image: Image.Image) -> None:
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except _DECODE_ERRORS:
        raise _damaged() from None


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    width, height = size
    longest = max(width, height)
    if longest <= edge:
        return size
    scale = edge / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _normalise_mode(image: Image.Image) -> Image.Image:
    """Bring palette, 16-bit and bilevel images to a mode the later steps handle."""
    if image.mode in ("RGB", "RGBA", "L", "CMYK"):
        return image
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("LA", "PA", "RGBa", "La"):
        return image.convert("RGBA")
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        # 16-bit greyscale: scale to 8 bits rather than clipping everything above 255 to white.
        scaled = image.convert("I").point(lambda value: value / 256)
        return scaled.convert("L")
    return image.convert("RGB")


def _shrink_in_own_mode(image: Image.Image, edge: int) -> Image.Image:
    """Brings a large decoded image down before any mode conversion, which would copy it at
    full size (a 7000 x 7000 palette PNG is 49 MB as decoded, 196 MB as RGBA). Palette and
    bilevel images can only be resized by picking pixels, so they keep twice the target size
    for the smooth resize that follows their conversion."""
    if image.mode in ("P", "PA", "1"):
        target = _fit(image.size, 2 * edge)
        if target == image.size:
            return image
        return image.resize(target, Image.Resampling.NEAREST)
    target = _fit(image.size, edge)
    if target == image.size:
        return image
    # A box reduction by a whole factor first, then the smooth resize from close to the
    # target: the intermediate copy is a ninth of the decoded image (7000 px: 22 MB, not 57).
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=1.0)


def _downscale(image: Image.Image, edge: int) -> Image.Image:
    target = _fit(image.size, edge)
    if target == image.size:
        return image
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply the embedded colour profile, so that dropping it does not shift the colours."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken or mismatched profile: keep the pixels as they are.
        return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB only: transparent areas become white, as they look on the page."""
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _encode_jpeg(image: Image.Image, *, quality: int) -> bytes:
    # Pillow writes some metadata from ``info`` (the JPEG comment); a blank dict keeps it out.
    image.info = {}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _gps_from_header(image: Image.Image) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees, or None when absent or nonsensical. Only
    EXIF found in the header: a PNG's EXIF after the pixel data would need them decoded."""
    if image.format == "PNG" and "exif" not in image.info:
        return None
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        latitude = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
        longitude = _degrees(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef)
        )
    except Exception:  # any malformed EXIF just means no suggestion
        return None
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    if latitude == 0 and longitude == 0:  # what a phone writes when it had no fix
        return None
    return round(latitude, 6), round(longitude, 6)


def _degrees(dms, ref) -> float | None:
    if dms is None:
        return None
    if not isinstance(dms, tuple | list):
        dms = (dms,)
    parts = [float(part) for part in dms[:3]]
    if not parts or any(math.isnan(part) or math.isinf(part) for part in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    value = parts[0] + parts[1] / 60 + parts[2] / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() in ("S", "W"):
        value = -value
    return value
