"""Periodic deadline tasks (see CELERY_BEAT_SCHEDULE): the scan every few minutes and the
07:30 digest. Both are idempotent, so overlapping beats or a redelivered message are harmless.
"""

from celery import shared_task

from reports.deadlines.digest import send_daily_digests
from reports.deadlines.reminders import reconcile_deadline_checks, scan_deadlines
from reports.notifications.tasks import DATABASE_RETRY


@shared_task(acks_late=True, **DATABASE_RETRY)
def scan_deadlines_task() -> dict:
    return scan_deadlines().as_dict()


@shared_task(acks_late=True, **DATABASE_RETRY)
def send_daily_digests_task() -> dict:
    return {"emails": send_daily_digests(), "checks_fixed": reconcile_deadline_checks()}
