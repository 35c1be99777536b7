"""Scheduled workflow steps."""

from celery import shared_task
from django.utils import timezone

from reports.handling.actions import report_close
from reports.models import Report
from reports.workflow import DISPUTE_WINDOW, NotAllowed

CLOSE_BATCH = 500


@shared_task(name="reports.handling.close_resolved_reports", acks_late=True)
def close_resolved_reports() -> int:
    """Closes resolved reports nobody disputed within the dispute window.

    Idempotent: a report already closed, or reopened meanwhile by a "not satisfied" rating,
    is refused by the action under its row lock and skipped. Returns how many were closed.
    """
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
