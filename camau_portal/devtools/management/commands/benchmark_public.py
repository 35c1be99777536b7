"""Times the map, the list and the statistics page at two numbers of reports.

Runs on a fresh throw-away database (the test database of the configured backend, on disk for
SQLite), never on the working data. Each figure must grow by at most 1.5× between the sizes.
"""

import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from camau_portal.devtools.benchmark import measure, seed_reports
from reports.stats.refresh import rebuild_all
from services.reference_data import load_reference_data

MAX_RATIO = 1.5


class Command(BaseCommand):
    help = "Benchmarks the public map endpoint, list and statistics page at 10k and 1M reports."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,1000000", help="comma-separated counts")
        parser.add_argument("--repeat", type=int, default=7, help="timed requests per figure")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark database")

    def handle(self, *args, sizes, repeat, keep, **options):
        counts = sorted(int(size) for size in sizes.split(","))
        if len(counts) < 2:
            raise CommandError("give at least two sizes")
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            # On disk: a million reports do not belong in memory.
            path = Path(tempfile.mkdtemp(prefix="camau-bench-")) / "bench.sqlite3"
            test_settings["NAME"] = str(path)
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
                results = self._run(counts, repeat)
        finally:
            if not keep:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self._report(counts, results)

    def _run(self, counts, repeat):
        load_reference_data()
        results, seeded = {}, 0
        for count in counts:
            started = time.perf_counter()
            seed_reports(count - seeded, start_number=seeded)
            seeded = count
            rebuild_all()
            if connection.vendor == "postgresql":
                # As autovacuum would in production: plans need statistics of the new rows.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stderr.write(
                f"{count:,} reports seeded and rolled up in {time.perf_counter() - started:.0f} s"
            )
            results[count] = measure(repeat=repeat)
        return results

    def _report(self, counts, results):
        small, large = counts[0], counts[-1]
        header = f"{'':28}" + "".join(f"{c:>14,}" for c in counts) + f"{'ratio':>10}"
        self.stdout.write(f"Median of timed requests, ms ({connection.vendor})")
        self.stdout.write(header)
        failed = []
        for name in results[small]:
            ratio = results[large][name] / results[small][name]
            cells = "".join(f"{results[c][name]:>14.1f}" for c in counts)
            verdict = "" if ratio <= MAX_RATIO else "  > 1.5×"
            self.stdout.write(f"{name:28}{cells}{ratio:>10.2f}{verdict}")
            if ratio > MAX_RATIO:
                failed.append(name)
        if failed:
            raise CommandError(f"grew more than {MAX_RATIO}×: {', '.join(failed)}")
