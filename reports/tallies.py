"""Which tally a report counts in, and keeping ``ReportTally`` exact as reports change.

A report counts in one row of ``ReportTally``: its responsible agency, status, whether the
public sees it and whether it awaits its rating. Every write that can move a report between
rows (submission, the handling actions, moderation) saves it through ``report_save_counted``
(or ``report_count_new`` for a new report), in its own transaction: the counts change exactly
when the report does. ``tallies_rebuild`` recreates the table from the reports (``manage.py
rebuild_tallies``), after a bulk import or to check the counters.

Readers: the home page's headline (``public_status_counts``) and the dashboard's queue counts
(``status_counts``) read a few dozen rows however many reports there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from reports.models import DeadlineTally, Report, ReportTally
from reports.models.querysets import public_condition, rated_since_resolution
from reports.status import ReportStatus


class TallyKey(NamedTuple):
    department_key: int
    status: str
    is_public: bool
    awaiting_rating: bool


KEY_FIELDS = ("department_id", "status", "published_at", "is_hidden", "awaiting_rating")


class DeadlineKey(NamedTuple):
    department_key: int
    due_day: date


def tally_key(report: Report) -> TallyKey:
    return TallyKey(
        department_key=report.department_id or 0,
        status=report.status,
        is_public=report.is_public,
        awaiting_rating=report.awaiting_rating,
    )


def deadline_key(department_id: int | None, handling_due_at: datetime | None) -> DeadlineKey | None:
    if handling_due_at is None:
        return None
    return DeadlineKey(department_id or 0, handling_due_at.astimezone(UTC).date())


def _stored_keys(report_id: int) -> tuple[TallyKey, DeadlineKey | None]:
    """The report's tallies as the database holds it (the generated current deadline too)."""
    department_id, status, published_at, is_hidden, awaiting, due = (
        Report.objects.filter(pk=report_id).values_list(*KEY_FIELDS, "handling_due_at").get()
    )
    key = TallyKey(
        department_key=department_id or 0,
        status=status,
        is_public=published_at is not None and not is_hidden,
        awaiting_rating=awaiting,
    )
    return key, deadline_key(department_id, due)


def _add(table_model, columns: tuple[str, ...], key: tuple, delta: int) -> None:
    """One row's count moves by ``delta`` (the row is created at its first report). Works on
    PostgreSQL and SQLite alike."""
    table = connection.ops.quote_name(table_model._meta.db_table)
    names = ", ".join(columns)
    placeholders = ", ".join(["%s"] * (len(columns) + 1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}, count) VALUES ({placeholders}) "
            f"ON CONFLICT ({names}) DO UPDATE SET count = {table}.count + excluded.count",
            [*key, delta],
        )


def _move(table_model, before: tuple | None, after: tuple | None) -> None:
    if before == after:
        return
    deltas = {}
    if before is not None:
        deltas[before] = -1
    if after is not None:
        deltas[after] = 1
    columns = (before or after)._fields
    # Always in the same order, so two reports moving in opposite directions cannot deadlock.
    for key in sorted(deltas):
        _add(table_model, columns, key, deltas[key])


def _move_report(
    before: tuple[TallyKey, DeadlineKey | None] | None, after: tuple[TallyKey, DeadlineKey | None]
) -> None:
    _move(ReportTally, before[0] if before else None, after[0])
    _move(DeadlineTally, before[1] if before else None, after[1])


def report_save_counted(report: Report, fields: Iterable[str]) -> None:
    """Saves ``fields`` of a report (locked by the caller) and moves it to its new tallies.

    Keeps the rating rule too: a report that leaves "resolved" awaits no rating."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("report_save_counted must run inside the action's transaction")
    fields = set(fields) | {"updated_at"}
    if report.awaiting_rating and report.status != ReportStatus.RESOLVED:
        report.awaiting_rating = False
        fields.add("awaiting_rating")
    before = _stored_keys(report.pk)
    report.save(update_fields=sorted(fields))
    _move_report(before, _stored_keys(report.pk))


def report_count_new(report: Report) -> None:
    """Counts a report just inserted by the caller's transaction."""
    _move_report(None, _stored_keys(report.pk))


def reports_recount(report_ids: Iterable[int], before: dict[int, DeadlineKey | None]) -> None:
    """After a bulk change of due times (a calendar change): moves each report's deadline
    tally from ``before`` (its key when it was locked) to what the database now holds."""
    ids = list(report_ids)
    for pk, department_id, due in Report.objects.filter(pk__in=ids).values_list(
        "pk", "department_id", "handling_due_at"
    ):
        _move(DeadlineTally, before[pk], deadline_key(department_id, due))


# --- reading -------------------------------------------------------------------------------


def public_status_counts() -> Counter:
    """Public reports per status. One query."""
    rows = (
        ReportTally.objects.filter(is_public=True)
        .values("status")
        .annotate(reports=Sum("count"))
        .order_by()
    )
    return Counter({row["status"]: row["reports"] for row in rows})


class TallyRow(NamedTuple):
    department_key: int
    status: str
    awaiting_rating: bool
    count: int


def tally_rows(*, departments: Iterable[int] | None = None) -> list[TallyRow]:
    """Reports per agency, status and rating state, public or not, of the given agencies
    (of every report, with or without an agency, when None). One query, a few dozen rows."""
    rows = ReportTally.objects.all()
    if departments is not None:
        rows = rows.filter(department_key__in=list(departments))
    return [
        TallyRow(*row)
        for row in rows.values_list("department_key", "status", "awaiting_rating")
        .annotate(reports=Sum("count"))
        .order_by()
    ]


def overdue_count(*, now: datetime, departments: Iterable[int] | None = None) -> int:
    """Reports whose current deadline has passed, of the given agencies (every report when
    None): the days before today from the deadline tallies, today's from the index on the
    current deadline. Two queries, neither growing with the backlog."""
    today = now.astimezone(UTC).date()
    start_of_today = datetime.combine(today, time.min, tzinfo=UTC)
    earlier = DeadlineTally.objects.filter(due_day__lt=today)
    reports_today = Report.objects.filter(
        handling_due_at__gte=start_of_today, handling_due_at__lt=now
    )
    if departments is not None:
        departments = list(departments)
        earlier = earlier.filter(department_key__in=departments)
        reports_today = reports_today.filter(department_id__in=departments)
    return (earlier.aggregate(total=Sum("count"))["total"] or 0) + reports_today.count()


# --- rebuilding ----------------------------------------------------------------------------


def awaiting_rating_rebuild() -> int:
    """Sets ``Report.awaiting_rating`` from the ratings themselves. Returns the rows changed."""
    should_await = Q(status=ReportStatus.RESOLVED) & ~rated_since_resolution()
    changed = Report.objects.filter(should_await, awaiting_rating=False).update(
        awaiting_rating=True
    )
    changed += Report.objects.filter(~should_await, awaiting_rating=True).update(
        awaiting_rating=False
    )
    return changed


@transaction.atomic
def tallies_rebuild() -> int:
    """Recreates every tally (and the rating state they count) from the reports. Returns the
    number of tally rows written.

    On PostgreSQL the tally table is locked first: actions in flight finish before the reports
    are counted, and the next ones wait until the new counts are committed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (ReportTally, DeadlineTally):
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} "
                    "IN EXCLUSIVE MODE"
                )
    awaiting_rating_rebuild()
    ReportTally.objects.all().delete()
    rows = (
        Report.objects.values("department_id", "status", "awaiting_rating")
        .annotate(total=Count("pk"), public=Count("pk", filter=public_condition()))
        .order_by()
    )
    tallies = []
    for row in rows:
        for is_public, count in ((True, row["public"]), (False, row["total"] - row["public"])):
            if count:
                tallies.append(
                    ReportTally(
                        department_key=row["department_id"] or 0,
                        status=row["status"],
                        is_public=is_public,
                        awaiting_rating=row["awaiting_rating"],
                        count=count,
                    )
                )
    ReportTally.objects.bulk_create(tallies)
    DeadlineTally.objects.all().delete()
    deadlines = [
        DeadlineTally(department_key=row["department_id"] or 0, due_day=row["day"], count=row["n"])
        for row in Report.objects.filter(handling_due_at__isnull=False)
        .annotate(day=TruncDate("handling_due_at", tzinfo=UTC))
        .values("department_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    DeadlineTally.objects.bulk_create(deadlines)
    return len(tallies) + len(deadlines)
