"""Email tasks, on the "email" queue (see CELERY_TASK_ROUTES) so photo bursts never delay them.

Tasks take ids and re-read the row; sending is idempotent (``delivery``). They acknowledge
late, so a worker killed mid-task has the message redelivered, and retry database hiccups with
exponential backoff and jitter. Their time limits (CELERY_TASK_TIME_LIMIT) stay below the
broker's visibility timeout, so a slow task is never redelivered while it still runs. Task
names are fixed, not derived from the module path, so moving code never strands queued messages.
"""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_process_shutdown
from django.conf import settings
from django.db import DatabaseError
from django.dispatch import receiver

from camau_portal.notifications.delivery import (
    RETRY,
    deliver_outbound_email,
    record_delivery_receipt,
    requeue_pending_emails,
)
from camau_portal.notifications.outbox import emails_ready
from camau_portal.notifications.sms_backends import reset_sms_backend, sms_backend

logger = logging.getLogger(__name__)

DATABASE_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(
    name="notifications.send_outbound_email",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    **DATABASE_RETRY,
)
def send_outbound_email(self, outbound_email_id: int) -> str:
    delivery = deliver_outbound_email(outbound_email_id)
    if delivery.outcome == RETRY and not self.request.is_eager:
        # The row records the failure and its next attempt; this retry carries it out (the
        # outbox scan is the safety net if the retry message itself is lost).
        raise self.retry(countdown=delivery.retry_in.total_seconds(), max_retries=None, exc=None)
    return delivery.outcome


@shared_task(name="notifications.requeue_pending_emails", acks_late=True, **DATABASE_RETRY)
def requeue_pending_emails_task() -> int:
    """Re-queues outbox rows whose task never reached the broker (it was down) or was lost."""
    ids = requeue_pending_emails(
        grace=timedelta(seconds=settings.OUTBOX_REQUEUE_GRACE_SECONDS),
        lease=timedelta(seconds=settings.OUTBOX_REQUEUE_LEASE_SECONDS),
    )
    return publish_outbound_emails(ids)


@shared_task(name="notifications.read_sms_receipts", **DATABASE_RETRY)
def read_sms_receipts() -> int:
    """Takes the delivery receipts the SMSC kept since the last run (beat, when SMPP is set)."""
    return sms_backend().read_receipts(record_delivery_receipt)


def publish_outbound_emails(ids: list[int]) -> int:
    """Queues one send task per row; returns how many reached the broker. A broker outage is
    logged, not raised: the outbox scan re-queues the rest."""
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


@receiver(emails_ready, dispatch_uid="notifications.publish_outbound_emails")
def _publish_ready_emails(sender, ids, **kwargs) -> int:
    return publish_outbound_emails(ids)


@worker_process_shutdown.connect(dispatch_uid="notifications.close_sms_session")
def _close_sms_session(**kwargs) -> None:
    """A worker process that stops unbinds its SMPP session politely (SMSCs count sessions)."""
    reset_sms_backend()
