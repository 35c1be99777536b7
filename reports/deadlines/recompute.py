"""Recomputing the deadlines of open reports after the working calendar changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from reports.deadlines.clocks import recompute_open_deadlines
from reports.events import event_record
from reports.models import Report, ReportEvent
from reports.tallies import deadline_key, reports_recount
from services.calendar import current_calendar

DUE_FIELDS = ("intake_due_at", "response_due_at", "resolution_due_at")


@dataclass(frozen=True)
class DeadlineChange:
    tracking_code: str
    field: str
    before: datetime | None
    after: datetime | None


@dataclass
class RecomputeResult:
    checked: int = 0
    changed_reports: int = 0
    changes: list[DeadlineChange] = field(default_factory=list)


def open_reports_deadlines_recompute(
    *, acting_user=None, dry_run: bool = False, batch_size: int = 500
) -> RecomputeResult:
    """Recomputes every running clock of the open reports from its start with the current
    calendar; an extended deadline stays as decided.

    Each batch is one transaction with its rows locked, so a concurrent action is never
    overwritten. A report whose due times move gets an internal audit event with the old and
    new times (no email: nothing the reporter did or was promised changed). ``dry_run``
    computes and returns the changes without saving anything. Safe to run twice.
    """
    calendar = current_calendar()
    ids = list(Report.objects.open().order_by("pk").values_list("pk", flat=True))
    result = RecomputeResult(checked=len(ids))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = (
                Report.objects.select_for_update(of=("self",))
                .select_related("category")
                .open()
                .filter(pk__in=ids[start : start + batch_size])
            )
            fields, moves = set(), []
            now = timezone.now()
            for report in batch:
                before = {name: getattr(report, name) for name in DUE_FIELDS}
                changed_fields = recompute_open_deadlines(report, calendar=calendar)
                moved = [name for name in DUE_FIELDS if getattr(report, name) != before[name]]
                if not moved:
                    continue
                fields.update(changed_fields)
                result.changes += [
                    DeadlineChange(report.tracking_code, name, before[name], getattr(report, name))
                    for name in moved
                ]
                moves.append(
                    (
                        report,
                        {name: [_iso(before[name]), _iso(getattr(report, name))] for name in moved},
                    )
                )
            result.changed_reports += len(moves)
            if moves and not dry_run:
                Report.objects.bulk_update([report for report, _ in moves], sorted(fields))
                reports_recount(
                    [report.pk for report, _ in moves],
                    before={
                        report.pk: deadline_key(report.department_id, report.handling_due_at)
                        for report, _ in moves
                    },
                )
                # Not a bulk insert: every event is written by event_record, and calendar
                # changes are rare enough that one insert per moved report costs little.
                for report, data in moves:
                    event_record(
                        report=report,
                        kind=ReportEvent.Kind.DEADLINES_RECOMPUTED,
                        acting_user=acting_user,
                        at=now,
                        data=data,
                    )
    return result


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
