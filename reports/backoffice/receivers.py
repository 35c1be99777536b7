"""Dispatching a report to an agency with a back office puts it in the back-office outbox:
connected to the timeline (``ReportEvent``), so whichever action dispatches (acceptance, a
transfer) the outbox row is written in its transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from reports.backoffice.outbox import delivery_queue
from reports.models import ReportEvent

DISPATCHING_KINDS = frozenset({ReportEvent.Kind.ACCEPTED, ReportEvent.Kind.TRANSFERRED})


@receiver(post_save, sender=ReportEvent, dispatch_uid="reports.backoffice.dispatched")
def queue_delivery_on_dispatch(sender, instance: ReportEvent, created: bool, **kwargs) -> None:
    if created and instance.kind in DISPATCHING_KINDS and instance.department_id:
        delivery_queue(report=instance.report, department_id=instance.department_id)
