"""Times the photo work in the request and measures the images worker's peak memory for
5 x 12 MP JPEGs and 5 x 7000 x 7000 PNGs (textured, and single-colour).

Runs on a fresh throw-away database and temporary photo folders, never on the working data.
Goals: at most 300 ms of photo work in the request for the 5 photos of one submission, at most
300 MB peak in the worker
(the Celery child, and the decoder process it starts for each photo).
"""

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from camau_portal.devtools import photo_benchmark as bench

REQUEST_GOAL_MS = 300
WORKER_GOAL_MB = 300


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


class Command(BaseCommand):
    help = "Benchmarks the photo pipeline: request time and images worker peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5, help="photos per set")
        parser.add_argument("--jpeg-size", default="4000x3000", help="12 MP by default")
        parser.add_argument("--png-size", default="7000x7000")
        parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
        parser.add_argument(
            "--sets", default="jpeg-textured,jpeg-one-colour,png-textured,png-one-colour"
        )

    def handle(self, *args, count, jpeg_size, png_size, check, sets, **options):
        jpeg, png = _size(jpeg_size), _size(png_size)
        self.stdout.write(f"Generating {count} photos per set ({jpeg_size} JPEG, {png_size} PNG)…")
        folder = Path(tempfile.mkdtemp(prefix="camau-photo-bench-"))
        makers = {
            "jpeg-textured": (bench.phone_jpeg, jpeg),
            "jpeg-one-colour": (bench.single_colour_jpeg, jpeg),
            "png-textured": (bench.large_png, png),
            "png-one-colour": (bench.single_colour_png, png),
        }
        chosen = sets.split(",")
        if not set(chosen) <= set(makers):
            raise CommandError(f"sets are among {', '.join(makers)}")
        sets = [
            (label, bench.samples(makers[label][0], makers[label][1], count, folder))
            for label in chosen
        ]
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(folder / "bench.sqlite3")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        storages = {
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder / "media")},
            },
            "photo_originals": {
                "BACKEND": "camau_portal.storage.PrivateFileSystemStorage",
                "OPTIONS": {"location": str(folder / "originals")},
            },
        }
        try:
            with override_settings(STORAGES=storages, MEDIA_ROOT=folder / "media"):
                results = []
                for label, samples in sets:
                    results.append(bench.measure_set(label, samples))
                    self._report_one(results[-1])
                    bench.photos_cleanup()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            shutil.rmtree(folder, ignore_errors=True)
        missed = [
            result.label
            for result in results
            if sum(result.request_ms) > REQUEST_GOAL_MS
            or max(result.worker_peak_mb, result.decoder_peak_mb) > WORKER_GOAL_MB
        ]
        verdict = "met" if not missed else "MISSED by " + ", ".join(missed)
        self.stdout.write(
            f"Goals: request <= {REQUEST_GOAL_MS} ms per submission of {count} photos, "
            f"worker peak <= {WORKER_GOAL_MB} MB: {verdict}"
        )
        if missed and check:
            raise CommandError("a goal was missed")

    def _report_one(self, result: bench.SetResult) -> None:
        self.stdout.write(
            f"{result.label:16} {result.count} photos, {result.megabytes:7.1f} MB uploaded | "
            f"request: total {sum(result.request_ms):7.1f} ms, max {max(result.request_ms):6.1f}"
            f" ms/photo | worker: {sum(result.worker_ms) / 1000:6.2f} s, "
            f"peak RSS {result.worker_peak_mb:6.1f} MB (at start {result.worker_baseline_mb:.1f}),"
            f" decoder process peak {result.decoder_peak_mb:6.1f} MB"
            f" | {', '.join(sorted(set(result.outcomes)))}"
        )
