"""Back-office work for the worker and beat: sending each due delivery (and its retries),
re-queuing deliveries whose task was lost, and reading each back office's updates."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from reports.backoffice.client import BackOfficeError
from reports.backoffice.outbox import deliveries_due, delivery_due, delivery_send
from reports.backoffice.updates import updates_fetch
from reports.models import BackOfficeDelivery, BackOfficeEndpoint

logger = logging.getLogger(__name__)


@shared_task(name="reports.backoffice.send_delivery", acks_late=True)
def send_delivery(delivery_id: int) -> str:
    outcome = delivery_send(delivery_id=delivery_id)
    if outcome == "retry":
        due = BackOfficeDelivery.objects.values_list("next_attempt_at", flat=True).get(
            pk=delivery_id
        )
        send_delivery.apply_async((delivery_id,), eta=due)
    return outcome


@shared_task(name="reports.backoffice.requeue_due_deliveries")
def requeue_due_deliveries() -> int:
    grace = timedelta(seconds=settings.BACK_OFFICE_REQUEUE_GRACE_SECONDS)
    due = deliveries_due(now=timezone.now(), grace=grace)
    for delivery_id in due:
        send_delivery.delay(delivery_id)
    return len(due)


@shared_task(name="reports.backoffice.fetch_updates")
def fetch_updates() -> dict:
    """Every active back office, one after the other; one that does not answer is read again
    at the next run, from where its last good read ended."""
    results = {}
    for endpoint in BackOfficeEndpoint.objects.filter(is_active=True).select_related(
        "acting_officer"
    ):
        try:
            results[endpoint.pk] = updates_fetch(endpoint=endpoint)
        except BackOfficeError as error:
            logger.warning("Updates of %s could not be read: %s", endpoint, error)
            results[endpoint.pk] = {"error": 1}
    return results


@receiver(delivery_due, dispatch_uid="reports.backoffice.send_due_delivery")
def _send_due_delivery(sender, delivery_id: int, **kwargs) -> None:
    try:
        send_delivery.delay(delivery_id)
    except Exception:  # broker unreachable: requeue_due_deliveries queues it later
        logger.warning("Could not queue back-office delivery %s", delivery_id, exc_info=True)
