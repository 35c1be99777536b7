"""Seeds the current (empty, PostgreSQL) database with a province's worth of reports."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from camau_portal.devtools.province_seed import DISTRIBUTIONS, SPAN_DAYS, seed_province


class Command(BaseCommand):
    help = "Seed N reports shaped like the province (COPY); for benchmarks, never in production."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, required=True)
        parser.add_argument("--distribution", choices=DISTRIBUTIONS, default="steady")
        parser.add_argument("--seed", type=int, default=311)
        parser.add_argument(
            "--span-days", type=int, default=SPAN_DAYS, help="how far back reports go"
        )

    def handle(self, *args, reports, distribution, seed, span_days, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Benchmark data is never seeded in production.")
        started = time.perf_counter()
        try:
            result = seed_province(
                reports,
                distribution=distribution,
                seed=seed,
                span_days=span_days,
                progress=self.stderr.write,
            )
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.reports:,} reports, {result.events:,} events, {result.photos:,} photos "
            f"({distribution}) in {time.perf_counter() - started:.0f} s"
        )
