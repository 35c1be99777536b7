"""Open311 work off the request path: downloading the photos clients give as ``media_url``.

Each address is a ``RemotePhoto`` row written with the report. A download that fails in a way
that may pass (the host unreachable, a server error) is tried again with a growing delay, a
bounded number of times (``reports.open311.actions``); then, or at once for a refusal that will
not pass, the failure goes on the staff timeline. A row whose task never reached the broker,
or whose next try was lost with it, is queued again by beat's sweep.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from reports.models import RemotePhoto
from reports.open311.actions import (
    remote_photo_adopt,
    remote_photo_fetch,
    remote_photo_requested,
    remote_photos_due,
)

logger = logging.getLogger(__name__)


@shared_task(name="reports.open311.download_remote_photo", acks_late=True)
def download_remote_photo(remote_photo_id: int) -> str:
    """One try; the next is queued for ``next_attempt_at``, which in-process Celery runs at
    once, as it does every task."""
    outcome = remote_photo_fetch(remote_photo_id=remote_photo_id)
    if outcome == "retry":
        due = RemotePhoto.objects.values_list("next_attempt_at", flat=True).get(pk=remote_photo_id)
        _queue(remote_photo_id, eta=due)
    return outcome


@shared_task(name="reports.open311.fetch_remote_photo", acks_late=True)
def fetch_remote_photo(report_id: int, url: str, retries: int = 0) -> str:
    """Messages queued by the release before photos by address had rows: same work."""
    remote = remote_photo_adopt(report_id=report_id, url=url)
    return "no report" if remote is None else download_remote_photo(remote.pk)


@shared_task(name="reports.open311.queue_remote_photos")
def queue_remote_photos() -> int:
    """Beat's sweep: every waiting photo whose try is overdue is queued again."""
    grace = timedelta(seconds=settings.PHOTO_SWEEP_GRACE_SECONDS)
    due = remote_photos_due(now=timezone.now(), grace=grace)
    for remote_photo_id in due:
        _queue(remote_photo_id)
    return len(due)


def _queue(remote_photo_id: int, eta=None) -> None:
    try:
        # No retries: with the broker down nobody must wait; the sweep catches up.
        download_remote_photo.apply_async((remote_photo_id,), eta=eta, retry=False)
    except Exception:  # broker unreachable: the row waits for queue_remote_photos
        logger.warning(
            "Could not queue the download of photo by address %s", remote_photo_id, exc_info=True
        )


@receiver(remote_photo_requested, dispatch_uid="reports.open311.fetch_requested_photo")
def _fetch_requested_photo(sender, remote_photo_id: int, **kwargs) -> None:
    _queue(remote_photo_id)
