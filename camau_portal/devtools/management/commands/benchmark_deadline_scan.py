"""Times one deadline scan over a small and a large table, to show its cost does not grow with
the number of reports.

For each size it empties the reports, seeds that many in one INSERT ... SELECT (PostgreSQL's
generate_series, or a recursive CTE on SQLite), a tenth of them open with their next deadline
check spread over the coming week, and a fixed number due now (overdue, so each scan records a
reminder and writes escalation emails). It then times the scan several times, putting the due
reports back between runs, and prints the median and the ratio of the largest size to the
smallest. Emails are written to the outbox but not queued, so the broker is not measured.

It deletes every report first: run it on a scratch database, for example
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/camau_bench manage.py migrate`` then
``... manage.py benchmark_deadline_scan --reset``.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import StaffMembership, User
from camau_portal.notifications.models import OutboundEmail
from reports.deadlines.reminders import scan_deadlines
from reports.models import DeadlineReminder, Report
from services.models import Category, Commune, Department
from services.reference_data import load_reference_data

SECONDS_PER_YEAR = 365 * 24 * 3600


class Command(BaseCommand):
    help = "Seed N reports and time one deadline scan; prints scan(largest)/scan(smallest)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes", type=int, nargs="+", default=[10_000, 1_000_000], help="Table sizes."
        )
        parser.add_argument("--open-ratio", type=float, default=0.1)
        parser.add_argument("--due", type=int, default=200, help="Reports due at each scan.")
        parser.add_argument("--repeat", type=int, default=5, help="Timed scans per size.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete existing reports (scratch database!)."
        )
        parser.add_argument("--explain", action="store_true", help="Print the scan's plan.")

    def handle(self, *args, sizes, open_ratio, due, repeat, reset, explain, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("The benchmark deletes every report: never in production.")
        if Report.objects.exists() and not reset:
            raise CommandError("Reports exist: run on a scratch database with --reset.")
        if not 0 < open_ratio <= 1:
            raise CommandError("--open-ratio must be in (0, 1].")
        if not Category.objects.filter(code="ROAD_DAMAGE").exists():
            load_reference_data()
        department = Department.objects.get(code="SXD")
        self._staff(department)
        vendor = connection.vendor
        self.stdout.write(
            f"Deadline scan benchmark on {vendor}: open ratio {open_ratio:.0%}, "
            f"{due} reports due per scan, median of {repeat} scans"
        )
        self.stdout.write(
            f"{'reports':>10} {'open':>9} {'due':>5} {'seed s':>8} {'scan ms':>9} "
            f"{'ms/due':>7} {'emails':>6}"
        )
        medians = {}
        for size in sorted(sizes):
            open_every = max(1, round(1 / open_ratio))
            if due * open_every > size:
                raise CommandError(f"{size} reports cannot hold {due} due open reports.")
            now = timezone.now().replace(microsecond=0)
            self._empty()
            started = time.perf_counter()
            self._seed(size, open_every=open_every, due=due, now=now, department=department)
            seeded = time.perf_counter() - started
            due_ids = list(
                Report.objects.filter(deadline_check_at__lte=now).values_list("pk", flat=True)
            )
            timings, emails = [], 0
            for _ in range(repeat):
                self._reset_due(due_ids, now)
                started = time.perf_counter()
                result = scan_deadlines(now=now, enqueue=False)
                timings.append(time.perf_counter() - started)
                emails = result.emails
                if result.reports != len(due_ids):
                    raise CommandError(f"scanned {result.reports}, expected {len(due_ids)}")
            medians[size] = statistics.median(timings)
            open_count = Report.objects.filter(status=Report.Status.IN_PROGRESS).count()
            self.stdout.write(
                f"{size:>10,} {open_count:>9,} {len(due_ids):>5} {seeded:>8.1f} "
                f"{medians[size] * 1000:>9.1f} {medians[size] * 1000 / max(1, len(due_ids)):>7.2f}"
                f" {emails:>6}"
            )
            if explain:
                self._explain(now)
        if len(medians) > 1:
            smallest, largest = min(medians), max(medians)
            self.stdout.write(
                f"ratio scan({largest:,})/scan({smallest:,}) = "
                f"{medians[largest] / medians[smallest]:.2f}"
            )
        self._empty()

    # --- data ---------------------------------------------------------------------------

    def _staff(self, department):
        """Who the escalations go to: the agency's manager and an intake officer."""
        ioc = Department.objects.get(code="IOC")
        for email, role, dept in (
            ("bench.manager@camau.example", StaffMembership.Role.AGENCY_MANAGER, department),
            ("bench.intake@camau.example", StaffMembership.Role.INTAKE_OFFICER, ioc),
        ):
            user, _ = User.objects.get_or_create(email=email, defaults={"is_staff": True})
            StaffMembership.objects.get_or_create(user=user, role=role, department=dept)

    def _empty(self):
        if connection.in_atomic_block:
            # Under a test: a few rows, and neither TRUNCATE nor PRAGMA is allowed here.
            OutboundEmail.objects.all().delete()
            DeadlineReminder.objects.all().delete()
            Report.objects.all().delete()
            return
        quote = connection.ops.quote_name
        report_table = quote(Report._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {report_table} CASCADE")
                return
            # SQLite: a million rows go in seconds with raw deletes; the ORM would collect them.
            related = {
                quote(rel.related_model._meta.db_table) for rel in Report._meta.related_objects
            }
            with connection.constraint_checks_disabled(), transaction.atomic():
                for table in [*sorted(related), report_table]:
                    cursor.execute(f"DELETE FROM {table}")

    def _reset_due(self, due_ids, now):
        with transaction.atomic():
            DeadlineReminder.objects.filter(report_id__in=due_ids).delete()
            OutboundEmail.objects.filter(report_id__in=due_ids).delete()
            Report.objects.filter(pk__in=due_ids).update(
                deadline_check_at=now - timedelta(minutes=5)
            )
        if connection.vendor == "postgresql":
            # Clean out the previous run's dead rows (VACUUM cannot run inside a transaction,
            # as under a test; ANALYZE can).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(f'{command} "{Report._meta.db_table}"')

    def _seed(self, size, *, open_every, due, now, department):
        sql, params = seed_sql(
            connection.vendor,
            size=size,
            open_every=open_every,
            due=due,
            now=now,
            category=Category.objects.get(code="ROAD_DAMAGE"),
            commune=Commune.objects.order_by("code").first(),
            department=department,
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _explain(self, now):
        queryset = Report.objects.filter(deadline_check_at__lte=now).order_by("deadline_check_at")
        for line in queryset[:200].explain().splitlines():
            self.stdout.write(f"    {line}")


def seed_sql(vendor, *, size, open_every, due, now, category, commune, department):
    """One INSERT ... SELECT producing ``size`` reports, numbered i = 1..size.

    Every ``open_every``-th report is open (in progress, resolution due within the next week,
    next check spread over it); the first ``due`` of those are overdue with their check due
    now; the others are closed, with no check time (outside the partial index).
    """
    postgres = vendor == "postgresql"
    if not postgres and vendor != "sqlite":
        raise CommandError(f"No seeding SQL for {vendor}.")

    def at(seconds_sql: str) -> str:
        """now + seconds, as the backend stores a timestamp."""
        if postgres:
            return f"(%(now)s::timestamptz + (({seconds_sql}) * interval '1 second'))"
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', %(now)s, ({seconds_sql}) || ' seconds')"

    is_open = f"(i %% {open_every} = 0)"
    is_due = f"({is_open} AND i <= {due * open_every})"
    submitted = f"(-{SECONDS_PER_YEAR} + i * {SECONDS_PER_YEAR} / %(size)s - 4 * 86400)"
    hex_code = "lpad(upper(to_hex(i)), 8, '0')" if postgres else "printf('%%08X', i)"
    expressions = {
        "tracking_code": f"'CM-' || substr({hex_code}, 1, 4) || '-' || substr({hex_code}, 5, 4)",
        "title": "'Benchmark report ' || i",
        "description": "'Seeded by benchmark_deadline_scan.'",
        "category_id": "%(category)s",
        "commune_id": "%(commune)s",
        "department_id": "%(department)s",
        "status": f"CASE WHEN {is_open} THEN 'in_progress' ELSE 'closed' END",
        "submitted_at": at(submitted),
        # Due reports were accepted three days ago; their window is a few working days.
        "accepted_at": (
            f"CASE WHEN {is_due} THEN {at('-259200')} ELSE {at(f'{submitted} + 3600')} END"
        ),
        "intake_done_at": at(f"{submitted} + 3600"),
        "first_response_at": at(f"{submitted} + 7200"),
        "intake_due_at": at(f"{submitted} + 7200"),
        "response_due_at": at(f"{submitted} + 18000"),
        "resolution_due_at": (
            f"CASE WHEN {is_due} THEN {at('-600')}"
            f" WHEN {is_open} THEN {at('3600 + (i %% 604800)')}"
            f" ELSE {at(f'{submitted} + 864000')} END"
        ),
        "resolved_at": f"CASE WHEN {is_open} THEN NULL ELSE {at(f'{submitted} + 432000')} END",
        "closed_at": f"CASE WHEN {is_open} THEN NULL ELSE {at(f'{submitted} + 1036800')} END",
        "published_at": at(f"{submitted} + 3600"),
        "updated_at": at("0"),
        "deadline_check_at": (
            f"CASE WHEN {is_due} THEN {at('-300')}"
            f" WHEN {is_open} THEN {at('60 + (i %% 604800)')} ELSE NULL END"
        ),
    }
    # Every other column takes the model's default, so new fields do not break the seeding.
    columns, selects, params = (
        [],
        [],
        {
            "now": now if postgres else now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "size": size,
            "category": category.pk,
            "commune": commune.pk,
            "department": department.pk,
        },
    )
    for field in Report._meta.concrete_fields:
        if field.primary_key or getattr(field, "generated", False):
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            selects.append(expressions[field.column])
        else:
            name = f"default_{field.column}"
            params[name] = field.get_db_prep_save(field.get_default(), connection)
            selects.append(f"%({name})s")
    table = connection.ops.quote_name(Report._meta.db_table)
    insert = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selects)}"
    if postgres:
        return f"{insert} FROM generate_series(1::bigint, %(size)s::bigint) AS s(i)", params
    series = "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %(size)s)"
    return f"{series} {insert} FROM s", params
