"""Applies the three clocks to a report. Called by actions inside their transaction.

Each function sets due-time fields on the report instance and returns the names of the fields
it changed, so the caller can ``save(update_fields=...)``.
"""

from __future__ import annotations

from datetime import datetime

from reports.models import Report
from services.sla import WorkingCalendar


def resolution_target(report: Report) -> tuple[int, str]:
    category = report.category
    if report.priority == Report.Priority.URGENT:
        return category.urgent_target, category.urgent_unit
    return category.resolution_target, category.resolution_unit


def start_intake_clock(report: Report, *, calendar: WorkingCalendar) -> list[str]:
    report.intake_due_at = calendar.intake_deadline(report.submitted_at)
    return ["intake_due_at"]


def start_handling_clocks(
    report: Report, *, accepted_at: datetime, calendar: WorkingCalendar
) -> list[str]:
    """On acceptance: the first-response and resolution clocks start."""
    report.response_due_at = calendar.response_deadline(accepted_at)
    amount, unit = resolution_target(report)
    report.resolution_due_at = calendar.add_target(accepted_at, amount, unit)
    return ["response_due_at", "resolution_due_at"]


def recompute_resolution_due(report: Report, *, calendar: WorkingCalendar) -> list[str]:
    """After a priority change: the target is re-applied from acceptance, minus any pauses
    already accounted for (the working time the report spent waiting is added back)."""
    if report.accepted_at is None:
        return []
    amount, unit = resolution_target(report)
    paused = report.resolution_paused_total
    due = calendar.add_target(report.accepted_at, amount, unit)
    if paused:
        due = calendar.add(due, paused)
    report.resolution_due_at = due
    return ["resolution_due_at"]


def pause_resolution_clock(report: Report, *, at: datetime) -> list[str]:
    report.resolution_paused_at = at
    return ["resolution_paused_at"]


def resume_resolution_clock(
    report: Report, *, at: datetime, calendar: WorkingCalendar
) -> list[str]:
    """The working time spent waiting for the reporter moves the deadline back by as much."""
    if report.resolution_paused_at is None:
        return []
    waited = calendar.between(report.resolution_paused_at, at)
    report.resolution_paused_total += waited
    if report.resolution_due_at is not None:
        report.resolution_due_at = calendar.add(report.resolution_due_at, waited)
    report.resolution_paused_at = None
    return ["resolution_paused_at", "resolution_paused_total", "resolution_due_at"]


def extend_resolution(report: Report, *, to: datetime) -> list[str]:
    report.resolution_due_at = to
    report.resolution_extended = True
    return ["resolution_due_at", "resolution_extended"]


def deadline_outcome(done_at: datetime, due_at: datetime | None, extended: bool) -> str:
    """How one clock ended: "on_time", "late_extended" (within an approved extension) or "late".

    A clock without a deadline counts as on time. An extension only ever moves the resolution
    deadline later, so a report done by its extended deadline was late against the original one.
    """
    if due_at is None or done_at <= due_at:
        return "late_extended" if extended else "on_time"
    return "late"
