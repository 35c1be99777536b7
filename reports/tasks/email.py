"""Sends outbox rows. Idempotent: a row already sent is left alone."""

from celery import shared_task

from reports.mail import deliver_outbound_email


@shared_task(bind=True, acks_late=True, max_retries=8)
def send_outbound_email(self, outbound_email_id: int) -> str:
    return deliver_outbound_email(outbound_email_id)
