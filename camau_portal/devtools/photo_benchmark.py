"""Measures the photo pipeline (``manage.py benchmark_photos``): the time the request spends on
each photo, and the peak memory of the images worker processing them.

The request side is ``photo_stage_once`` on a file Django has spooled to disk, as a real upload
of that size is: checks, digest, private original, row. The worker side runs ``photo_process``
in a child forked from this process, the way a Celery prefork worker runs a task; its peak
resident memory is read from the kernel (``VmHWM``, reset in the child before the work starts),
and so is the largest peak of the decoder processes it started (``RUSAGE_CHILDREN``).
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import connections
from PIL import Image, ImageDraw

from reports.intake.photos import photo_process, photo_stage_once, photo_stored
from reports.models import Photo


@dataclass(frozen=True)
class Sample:
    """A generated photo, kept on disk so that this process (whose memory the forked worker
    child starts with) does not hold them all."""

    path: Path
    size: tuple[int, int]

    @property
    def bytes(self) -> int:
        return self.path.stat().st_size


@dataclass
class SetResult:
    label: str
    count: int
    megabytes: float
    request_ms: list[float]
    worker_ms: list[float]
    worker_baseline_mb: float
    worker_peak_mb: float
    decoder_peak_mb: float
    outcomes: list[str]


def textured_image(size: tuple[int, int], seed: int) -> Image.Image:
    """A photo-like RGB image: gradients in each channel, shapes, and sensor-like noise."""
    width, height = size
    rng = random.Random(seed)
    horizontal = Image.linear_gradient("L").rotate(90).resize(size)
    vertical = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    image = Image.merge("RGB", (horizontal, vertical, radial))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 20, width // 4), rng.randrange(height // 20, height // 4)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + w, y + h), fill=colour)
    noise = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(image, noise, 0.18)


def phone_jpeg(size: tuple[int, int], seed: int) -> bytes:
    """A 12 MP phone photo: textured, quality 92, with an EXIF orientation to apply."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the worker must turn it upright
    out = io.BytesIO()
    textured_image(size, seed).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def large_png(size: tuple[int, int], seed: int) -> bytes:
    """A large screenshot-like PNG: gradients and shapes (no noise, which would not fit the
    upload limit at this size)."""
    width, height = size
    rng = random.Random(seed)
    image = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize(size),
            Image.linear_gradient("L").rotate(90).resize(size),
            Image.new("L", size, rng.randrange(256)),
        ),
    )
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 30, width // 5), rng.randrange(height // 30, height // 5)
        draw.rectangle((x, y, x + w, y + h), fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def single_colour_png(size: tuple[int, int], seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (seed * 40 % 256, 120, 200)).save(out, "PNG")
    return out.getvalue()


def single_colour_jpeg(size: tuple[int, int], seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (seed * 40 % 256, 120, 200)).save(out, "JPEG", quality=92)
    return out.getvalue()


def samples(make: Callable[[tuple[int, int], int], bytes], size, count, folder: Path) -> list:
    made = []
    for index in range(count):
        path = folder / f"{make.__name__}-{index}"
        path.write_bytes(make(size, index))
        made.append(Sample(path=path, size=size))
    return made


def _spooled_upload(sample: Sample) -> TemporaryUploadedFile:
    """The upload as Django hands it to the view: spooled to a temporary file."""
    data = sample.path.read_bytes()
    upload = TemporaryUploadedFile(sample.path.name, "image/*", len(data), None)
    upload.write(data)
    upload.seek(0)
    return upload


def _rss_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak_rss() -> None:
    # "5" resets the peak resident set size to the current one (Linux, proc(5)).
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def measure_set(label: str, photo_samples: list[Sample]) -> SetResult:
    """Stages each sample as its own submission (so every photo reaches the worker, whatever
    the per-submission budget), then processes them all in one forked worker child."""
    request_ms, photos = [], []
    receivers = photo_stored.receivers
    photo_stored.receivers = []  # nothing is queued: this process plays the worker below
    try:
        for index, sample in enumerate(photo_samples):
            upload = _spooled_upload(sample)
            started = time.perf_counter()
            staged = photo_stage_once(upload=upload, staged_by=f"benchmark:{label}:{index}")
            request_ms.append((time.perf_counter() - started) * 1000)
            upload.close()
            photos.append(staged.photo)
    finally:
        photo_stored.receivers = receivers
        photo_stored.sender_receivers_cache.clear()
    worker = _process_in_child([photo.pk for photo in photos])
    return SetResult(
        label=label,
        count=len(photo_samples),
        megabytes=sum(sample.bytes for sample in photo_samples) / 1_000_000,
        request_ms=request_ms,
        worker_ms=worker["ms"],
        worker_baseline_mb=worker["baseline_mb"],
        worker_peak_mb=worker["peak_mb"],
        decoder_peak_mb=worker["decoder_peak_mb"],
        outcomes=worker["outcomes"],
    )


def _process_in_child(photo_ids: list[int]) -> dict:
    connections.close_all()  # the child opens its own, as a Celery child does
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker child
        os.close(reader)
        result = {"ms": [], "outcomes": []}
        try:
            baseline = _rss_mb("VmRSS")
            _reset_peak_rss()
            for photo_id in photo_ids:
                started = time.perf_counter()
                result["outcomes"].append(photo_process(photo_id=photo_id))
                result["ms"].append((time.perf_counter() - started) * 1000)
            result.update(
                baseline_mb=baseline,
                peak_mb=_rss_mb("VmHWM"),
                # Kilobytes on Linux: the largest of the decoder processes this child waited for.
                decoder_peak_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            )
            connections.close_all()
        except BaseException as error:  # report it to the parent rather than die silently
            result["error"] = f"{error.__class__.__name__}: {error}"
        with os.fdopen(writer, "w") as pipe:
            json.dump(result, pipe)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        result = json.load(pipe)
    os.waitpid(pid, 0)
    if "error" in result:
        raise RuntimeError(f"the worker child failed: {result['error']}")
    return result


def photos_cleanup() -> None:
    for photo in Photo.objects.filter(staged_by__startswith="benchmark:"):
        for field in (photo.original, photo.image, photo.thumbnail):
            if field.name:
                field.storage.delete(field.name)
        photo.delete()
