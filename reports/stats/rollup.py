"""The daily rollup: for each day, the reports received that day, counted as they stand now.

Recomputing a day reads only the reports submitted that day and replaces that day's rows, so it
is idempotent and its cost does not depend on how many reports exist in total. A report's
submission day never changes, so when a report changes only its own day needs recomputing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from reports.deadlines.clocks import deadline_outcome
from reports.models import DailyStat, Rating, Report
from reports.models.stats import CHANNEL_STAT_KEYS, duration_bucket_field
from reports.stats.durations import bucket_index
from reports.workflow import ANSWERED_STATUSES, OPEN_STATUSES
from services.models import Category, Commune, Department

Scope = DailyStat.Scope

REPORT_FIELDS = (
    "id",
    "status",
    "department_id",
    "commune_id",
    "category_id",
    "accepted_at",
    "intake_done_at",
    "intake_due_at",
    "first_response_at",
    "response_due_at",
    "resolved_at",
    "resolution_due_at",
    "resolution_extended",
    "source",
)
RATING_FIELDS = {
    Rating.Value.SATISFIED: "rated_satisfied",
    Rating.Value.ACCEPTABLE: "rated_acceptable",
    Rating.Value.NOT_SATISFIED: "rated_not_satisfied",
}


@dataclass(frozen=True)
class ScopeKeys:
    """Every agency, commune and category (and every channel): each gets a row every day,
    zeros included."""

    departments: tuple[int, ...]
    communes: tuple[int, ...]
    categories: tuple[int, ...]

    @classmethod
    def current(cls) -> ScopeKeys:
        return cls(
            departments=tuple(Department.objects.values_list("id", flat=True)),
            communes=tuple(Commune.objects.values_list("id", flat=True)),
            categories=tuple(Category.objects.values_list("id", flat=True)),
        )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a local calendar day starts and ends (Asia/Ho_Chi_Minh)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def report_contribution(row: dict, rating: str | None) -> dict[str, int]:
    """The counts one report adds to every row it belongs to. ``row["is_overdue"]`` says
    whether it is overdue now, a late first reply included (``Report.objects.overdue``)."""
    counts = {"received": 1}
    if row["accepted_at"] is not None:
        counts["accepted"] = 1
    status = row["status"]
    resolved = status in ANSWERED_STATUSES and row["resolved_at"] is not None
    if resolved:
        counts["resolved"] = 1
    if status in OPEN_STATUSES:
        counts["open"] = 1
        if row["is_overdue"]:
            counts["overdue"] = 1
    if row["intake_done_at"] is not None:
        outcome = deadline_outcome(row["intake_done_at"], row["intake_due_at"], False)
        counts[f"intake_{outcome}"] = 1
    if row["first_response_at"] is not None:
        outcome = deadline_outcome(row["first_response_at"], row["response_due_at"], False)
        counts[f"response_{outcome}"] = 1
        if row["accepted_at"] is not None:
            index = bucket_index(row["first_response_at"] - row["accepted_at"])
            counts[duration_bucket_field("response", index)] = 1
    if resolved:
        outcome = deadline_outcome(
            row["resolved_at"], row["resolution_due_at"], row["resolution_extended"]
        )
        counts[f"resolution_{outcome}"] = 1
        if row["accepted_at"] is not None:
            index = bucket_index(row["resolved_at"] - row["accepted_at"])
            counts[duration_bucket_field("resolution", index)] = 1
    if rating in RATING_FIELDS:
        counts[RATING_FIELDS[rating]] = 1
    return counts


def _latest_ratings(start: datetime, end: datetime) -> dict[int, str]:
    latest: dict[int, str] = {}
    ratings = (
        Rating.objects.filter(report__submitted_at__gte=start, report__submitted_at__lt=end)
        .order_by("report_id", "created_at", "id")
        .values_list("report_id", "value")
    )
    for report_id, value in ratings:
        latest[report_id] = value  # ordered oldest first, so the last one wins
    return latest


def compute_day(day: date, *, keys: ScopeKeys, now: datetime) -> list[DailyStat]:
    """The rows of one day, unsaved."""
    start, end = day_bounds(day)
    rows: dict[tuple[str, int, int], DailyStat] = {}

    def row_for(scope: str, key: int = 0, category_key: int = 0) -> DailyStat:
        slot = (scope, key, category_key)
        if slot not in rows:
            rows[slot] = DailyStat(day=day, scope=scope, key=key, category_key=category_key)
        return rows[slot]

    row_for(Scope.PROVINCE)
    for scope, ids in (
        (Scope.DEPARTMENT, keys.departments),
        (Scope.COMMUNE, keys.communes),
        (Scope.CATEGORY, keys.categories),
        (Scope.CHANNEL, tuple(CHANNEL_STAT_KEYS.values())),
    ):
        for key in ids:
            row_for(scope, key)

    ratings = _latest_ratings(start, end)
    reports = (
        Report.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .with_overdue_flag(now, counting_first_reply=True)
        .values(*REPORT_FIELDS, "is_overdue")
    )
    for report in reports:
        counts = report_contribution(report, ratings.get(report["id"]))
        targets = [
            row_for(Scope.PROVINCE),
            row_for(Scope.COMMUNE, report["commune_id"]),
            row_for(Scope.CATEGORY, report["category_id"]),
            row_for(Scope.CHANNEL, CHANNEL_STAT_KEYS[report["source"]]),
        ]
        if report["department_id"]:
            targets.append(row_for(Scope.DEPARTMENT, report["department_id"]))
            targets.append(
                row_for(Scope.DEPARTMENT_CATEGORY, report["department_id"], report["category_id"])
            )
        for target in targets:
            for name, value in counts.items():
                setattr(target, name, getattr(target, name) + value)
    return list(rows.values())


# Days are written in groups of about this many rows, each group in one short transaction:
# on SQLite the write lock is the whole database's, and sign-ins and submissions wait for it.
WRITE_BATCH_ROWS = 2000


def _insert_statement() -> tuple[str, list]:
    fields = [field for field in DailyStat._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(DailyStat._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", fields


def _replace_days(days: list[date], rows: list[DailyStat]) -> None:
    """Swaps the rows of ``days`` for ``rows``. The values are converted for the database
    before the transaction starts (bulk_create would convert them while holding the lock,
    which takes a second for a few thousand rows of fifty columns on a busy machine)."""
    sql, fields = _insert_statement()
    values = [
        tuple(field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields)
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        DailyStat.objects.filter(day__in=days).delete()
        cursor.executemany(sql, values)


def recompute_days(
    days: Iterable[date], *, now: datetime | None = None, keys: ScopeKeys | None = None
) -> int:
    """Replaces the rows of each day. Idempotent. Returns the number of rows written.
    Rows are computed outside any transaction; only their writing takes the write lock."""
    now = now or timezone.now()
    keys = keys or ScopeKeys.current()
    written = 0
    pending_days: list[date] = []
    pending_rows: list[DailyStat] = []
    for day in sorted(set(days)):
        pending_days.append(day)
        pending_rows.extend(compute_day(day, keys=keys, now=now))
        if len(pending_rows) >= WRITE_BATCH_ROWS:
            _replace_days(pending_days, pending_rows)
            written += len(pending_rows)
            pending_days, pending_rows = [], []
    if pending_days:
        _replace_days(pending_days, pending_rows)
        written += len(pending_rows)
    return written


def first_report_day() -> date | None:
    first = Report.objects.aggregate(first=Min("submitted_at"))["first"]
    return local_day(first) if first else None


def rebuild_daily_stats(*, now: datetime | None = None) -> int:
    """Recomputes every day from the first report to today, and drops rows outside it."""
    now = now or timezone.now()
    first = first_report_day()
    if first is None:
        DailyStat.objects.all().delete()
        return 0
    today = local_day(now)
    DailyStat.objects.exclude(day__gte=first, day__lte=today).delete()
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    return recompute_days(days, now=now)


def days_of_reports(report_ids: Iterable[int]) -> set[date]:
    ids = list(report_ids)
    days = set()
    for start in range(0, len(ids), 500):
        for submitted_at in Report.objects.filter(id__in=ids[start : start + 500]).values_list(
            "submitted_at", flat=True
        ):
            days.add(local_day(submitted_at))
    return days
