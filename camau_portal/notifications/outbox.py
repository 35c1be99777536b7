"""Writing messages to the outbox, in the caller's transaction, and handing them over after
commit.

One row per cause, channel and recipient (``OutboundEmail.dedupe_key``), so running a producer
twice sends nothing twice. A recipient with an email address gets an email; one with only a
phone number gets an SMS (the same template name, rendered from ``sms/``). Once the
transaction commits, ``emails_ready`` announces the rows; the send task
(``camau_portal.notifications.tasks``) listens and queues them. If the broker is down then, the
rows wait and the periodic outbox scan sends them later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from camau_portal.notifications.models import OutboundEmail

# Sent after commit with ``ids``: outbox rows ready to be handed to a sender.
emails_ready = Signal()


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    # Added to this recipient's row context, for the sender's own templates and checks.
    context: Mapping[str, object] = field(default_factory=dict)
    # E.164; used when ``email`` is empty: the message goes by SMS.
    phone: str = ""

    @property
    def channel_and_address(self) -> tuple[str, str] | None:
        if self.email.strip():
            return OutboundEmail.Channel.EMAIL, self.email.strip()
        if self.phone.strip():
            return OutboundEmail.Channel.SMS, self.phone.strip()
        return None


def dedupe_key(prefix: str, channel: str, address: str) -> str:
    # Email keys keep the form they had before SMS, so rows written then still deduplicate.
    if channel == OutboundEmail.Channel.EMAIL:
        return f"{prefix}:{address.lower()}"
    return f"{prefix}:{channel}:{address}"


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
    ``dedupe_prefix``) and hands them over once the transaction commits (unless ``enqueue`` is
    false: the outbox scan sends them later). Returns the pending rows, new or already there."""
    now = timezone.now()
    rows = {}
    for recipient in recipients:
        if (target := recipient.channel_and_address) is None:
            continue
        channel, address = target
        key = dedupe_key(dedupe_prefix, channel, address)
        rows.setdefault(
            key,
            OutboundEmail(
                dedupe_key=key,
                channel=channel,
                template=template,
                recipient=address,
                language=recipient.language,
                report_id=report_id,
                event_id=event_id,
                context={**(context or {}), **recipient.context},
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
        publish_on_commit([row.pk for row in pending])
    return pending


def publish_on_commit(ids: list[int]) -> None:
    """Announces the rows once the transaction commits. A failing receiver (the broker is
    down) is logged, not raised: the change has succeeded and the outbox scan sends them."""
    if ids:
        transaction.on_commit(
            lambda: emails_ready.send(sender=OutboundEmail, ids=list(ids)), robust=True
        )
