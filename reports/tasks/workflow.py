"""Scheduled workflow steps."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from reports.models import Report
from reports.workflow import DISPUTE_WINDOW, OPEN_STATUSES, NotAllowed

CLOSE_BATCH = 500


@shared_task(acks_late=True)
def close_resolved_reports() -> int:
    """Closes resolved reports nobody disputed within the dispute window.

    Idempotent: a report already closed, or reopened meanwhile by a "not satisfied" rating,
    is refused by the action under its row lock and skipped. Returns how many were closed.
    """
    from reports.actions.handling import report_close

    cutoff = timezone.now() - DISPUTE_WINDOW
    ids = list(
        Report.objects.filter(status=Report.Status.RESOLVED, resolved_at__lte=cutoff)
        .order_by("resolved_at")
        .values_list("pk", flat=True)[:CLOSE_BATCH]
    )
    closed = 0
    for report in Report.objects.filter(pk__in=ids).only("pk"):
        try:
            report_close(report=report, acting_user=None)
        except NotAllowed:
            continue
        closed += 1
    return closed


@shared_task(acks_late=True)
def recompute_open_deadlines() -> int:
    """After an administrator changes the working calendar or office hours: every open
    report's running clocks are recomputed from their start with the new calendar (an
    extended deadline stays as decided). Each report is locked while it is updated, so a
    concurrent action is never overwritten. Returns how many reports changed."""
    from reports.deadlines import recompute_open_deadlines as recompute
    from services.calendar import current_calendar

    calendar = current_calendar()
    changed = 0
    ids = list(Report.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",))
                .select_related("category")
                .filter(pk=pk, status__in=OPEN_STATUSES)
                .first()
            )
            if report is None:
                continue
            before = (report.intake_due_at, report.response_due_at, report.resolution_due_at)
            fields = recompute(report, calendar=calendar)
            after = (report.intake_due_at, report.response_due_at, report.resolution_due_at)
            if fields:
                report.save(update_fields=fields)
            changed += before != after
    return changed
