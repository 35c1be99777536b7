"""Sends one outbox row, once, on its channel; retries failures; finds rows whose task was lost.

Delivery locks the row, sends, and marks it in one transaction, so two deliveries of the same
row (a re-queued task next to the original) never both send: the second waits for the lock
and finds the row sent. A worker that dies mid-send rolls the transaction back and the row is
sent again by the redelivered task; the stable Message-ID lets mail clients fold that rare
repeat (an SMS carries no such id: a worker killed between the SMSC's answer and the commit is
the one case where a phone may get a text twice). Failures are retried with growing, jittered
delays, then the row is marked failed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from camau_portal.notifications.channels import Undeliverable, channel_for
from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.rendering import Withdrawn
from camau_portal.notifications.sms_backends import DeliveryReceipt


def retry_delays() -> list[timedelta]:
    """The waits before each retry (OUTBOX_RETRY_DELAYS_SECONDS); after the last, the row fails."""
    return [timedelta(seconds=s) for s in settings.OUTBOX_RETRY_DELAYS_SECONDS]


RETRY_JITTER = 0.2

SENT = "sent"
SKIPPED = "skipped"
RETRY = "retry"
FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    outcome: str
    retry_in: timedelta | None = None


def retry_delay(attempts: int) -> timedelta:
    """Growing delays with +/-20 % jitter, so a provider outage is not hammered in step."""
    delays = retry_delays()
    base = delays[min(attempts, len(delays)) - 1]
    return base * random.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)


def deliver_outbound_email(outbound_email_id: int) -> Delivery:
    """Sends a pending row once. Idempotent: a row already sent or failed is left alone; a row
    withdrawn by a context processor (say, the follower unsubscribed) is marked failed unsent."""
    with transaction.atomic():
        row = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .filter(pk=outbound_email_id)
            .first()
        )
        if row is None or row.status != OutboundEmail.Status.PENDING:
            return Delivery(SKIPPED)
        try:
            provider_message_id = channel_for(row).send(row)
        except Withdrawn as withdrawn:
            row.status = OutboundEmail.Status.FAILED
            row.last_error = str(withdrawn)
            row.save(update_fields=["status", "last_error"])
            return Delivery(SKIPPED)
        except Undeliverable as refused:
            row.attempts += 1
            row.status = OutboundEmail.Status.FAILED
            row.last_error = f"refused: {refused}"[:2000]
            row.save(update_fields=["attempts", "status", "last_error"])
            return Delivery(FAILED)
        except Exception as exc:  # SMTP, SMPP, network and template errors: retry later
            return _failed_attempt(row, exc)
        row.attempts += 1
        row.status = OutboundEmail.Status.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
        row.provider_message_id = provider_message_id[:200]
        row.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "provider_message_id"]
        )
        return Delivery(SENT)


def _failed_attempt(row: OutboundEmail, exc: Exception) -> Delivery:
    row.attempts += 1
    row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    if row.attempts > len(retry_delays()):
        row.status = OutboundEmail.Status.FAILED
        row.save(update_fields=["attempts", "last_error", "status"])
        return Delivery(FAILED)
    delay = retry_delay(row.attempts)
    row.next_attempt_at = timezone.now() + delay
    row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    return Delivery(RETRY, delay)


def requeue_pending_emails(*, grace: timedelta, lease: timedelta, limit: int = 1000) -> list[int]:
    """Pending rows whose sending is overdue by ``grace`` (their task was never published, or
    was lost): they are claimed for ``lease`` so the next scan does not queue them again, and
    their ids returned for the caller to publish."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now - grace)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboundEmail.objects.filter(pk__in=ids).update(next_attempt_at=now + lease)
    return ids


def record_delivery_receipt(receipt: DeliveryReceipt) -> int:
    """Notes the SMSC's receipt on the SMS it is about (one of the parts, for a text sent in
    several); returns how many rows it matched (0 for a message this portal did not send)."""
    message_id = receipt.message_id
    about = (
        Q(provider_message_id=message_id)
        | Q(provider_message_id__startswith=f"{message_id},")
        | Q(provider_message_id__endswith=f",{message_id}")
        | Q(provider_message_id__contains=f",{message_id},")
    )
    return OutboundEmail.objects.filter(about, channel=OutboundEmail.Channel.SMS).update(
        delivery_report=receipt.state, delivery_reported_at=timezone.now()
    )
