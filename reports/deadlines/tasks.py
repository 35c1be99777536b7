"""Deadline tasks: the scan every few minutes and the 07:30 digest (see CELERY_BEAT_SCHEDULE),
and the recompute after a change of working time. All are idempotent, so overlapping beats or a
redelivered message are harmless. Task names are fixed, not derived from the module path.
"""

from celery import shared_task
from django.dispatch import receiver

from accounts.models import User
from camau_portal.notifications.tasks import DATABASE_RETRY
from reports.deadlines.digest import send_daily_digests
from reports.deadlines.recompute import open_reports_deadlines_recompute
from reports.deadlines.reminders import reconcile_deadline_checks, scan_deadlines
from services.signals import calendar_changed


@shared_task(name="reports.deadlines.scan", acks_late=True, **DATABASE_RETRY)
def scan_deadlines_task() -> dict:
    return scan_deadlines().as_dict()


@shared_task(name="reports.deadlines.send_daily_digests", acks_late=True, **DATABASE_RETRY)
def send_daily_digests_task() -> dict:
    return {"emails": send_daily_digests(), "checks_fixed": reconcile_deadline_checks()}


@shared_task(name="reports.deadlines.recompute_open_deadlines", acks_late=True)
def recompute_open_deadlines_task(acting_user_id: int | None = None) -> int:
    """After an administrator changes the working calendar or office hours. Returns how many
    reports' deadlines moved."""
    acting_user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    return open_reports_deadlines_recompute(acting_user=acting_user).changed_reports


@receiver(calendar_changed, dispatch_uid="reports.deadlines.recompute_after_calendar_change")
def _recompute_after_calendar_change(sender, acting_user=None, **kwargs) -> None:
    recompute_open_deadlines_task.delay(getattr(acting_user, "pk", None))
