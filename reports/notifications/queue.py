"""Turns timeline events into outbox rows, in the caller's transaction.

One row per event and recipient, so running it twice sends nothing twice; the outbox
(``camau_portal.notifications``) sends them after the transaction commits.

Who hears about what:

* the reporter: every public event of their report, plus the acknowledgement ("submitted",
  with the tracking code and the private link) and requests for information;
* followers ("me too"): every public event except those two;
* staff: reminders, escalations and alerts of ``reports.deadlines.reminders``, and the daily digest.

A reporter who gave a phone number and no email follows by phone and gets an SMS, for the
changes of status alone (``SMS_EVENT_KINDS``): each text costs money and a phone is not an
inbox. Its template is ``sms/event_<kind>.txt``.

Nobody who unsubscribed from a report, or has not confirmed following it, gets its emails or
texts. Messages to anyone but the reporter never carry the reporter's name, email, phone or
private link.
"""

from __future__ import annotations

from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.outbox import Recipient, queue_emails
from reports.models import Follower, ReportEvent

Kind = ReportEvent.Kind

# Public events the reporter and followers hear about.
EMAILED_EVENT_KINDS = frozenset(
    {
        Kind.SUBMITTED,
        Kind.ACCEPTED,
        Kind.REJECTED,
        Kind.MARKED_DUPLICATE,
        Kind.INFO_REQUESTED,
        Kind.PUBLIC_UPDATE,
        Kind.DEADLINE_EXTENDED,
        Kind.RESOLVED,
        Kind.REOPENED,
        Kind.CLOSED,
    }
)
# Addressed to the reporter alone: the acknowledgement carries the private link, and only the
# reporter can answer a request for information.
REPORTER_ONLY_KINDS = frozenset({Kind.SUBMITTED, Kind.INFO_REQUESTED})
# Emailed only when the action made them public (an extension may be internal).
WHEN_PUBLIC_KINDS = frozenset({Kind.DEADLINE_EXTENDED})
# Texted to a reporter who follows by phone: the acknowledgement, a question only they can
# answer, and each change of status.
SMS_EVENT_KINDS = frozenset(
    {
        Kind.SUBMITTED,
        Kind.ACCEPTED,
        Kind.REJECTED,
        Kind.MARKED_DUPLICATE,
        Kind.INFO_REQUESTED,
        Kind.RESOLVED,
        Kind.CLOSED,
    }
)


def event_template(kind: str) -> str:
    return f"event_{kind}"


def queue_event_emails(event: ReportEvent) -> list[OutboundEmail]:
    """Outbox rows for the reporter and followers of ``event``'s report; call it inside the
    transaction that creates the event. Returns the rows (new or already there) to send."""
    if event.kind not in EMAILED_EVENT_KINDS:
        return []
    if event.kind in WHEN_PUBLIC_KINDS and not event.is_public:
        return []
    followers = Follower.objects.filter(
        report_id=event.report_id, is_subscribed=True, confirmed_at__isnull=False
    )
    if event.kind in REPORTER_ONLY_KINDS:
        followers = followers.filter(is_reporter=True)
    if event.kind not in SMS_EVENT_KINDS:
        followers = followers.exclude(email="")
    recipients = [
        Recipient(email=email, phone=phone, language=language, context={"follower_id": pk})
        for pk, email, phone, language in followers.values_list("pk", "email", "phone", "language")
    ]
    return queue_emails(
        template=event_template(event.kind),
        recipients=recipients,
        dedupe_prefix=f"event:{event.pk}",
        report_id=event.report_id,
        event_id=event.pk,
    )
