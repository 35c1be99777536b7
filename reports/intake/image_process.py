"""Runs the photo pipeline's decoding (``images.process_original``) in a short-lived child
process with a ceiling on its memory.

A decoded image costs up to 4 bytes a pixel in Pillow: 196 MB for a 7000 x 7000 PNG, which no
decoder can scale down while reading (JPEG's can, see ``images``). Decoding in a fresh, small
interpreter keeps that off the images worker, whose memory then stays flat, and the address-space
limit (``PHOTO_DECODER_MEMORY_LIMIT_MB``) turns a file built to need more into a refusal
instead of a worker killed by the system.

The child gets the original on stdin and answers on stdout: width, height, the lengths of the
image and thumbnail (four big-endian 32-bit numbers), then both JPEGs. It exits with 2 and the
refusal code on stderr for a file it cannot read.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys

from django.conf import settings

from reports.intake.images import PhotoRejected, ProcessedImage, process_original

_HEADER = struct.Struct("!IIII")
_REFUSED = 2
# The settings the child needs; passed in its environment, so it loads none of the project.
_CHILD_SETTINGS = ("PHOTO_MAX_EDGE", "PHOTO_THUMBNAIL_EDGE", "PHOTO_MAX_PIXELS")


class DecodeFailed(Exception):
    """The original could not be made into a photo. ``code`` says why (as PhotoRejected)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def process_in_child(data: bytes) -> ProcessedImage:
    """``images.process_original(data)``, run in a child process. Raises DecodeFailed."""
    environment = {
        **os.environ,
        "PORTAL_IMAGE_SETTINGS": json.dumps(
            {name: getattr(settings, name) for name in _CHILD_SETTINGS}
        ),
        "PORTAL_IMAGE_MEMORY_MB": str(settings.PHOTO_DECODER_MEMORY_LIMIT_MB),
        # Decoder threads (HEIC) would each reserve a malloc arena of 64 MB of address space.
        "MALLOC_ARENA_MAX": "2",
    }
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "reports.intake.image_process"],
            input=data,
            capture_output=True,
            env=environment,
            timeout=settings.PHOTO_DECODER_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DecodeFailed("timeout") from None
    if finished.returncode == _REFUSED:
        raise DecodeFailed(finished.stderr.decode("ascii", "replace").strip() or "damaged")
    if finished.returncode != 0:
        # Killed (out of memory despite the limit) or crashed inside a decoder library.
        raise DecodeFailed(f"exit {finished.returncode}")
    return _read_answer(finished.stdout)


def _read_answer(output: bytes) -> ProcessedImage:
    width, height, image_length, thumbnail_length = _HEADER.unpack_from(output)
    start = _HEADER.size
    return ProcessedImage(
        content=output[start : start + image_length],
        width=width,
        height=height,
        thumbnail=output[start + image_length : start + image_length + thumbnail_length],
    )


def _child_main() -> int:
    limit = int(os.environ["PORTAL_IMAGE_MEMORY_MB"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    settings.configure(USE_I18N=False, **json.loads(os.environ["PORTAL_IMAGE_SETTINGS"]))

    data = sys.stdin.buffer.read()
    try:
        processed = process_original(data)
    except PhotoRejected as rejected:
        sys.stderr.write(rejected.code)
        return _REFUSED
    except MemoryError:  # past the ceiling anywhere in the pipeline, not only while decoding
        sys.stderr.write("memory")
        return _REFUSED
    out = sys.stdout.buffer
    out.write(
        _HEADER.pack(
            processed.width, processed.height, len(processed.content), len(processed.thumbnail)
        )
    )
    out.write(processed.content)
    out.write(processed.thumbnail)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
