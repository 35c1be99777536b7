"""Recomputing the deadlines of open reports after the working calendar changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from reports.deadlines.clocks import recompute_open_deadlines
from reports.models import Report, ReportEvent
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
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = (
                Report.objects.select_for_update(of=("self",))
                .select_related("category")
                .open()
                .filter(pk__in=ids[start : start + batch_size])
            )
            updated, fields, events = [], set(), []
            now = timezone.now()
            for report in batch:
                before = {name: getattr(report, name) for name in DUE_FIELDS}
                changed_fields = recompute_open_deadlines(report, calendar=calendar)
                moved = [name for name in DUE_FIELDS if getattr(report, name) != before[name]]
                if not moved:
                    continue
                updated.append(report)
                fields.update(changed_fields)
                result.changes += [
                    DeadlineChange(report.tracking_code, name, before[name], getattr(report, name))
                    for name in moved
                ]
                events.append(
                    ReportEvent(
                        report=report,
                        kind=ReportEvent.Kind.DEADLINES_RECOMPUTED,
                        actor=actor,
                        created_at=now,
                        is_public=False,
                        data={
                            name: [_iso(before[name]), _iso(getattr(report, name))]
                            for name in moved
                        },
                    )
                )
            result.changed_reports += len(updated)
            if updated and not dry_run:
                Report.objects.bulk_update(updated, sorted(fields))
                ReportEvent.objects.bulk_create(events)
    return result


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
