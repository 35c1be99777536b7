"""Times every page of the portal at several numbers of reports, side by side
(``manage.py benchmark_pages``).

Each (distribution, size) lives in its own PostgreSQL database, ``<prefix>_<distribution>_
<size>``, made from a template holding the schema and the reference data and filled by the
province seeder; it is kept and reused by later runs (``--reseed`` makes it again).

Why gunicorn and not the test client: the figures are what a visitor waits for in production
(production settings, compiled templates, static manifest, WhiteNoise, two sync workers, a real
socket), and only a real server can say how many requests per second a page allows at
concurrency 8. One gunicorn serves each database; every page is requested from each in turn,
round after round, so a slow moment of the shared machine hits all sizes alike. Each request's
query count comes from the server itself (``serve_measured``), streamed bodies included.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from camau_portal.devtools.demo_accounts import DEMO_PASSWORD
from camau_portal.devtools.province_seed import SPAN_DAYS
from camau_portal.devtools.stack import (
    ROOT,
    Browser,
    collectstatic,
    free_port,
    gunicorn,
    production_environment,
)

EXPORT_LIMIT = 1024 * 1024  # exports are timed to their first megabyte
PROVINCE_BOX = "104.7,8.5,105.9,9.7"
QUERY_LINE = re.compile(rb"^measured-queries (\d+) (\S+)$", re.M)


@dataclass(frozen=True)
class Database:
    distribution: str
    size: int
    name: str
    url: str


def server_url(database_url: str) -> str:
    """postgres://user@host:port/name → postgres://user@host:port"""
    return database_url.rsplit("/", 1)[0]


def _admin(server: str):
    return psycopg.connect(f"{server}/postgres", autocommit=True)


def database_exists(server: str, name: str) -> bool:
    with _admin(server) as admin:
        return bool(
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )


def _manage(args: list[str], *, database: str, log: Path, env_extra: dict | None = None):
    env = production_environment(port=0, database=database, broker="", extra=env_extra)
    # Seeding and migrating are development work (the devtools app), on this database;
    # DEBUG off so that no query is kept in memory, with a key of its own.
    env.update(DJANGO_ENV="development", DJANGO_DEBUG="false", PORTAL_DEVTOOLS="true")
    with open(log, "ab") as handle:
        handle.write(f"\n$ manage.py {' '.join(args)} ({database})\n".encode())
        handle.flush()
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed; see {log}")


def ensure_template(server: str, prefix: str, *, log: Path, remake: bool) -> str:
    """The schema and the reference data, once: every benchmark database is a copy."""
    name = f"{prefix}_template"
    if remake or not _has_reference_data(f"{server}/{name}"):
        with _admin(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        _manage(["migrate", "--noinput", "-v", "0"], database=f"{server}/{name}", log=log)
        _manage(["load_reference_data"], database=f"{server}/{name}", log=log)
    return name


def _has_reference_data(url: str) -> bool:
    try:
        with psycopg.connect(url) as conn:
            return bool(conn.execute("SELECT 1 FROM services_category LIMIT 1").fetchone())
    except psycopg.Error:
        return False


def seeded_count(url: str) -> int | None:
    """How many reports a finished seeding left (None: unfinished or never seeded)."""
    try:
        with psycopg.connect(url) as conn:
            done = conn.execute(
                "SELECT 1 FROM reports_rollupstate WHERE name = 'reports'"
            ).fetchone()
            if not done:
                return None
            return conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
    except psycopg.Error:
        return None


def ensure_database(
    server: str, prefix: str, template: str, *, distribution: str, size: int, reseed: bool,
    log: Path, progress: Callable[[str], None], span_days: int = SPAN_DAYS,
) -> Database:  # fmt: skip
    name = f"{prefix}_{distribution}_{size}"
    url = f"{server}/{name}"
    if not reseed and database_exists(server, name) and seeded_count(url) == size:
        progress(f"{name}: reusing {size:,} seeded reports")
        return Database(distribution, size, name, url)
    with _admin(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    started = time.perf_counter()
    _manage(
        ["seed_province", "--reports", str(size), "--distribution", distribution,
         "--span-days", str(span_days)],
        database=url, log=log,
    )  # fmt: skip
    with psycopg.connect(url, autocommit=True) as conn:
        # As autovacuum would have by the time anyone reads: visibility map and statistics.
        conn.execute("VACUUM ANALYZE")
    progress(f"{name}: seeded {size:,} reports in {time.perf_counter() - started:.0f} s")
    return Database(distribution, size, name, url)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str = ""  # the staff member who asks; "" for the public
    limit: int | None = None  # bytes read (exports)
    statuses: tuple[int, ...] = (200,)


@dataclass
class Sample:
    times: list[float] = field(default_factory=list)
    queries: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


ROLES = {
    "intake": "intake@demo.camau.vn",
    "officer": "officer@demo.camau.vn",
    "manager": "manager@demo.camau.vn",
    "leader": "leader@demo.camau.vn",
    "admin": "admin@demo.camau.vn",
}
ROLE_QUEUES = {
    "intake": ["new", "waiting", "due_soon", "overdue", "awaiting_rating", "all"],
    "officer": ["inbox", "mine", "waiting", "due_soon", "overdue", "awaiting_rating", "all"],
    "manager": ["inbox", "mine", "waiting", "due_soon", "overdue", "awaiting_rating", "all"],
    "leader": ["waiting", "due_soon", "overdue", "awaiting_rating", "all"],
}
MAP_FILTERS = ["category", "status=open", "status=fixed", "status=closed", "commune"]
PERIODS_PUBLIC = ["7d", "30d", "90d", "365d"]
PERIODS_STATS = ["30d", "90d", "365d", "year"]


@dataclass(frozen=True)
class Landmarks:
    """Identifiers the page addresses need, the same kind of thing at every size."""

    report: str  # a public report with photos, from the middle of the table
    deep: str  # a public report half-way down the public list
    deep_open311: str
    category: str
    commune: str
    commune_box: str
    street_box: str


def landmarks(url: str) -> Landmarks:
    with psycopg.connect(url) as conn:
        public = "FROM reports_report r WHERE r.published_at IS NOT NULL AND NOT r.is_hidden"
        total = conn.execute(f"SELECT count(*) {public}").fetchone()[0]
        report = (
            conn.execute(
                f"SELECT r.tracking_code {public} AND r.status = 'closed' AND EXISTS (SELECT 1 FROM"
                " reports_photo p WHERE p.report_id = r.id) ORDER BY r.id"
                " OFFSET (SELECT count(*) / 2 FROM reports_report) / 2 LIMIT 1"
            ).fetchone()
            or conn.execute(f"SELECT r.tracking_code {public} LIMIT 1").fetchone()
        )
        deep = conn.execute(
            f"SELECT r.tracking_code {public} ORDER BY r.published_at DESC, r.id DESC"
            " OFFSET %s LIMIT 1",
            [total // 2],
        ).fetchone()
        # The category and the commune with the most reports: the heaviest filter.
        category = conn.execute(
            "SELECT c.code FROM reports_report r JOIN services_category c ON c.id = r.category_id"
            " GROUP BY c.code ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        commune = conn.execute(
            "SELECT m.code, m.latitude, m.longitude FROM reports_report r"
            " JOIN services_commune m ON m.id = r.commune_id"
            " GROUP BY m.code, m.latitude, m.longitude ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    lat, lon = commune[1], commune[2]
    return Landmarks(
        report=report[0],
        deep=deep[0] if deep else report[0],
        deep_open311=deep[0] if deep else report[0],
        category=category[0],
        commune=commune[0],
        commune_box=f"{lon - 0.15:.4f},{lat - 0.15:.4f},{lon + 0.15:.4f},{lat + 0.15:.4f}",
        street_box=f"{lon - 0.01:.4f},{lat - 0.01:.4f},{lon + 0.01:.4f},{lat + 0.01:.4f}",
    )


def page_list(marks: Landmarks) -> list[Page]:
    """Every page the issue lists, with the filters the UI offers."""

    def q(path: str, **params) -> str:
        return f"{path}?{urlencode(params)}" if params else path

    def filter_params(spec: str) -> dict:
        if spec == "category":
            return {"category": marks.category}
        if spec == "commune":
            return {"commune": marks.commune}
        key, value = spec.split("=")
        return {key: value}

    pages = [
        Page("framework floor", "/dev/floor/"),
        Page("home", "/"),
        Page("report form", "/reports/new/"),
        Page("report page", f"/reports/{marks.report}/"),
        Page("track form", "/track/"),
        Page("track a code", q("/track/", code=marks.report), statuses=(302,)),
        Page("map page", "/map/"),
        Page("map data, province", q("/map/data.json", bbox=PROVINCE_BOX)),
        Page("map data, district", q("/map/data.json", bbox=marks.commune_box)),
        Page("map data, street", q("/map/data.json", bbox=marks.street_box)),
    ]
    for spec in MAP_FILTERS:
        pages.append(
            Page(f"map data, province, {spec}", q("/map/data.json", bbox=PROVINCE_BOX,
                                                   **filter_params(spec)))
        )  # fmt: skip
    for period in PERIODS_PUBLIC:
        pages.append(
            Page(f"map data, province, period={period}",
                 q("/map/data.json", bbox=PROVINCE_BOX, period=period))
        )  # fmt: skip
    pages += [
        Page("map summary", f"/map/reports/{marks.report}.json"),
        Page("list, first page", "/reports/"),
        Page("list, deep page", q("/reports/", after=marks.deep)),
    ]
    for spec in [*MAP_FILTERS, "period=30d", "period=365d"]:
        pages.append(Page(f"list, first page, {spec}", q("/reports/", **filter_params(spec))))
    pages += [
        Page("list, deep page, status=closed",
             q("/reports/", status="closed", after=marks.deep)),
        Page("export CSV, first MB", "/reports/export.csv", limit=EXPORT_LIMIT),
        Page("export GeoJSON, first MB", "/reports/export.geojson", limit=EXPORT_LIMIT),
        Page("export CSV, category, first MB",
             q("/reports/export.csv", category=marks.category), limit=EXPORT_LIMIT),
    ]  # fmt: skip
    for period in PERIODS_STATS:
        pages.append(Page(f"stats, public, {period}", q("/stats/", period=period)))
    for period in PERIODS_STATS:
        pages.append(
            Page(f"stats, staff, {period}", q("/staff/stats/", period=period), role="leader")
        )
    base = "/open311/v2"
    pages += [
        Page("open311 services", f"{base}/services.json"),
        Page("open311 requests", f"{base}/requests.json"),
        Page("open311 requests, open, category",
             q(f"{base}/requests.json", status="open", service_code=marks.category)),
        # The deepest numbered page the API serves (offset 9,000 of its 10,000 ceiling).
        Page("open311 requests, page 10", q(f"{base}/requests.json", page=10)),
        Page("open311 requests, after (keyset)",
             q(f"{base}/requests.json", after=marks.deep_open311)),
        Page("open311 one request", f"{base}/requests/{marks.report}.json"),
        Page("open311 servicerequestupdates", f"{base}/servicerequestupdates.json"),
    ]  # fmt: skip
    for role, queues in ROLE_QUEUES.items():
        for queue in queues:
            pages.append(Page(f"staff {role}: {queue}", q("/staff/", queue=queue), role=role))
    pages += [
        Page("staff search", q("/staff/", queue="all", q="duong"), role="intake"),
        Page("staff search, tracking code", q("/staff/", queue="all", q=marks.report),
             role="intake"),
        Page("staff workbench", f"/staff/r/{marks.report}/", role="intake"),
        Page("staff CSV export, first MB", "/staff/reports.csv", role="intake",
             limit=EXPORT_LIMIT),
        Page("admin report list", "/admin/reports/report/", role="admin"),
        Page("admin report search", q("/admin/reports/report/", q="duong"), role="admin"),
    ]  # fmt: skip
    return pages


class Server:
    """One gunicorn on one benchmark database, with a signed-in browser per staff role."""

    def __init__(self, database: Database, *, broker: str, logs: Path, jit: bool, workers: int):
        self.database = database
        self.jit = jit
        self.port = free_port()
        options = "-c jit=on" if jit else "-c jit=off"
        env = production_environment(
            port=self.port,
            database=database.url,
            broker=broker,
            extra={"PORTAL_DEVTOOLS": "true", "PGOPTIONS": options},
        )
        self.label = f"{database.distribution}_{database.size}{'' if jit else '_nojit'}"
        self.service = gunicorn(
            f"web-{self.label}", port=self.port, env=env, logs=logs, workers=workers,
            app="camau_portal.devtools.serve_measured",
        )  # fmt: skip
        self.browsers: dict[str, Browser] = {}
        self.pages: list[Page] = []

    def start(self):
        public = Browser(self.port)

        def answers():
            try:
                return public.get("/dev/floor/", follow=False).status == 200
            except OSError:
                return False

        self.service.wait_until(answers, message=f"gunicorn on {self.database.name} never answered")
        self.browsers[""] = public
        for role, email in ROLES.items():
            browser = Browser(self.port)
            browser.get("/staff/login/")
            answer = browser.post_form(
                "/staff/login/", {"email": email, "password": DEMO_PASSWORD}, follow=False
            )
            if answer.status != 302:
                raise RuntimeError(f"{email} could not sign in: {answer.describe()}")
            self.browsers[role] = browser
        self.pages = page_list(landmarks(self.database.url))

    def fetch(self, page: Page) -> tuple[float, str | None]:
        """One request: its wall time in ms, and what went wrong, if anything."""
        browser = self.browsers[page.role]
        started = time.perf_counter()
        try:
            response = browser.get(page.path, follow=False, limit=page.limit)
        except OSError as error:
            return (time.perf_counter() - started) * 1000, f"{page.path}: {error}"
        elapsed = (time.perf_counter() - started) * 1000
        if response.status not in page.statuses:
            return elapsed, f"{page.path} answered {response.status}"
        return elapsed, None

    def query_counts(self) -> dict[str, int]:
        """The last count the server logged for each address."""
        counts = {}
        for count, target in QUERY_LINE.findall(self.service.log.read_bytes()):
            counts[target.decode()] = int(count)
        return counts


def throughput(server: Server, page: Page, *, clients: int, seconds: float) -> float:
    """Requests per second ``clients`` concurrent clients get from one page."""
    done, stop = [0] * clients, time.monotonic() + seconds

    def client(index):
        browser = Browser(server.port, cookies=dict(server.browsers[page.role].cookies))
        while time.monotonic() < stop:
            response = browser.get(page.path, follow=False, limit=page.limit)
            if response.status in page.statuses:
                done[index] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


@dataclass
class Results:
    servers: list[Server]
    samples: dict[tuple[str, str], Sample]  # (server label, page name) → sample
    concurrency: dict[str, dict[str, float]] = field(default_factory=dict)


CONCURRENCY_PAGES = ("framework floor", "home", "report page", "map data, province",
                     "staff intake: new")  # fmt: skip


def run_benchmark(
    databases: list[Database],
    *,
    broker: str,
    repeat: int,
    workers: int,
    jit_compare: bool,
    concurrency: int,
    concurrency_seconds: float,
    progress: Callable[[str], None],
) -> Results:
    logs = Path(tempfile.mkdtemp(prefix="camau-benchmark-"))
    progress(f"server logs in {logs}")
    with ExitStack() as stack:
        collectstatic(
            production_environment(port=0, database=databases[0].url, broker=broker),
            log=logs / "release.log",
        )
        largest = max(d.size for d in databases)
        servers = [
            Server(d, broker=broker, logs=logs, jit=True, workers=workers) for d in databases
        ]
        if jit_compare:
            servers += [
                Server(d, broker=broker, logs=logs, jit=False, workers=workers)
                for d in databases
                if d.size == largest
            ]
        for server in servers:
            stack.callback(server.service.stop)
        for server in servers:
            server.start()
        names = [page.name for page in servers[0].pages]
        samples = {(s.label, name): Sample() for s in servers for name in names}
        by_name = {s.label: {p.name: p for p in s.pages} for s in servers}
        for index, name in enumerate(names):
            for server in servers:  # warm-up: caches, connections, first compile
                server.fetch(by_name[server.label][name])
            for _ in range(repeat):
                for server in servers:
                    elapsed, error = server.fetch(by_name[server.label][name])
                    sample = samples[server.label, name]
                    if error:
                        sample.errors.append(error)
                    else:
                        sample.times.append(elapsed)
            if index % 10 == 9:
                progress(f"{index + 1}/{len(names)} pages timed")
        time.sleep(0.5)  # the last count reaches the log
        for server in servers:
            counts = server.query_counts()
            for page in server.pages:
                samples[server.label, page.name].queries = counts.get(page.path)
        results = Results(servers=servers, samples=samples)
        if concurrency:
            for server in servers:
                if server.database.size != largest or not server.jit:
                    continue
                pages = by_name[server.label]
                results.concurrency[server.label] = {
                    name: throughput(
                        server, pages[name], clients=concurrency, seconds=concurrency_seconds
                    )
                    for name in CONCURRENCY_PAGES
                }
                progress(f"concurrency measured on {server.label}")
    return results


def report_lines(results: Results, *, concurrency: int) -> list[str]:
    """The table: per distribution, per page, queries, p50 and p95 at each size, ratio to the
    floor at the largest size, ratio largest/smallest; then JIT, concurrency, worst ratio."""
    lines = []
    main = [s for s in results.servers if s.jit]
    distributions = list(dict.fromkeys(s.database.distribution for s in main))
    worst = (0.0, "", "")
    errors = []
    for distribution in distributions:
        servers = sorted(
            (s for s in main if s.database.distribution == distribution),
            key=lambda s: s.database.size,
        )
        small, large = servers[0], servers[-1]
        sizes = [f"{s.database.size:,}" for s in servers]
        lines.append("")
        lines.append(f"== {distribution} == (ms; p50/p95 of each size: {', '.join(sizes)})")
        header = f"{'page':44}{'queries':>9}"
        for size in sizes:
            header += f"{'p50 ' + size:>16}{'p95':>9}"
        header += f"{'×floor':>9}{'ratio':>8}"
        lines.append(header)
        floor = results.samples[large.label, "framework floor"].p50
        for page in large.pages:
            cells = ""
            queries = [results.samples[s.label, page.name].queries for s in servers]
            shown = "/".join("?" if q is None else str(q) for q in dict.fromkeys(queries))
            for server in servers:
                sample = results.samples[server.label, page.name]
                cells += f"{sample.p50:>16.1f}{sample.p95:>9.1f}"
                errors += [f"{server.label}: {e}" for e in sample.errors]
            ratio = (
                results.samples[large.label, page.name].p50
                / results.samples[small.label, page.name].p50
            )
            to_floor = results.samples[large.label, page.name].p50 / floor
            lines.append(f"{page.name[:44]:44}{shown:>9}{cells}{to_floor:>9.1f}{ratio:>8.2f}")
            if page.name != "framework floor" and ratio > worst[0]:
                worst = (ratio, page.name, distribution)
    nojit = [s for s in results.servers if not s.jit]
    if nojit:
        lines.append("")
        lines.append("== PostgreSQL JIT at the largest size: p50 ms with jit=on / jit=off ==")
        for server in nojit:
            twin = next(s for s in main if s.database == server.database)
            on = sum(results.samples[twin.label, p.name].p50 for p in server.pages)
            off = sum(results.samples[server.label, p.name].p50 for p in server.pages)
            lines.append(f"{server.database.distribution}: all pages {on:.0f} / {off:.0f}")
            for page in server.pages:
                a = results.samples[twin.label, page.name].p50
                b = results.samples[server.label, page.name].p50
                if abs(a - b) > max(10.0, 0.25 * min(a, b)):
                    lines.append(f"  {page.name[:44]:44}{a:>10.1f}{b:>10.1f}")
    for label, figures in results.concurrency.items():
        lines.append("")
        lines.append(f"== {label}: requests/s at concurrency {concurrency} (× the floor's) ==")
        floor = figures["framework floor"]
        for name, rate in figures.items():
            lines.append(f"  {name:42}{rate:>8.1f}/s{rate / floor:>8.2f}")
    if errors:
        lines.append("")
        lines.append(f"{len(errors)} failed requests:")
        lines += [f"  {error}" for error in errors[:40]]
    lines.append("")
    lines.append(f"worst ratio {worst[0]:.2f} ({worst[1]}, {worst[2]})")
    return lines


def failed_requests(results: Results) -> int:
    return sum(len(sample.errors) for sample in results.samples.values())
