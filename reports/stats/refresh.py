"""Keeps the daily rollup and the map cells current, a few minutes behind the reports.

Each run looks at what changed since the previous run (reports saved, events written, ratings
given, deadlines passed, reports grown older than a period the map filters by) and recomputes
only the days and map areas those reports belong to.
Runs overlap by a margin so that a transaction committing late is still seen; recomputing is
idempotent, so seeing a change twice does no harm.

Every write is a short transaction of its own (one day of the rollup, one map area): on the
embedded SQLite database a transaction holds the only write lock, and a rollup holding it for
its whole run would keep sign-ins and submissions waiting. One run at a time is ensured by a
lease on the state row instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import Rating, Report, ReportEvent, RollupState
from reports.public.map import (
    rebuild_map_cells,
    refresh_map_units,
    units_leaving_periods,
    units_of_reports,
)
from reports.stats.rollup import days_of_reports, local_day, rebuild_daily_stats, recompute_days

STATE_NAME = "reports"
OVERLAP = timedelta(minutes=5)
# Longer than any run; a run that died holding the lease blocks the next ones this long at most.
LEASE = timedelta(minutes=30)


@dataclass
class RefreshResult:
    rebuilt: bool
    reports: int
    days: int
    map_units: int
    skipped: bool = False


def changed_report_ids(since: datetime, now: datetime) -> set[int]:
    ids = set(Report.objects.filter(updated_at__gte=since).values_list("id", flat=True))
    ids.update(
        ReportEvent.objects.filter(created_at__gte=since).values_list("report_id", flat=True)
    )
    ids.update(Rating.objects.filter(created_at__gte=since).values_list("report_id", flat=True))
    # Open reports whose deadline passed in the meantime have become overdue.
    window = {"gte": since, "lt": now}
    passed = Q()
    for field in ("intake_due_at", "response_due_at", "resolution_due_at"):
        passed |= Q(**{f"{field}__{op}": value for op, value in window.items()})
    ids.update(Report.objects.open().filter(passed).values_list("id", flat=True))
    return ids


def _claim(now: datetime) -> RollupState | None:
    """Takes the lease in a short transaction; None while another run holds it."""
    with transaction.atomic():
        RollupState.objects.get_or_create(name=STATE_NAME)
        claimed = (
            RollupState.objects.filter(name=STATE_NAME)
            .filter(Q(running_until__isnull=True) | Q(running_until__lte=now))
            .update(running_until=now + LEASE)
        )
    return RollupState.objects.get(name=STATE_NAME) if claimed else None


def _release(*, watermark: datetime | None) -> None:
    changes = {"running_until": None}
    if watermark is not None:
        changes["watermark"] = watermark
    RollupState.objects.filter(name=STATE_NAME).update(**changes)


def _rebuild(now: datetime) -> None:
    rebuild_daily_stats(now=now)
    rebuild_map_cells(now=now)


def rebuild_all(*, now: datetime | None = None) -> RefreshResult:
    """Recreates both derived tables from scratch and records the watermark."""
    now = now or timezone.now()
    if _claim(now) is None:
        return RefreshResult(rebuilt=False, reports=0, days=0, map_units=0, skipped=True)
    watermark = None
    try:
        _rebuild(now)
        watermark = now
    finally:
        _release(watermark=watermark)
    return RefreshResult(rebuilt=True, reports=Report.objects.count(), days=0, map_units=0)


def refresh_rollups(*, now: datetime | None = None) -> RefreshResult:
    """Brings the rollup and the map cells up to date. The first run rebuilds everything;
    a run that finds another one under way does nothing (that one will see the changes)."""
    now = now or timezone.now()
    state = _claim(now)
    if state is None:
        return RefreshResult(rebuilt=False, reports=0, days=0, map_units=0, skipped=True)
    watermark = None
    try:
        if state.watermark is None:
            _rebuild(now)
            watermark = now
            return RefreshResult(rebuilt=True, reports=Report.objects.count(), days=0, map_units=0)
        since = state.watermark - OVERLAP
        ids = changed_report_ids(since, now)
        # Today's rows always exist, even on a day without reports.
        days = days_of_reports(ids) | {local_day(now)}
        recompute_days(days, now=now)
        units = units_of_reports(ids) | units_leaving_periods(since, now)
        refresh_map_units(units, now=now)
        watermark = now
    finally:
        _release(watermark=watermark)
    return RefreshResult(rebuilt=False, reports=len(ids), days=len(days), map_units=len(units))
