"""Turns timeline events into outbox rows, in the caller's transaction.

One row per event and recipient (``dedupe_key``), so running this twice for one event sends
nothing twice. Sending happens in ``reports.tasks.email`` after the transaction commits.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from reports.models import Follower, OutboundEmail, ReportEvent

# Events the reporter and followers hear about. "submitted" only reaches the reporter.
EMAILED_EVENT_KINDS = {
    ReportEvent.Kind.SUBMITTED,
    ReportEvent.Kind.ACCEPTED,
    ReportEvent.Kind.REJECTED,
    ReportEvent.Kind.MARKED_DUPLICATE,
    ReportEvent.Kind.INFO_REQUESTED,
    ReportEvent.Kind.PUBLIC_UPDATE,
    ReportEvent.Kind.RESOLVED,
    ReportEvent.Kind.REOPENED,
    ReportEvent.Kind.CLOSED,
}


def queue_event_emails(event: ReportEvent) -> list[OutboundEmail]:
    if event.kind not in EMAILED_EVENT_KINDS:
        return []
    followers = Follower.objects.filter(report_id=event.report_id, is_subscribed=True)
    if event.kind in (ReportEvent.Kind.SUBMITTED, ReportEvent.Kind.INFO_REQUESTED):
        followers = followers.filter(is_reporter=True)
    rows = []
    now = timezone.now()
    for follower in followers:
        row, created = OutboundEmail.objects.get_or_create(
            dedupe_key=f"event:{event.pk}:{follower.email.lower()}",
            defaults={
                "template": f"event_{event.kind}",
                "recipient": follower.email,
                "language": follower.language,
                "report_id": event.report_id,
                "event": event,
                "context": {"follower_id": follower.pk},
                "next_attempt_at": now,
            },
        )
        if created:
            rows.append(row)
    if rows:
        from reports.tasks.email import send_outbound_email

        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: [send_outbound_email.delay(pk) for pk in ids])
    return rows
