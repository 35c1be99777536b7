"""Times every page at several numbers of reports, in two distributions, side by side.

See ``camau_portal.devtools.page_benchmark`` for how, and the README for how to run it.
"""

import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from camau_portal.devtools.page_benchmark import (
    ensure_database,
    ensure_template,
    failed_requests,
    report_lines,
    run_benchmark,
    server_url,
)
from camau_portal.devtools.province_seed import DISTRIBUTIONS, SPAN_DAYS


class Command(BaseCommand):
    help = "Benchmark every page at each size (own PostgreSQL database each) under gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,1000000", help="comma-separated counts")
        parser.add_argument(
            "--distributions", default=",".join(DISTRIBUTIONS), help="steady and/or backlog"
        )
        parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
        parser.add_argument("--reseed", action="store_true", help="seed the databases again")
        parser.add_argument(
            "--prefix", default="camau_bench", help="benchmark databases are <prefix>_..."
        )
        parser.add_argument(
            "--database-server",
            default="",
            help="postgres://user@host:port (default: the server of DATABASE_URL)",
        )
        parser.add_argument("--redis-url", default="", help="default: REDIS_URL")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--no-jit-comparison",
            action="store_true",
            help="skip timing the largest size again with PostgreSQL's JIT off",
        )
        parser.add_argument(
            "--span-days", type=int, default=SPAN_DAYS, help="how far back seeded reports go"
        )
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--concurrency-seconds", type=float, default=10.0)

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("The benchmark makes and drops databases: never in production.")
        try:
            sizes = sorted({int(size) for size in options["sizes"].split(",")})
        except ValueError:
            raise CommandError("--sizes takes whole numbers separated by commas") from None
        distributions = [d for d in options["distributions"].split(",") if d]
        if len(sizes) < 2 or min(sizes) < 100:
            raise CommandError("give at least two sizes of 100 reports or more")
        if not set(distributions) <= set(DISTRIBUTIONS):
            raise CommandError(f"distributions: {', '.join(DISTRIBUTIONS)}")
        server = options["database_server"]
        if not server:
            if connection.vendor != "postgresql":
                raise CommandError("set --database-server (the benchmark runs on PostgreSQL)")
            server = server_url(_url_of(connection.settings_dict))
        broker = options["redis_url"] or settings.REDIS_URL
        if not broker:
            raise CommandError("production mode needs Redis: set --redis-url or REDIS_URL")
        log = Path(tempfile.mkdtemp(prefix="camau-seed-")) / "seed.log"
        started = time.perf_counter()
        template = ensure_template(server, options["prefix"], log=log, remake=options["reseed"])
        databases = [
            ensure_database(
                server,
                options["prefix"],
                template,
                distribution=distribution,
                size=size,
                reseed=options["reseed"],
                span_days=options["span_days"],
                log=log,
                progress=self.stderr.write,
            )  # fmt: skip
            for distribution in distributions
            for size in sizes
        ]
        self.stderr.write(f"databases ready in {time.perf_counter() - started:.0f} s")
        results = run_benchmark(
            databases,
            broker=broker,
            repeat=options["repeat"],
            workers=options["workers"],
            jit_compare=not options["no_jit_comparison"],
            concurrency=options["concurrency"],
            concurrency_seconds=options["concurrency_seconds"],
            progress=self.stderr.write,
        )
        for line in report_lines(results, concurrency=options["concurrency"]):
            self.stdout.write(line)
        if failed_requests(results):
            raise CommandError(f"{failed_requests(results)} requests failed")


def _url_of(settings_dict) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
