"""Turns timeline events and deadline thresholds into outbox rows, in the caller's transaction.

One row per cause and recipient (``OutboundEmail.dedupe_key``), so running a producer twice
sends nothing twice. Sending happens in ``reports.notifications.tasks`` after the transaction
commits; if the broker is down then, the row waits and ``requeue_pending_emails`` sends it later.

Who hears about what:

* the reporter: every public event of their report, plus the acknowledgement ("submitted",
  with the tracking code and the private link) and requests for information;
* followers ("me too"): every public event except those two;
* staff: reminders, escalations and alerts of ``reports.deadlines.reminders``, and the daily digest.

Nobody who unsubscribed from a report, or has not confirmed following it, gets its emails.
Emails to anyone but the reporter never carry the reporter's name, email, phone or private
link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from reports.models import Follower, OutboundEmail, ReportEvent

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    follower_id: int | None = None


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
    recipients = [
        Recipient(email=email, language=language, follower_id=pk)
        for pk, email, language in followers.values_list("pk", "email", "language")
    ]
    return queue_emails(
        template=event_template(event.kind),
        recipients=recipients,
        dedupe_prefix=f"event:{event.pk}",
        report_id=event.report_id,
        event_id=event.pk,
    )


def queue_emails(
    *,
    template: str,
    recipients: Iterable[Recipient],
    dedupe_prefix: str,
    report_id: int | None = None,
    event_id: int | None = None,
    context: dict | None = None,
    enqueue: bool = True,
) -> list[OutboundEmail]:
    """Writes one outbox row per recipient (skipping those already written for the same
    ``dedupe_prefix``) and sends them once the transaction commits (unless ``enqueue`` is
    false: the outbox scan sends them later)."""
    now = timezone.now()
    rows = {}
    for recipient in recipients:
        key = f"{dedupe_prefix}:{recipient.email.strip().lower()}"
        row_context = dict(context or {})
        if recipient.follower_id is not None:
            row_context["follower_id"] = recipient.follower_id
        rows.setdefault(
            key,
            OutboundEmail(
                dedupe_key=key,
                template=template,
                recipient=recipient.email.strip(),
                language=recipient.language,
                report_id=report_id,
                event_id=event_id,
                context=row_context,
                next_attempt_at=now,
            ),
        )
    if not rows:
        return []
    # A concurrent or repeated producer loses the race quietly: the unique key keeps one row.
    OutboundEmail.objects.bulk_create(rows.values(), ignore_conflicts=True)
    pending = list(
        OutboundEmail.objects.filter(dedupe_key__in=rows, status=OutboundEmail.Status.PENDING)
    )
    if enqueue:
        enqueue_outbound_emails([row.pk for row in pending])
    return pending


def enqueue_outbound_emails(ids: list[int]) -> None:
    """Hands the rows to the email queue after commit. A broker outage is logged, not raised:
    the submission has succeeded and the rows are sent by the next outbox scan."""
    if ids:
        transaction.on_commit(partial(publish_outbound_emails, list(ids)), robust=True)


def publish_outbound_emails(ids: list[int]) -> int:
    from reports.notifications.tasks import send_outbound_email

    published = 0
    for pk in ids:
        try:
            send_outbound_email.apply_async((pk,))
        except Exception:  # broker unreachable: the outbox scan will re-queue these rows
            logger.warning(
                "Could not queue %d outbound email(s); the outbox scan will retry them.",
                len(ids) - published,
                exc_info=True,
            )
            break
        published += 1
    return published
