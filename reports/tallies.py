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
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from reports.models import Report, ReportTally
from reports.models.querysets import public_condition, rated_since_resolution
from reports.status import ReportStatus


class TallyKey(NamedTuple):
    department_key: int
    status: str
    is_public: bool
    awaiting_rating: bool


KEY_FIELDS = ("department_id", "status", "published_at", "is_hidden", "awaiting_rating")


def tally_key(report: Report) -> TallyKey:
    return TallyKey(
        department_key=report.department_id or 0,
        status=report.status,
        is_public=report.is_public,
        awaiting_rating=report.awaiting_rating,
    )


def _stored_key(report_id: int) -> TallyKey:
    department_id, status, published_at, is_hidden, awaiting = (
        Report.objects.filter(pk=report_id).values_list(*KEY_FIELDS).get()
    )
    return TallyKey(
        department_key=department_id or 0,
        status=status,
        is_public=published_at is not None and not is_hidden,
        awaiting_rating=awaiting,
    )


def _add(key: TallyKey, delta: int) -> None:
    """One row's count moves by ``delta`` (the row is created at its first report). Works on
    PostgreSQL and SQLite alike."""
    table = connection.ops.quote_name(ReportTally._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (department_key, status, is_public, awaiting_rating, count) "
            "VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (department_key, status, is_public, awaiting_rating) "
            f"DO UPDATE SET count = {table}.count + excluded.count",
            [*key, delta],
        )


def _move(before: TallyKey | None, after: TallyKey | None) -> None:
    if before == after:
        return
    deltas = {}
    if before is not None:
        deltas[before] = -1
    if after is not None:
        deltas[after] = 1
    # Always in the same order, so two reports moving in opposite directions cannot deadlock.
    for key in sorted(deltas):
        _add(key, deltas[key])


def report_save_counted(report: Report, fields: Iterable[str]) -> None:
    """Saves ``fields`` of a report (locked by the caller) and moves it to its new tally.

    Keeps the rating rule too: a report that leaves "resolved" awaits no rating."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("report_save_counted must run inside the action's transaction")
    fields = set(fields) | {"updated_at"}
    if report.awaiting_rating and report.status != ReportStatus.RESOLVED:
        report.awaiting_rating = False
        fields.add("awaiting_rating")
    before = _stored_key(report.pk)
    report.save(update_fields=sorted(fields))
    _move(before, tally_key(report))


def report_count_new(report: Report) -> None:
    """Counts a report just inserted by the caller's transaction."""
    _move(None, tally_key(report))


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
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(ReportTally._meta.db_table)} "
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
    return len(tallies)
