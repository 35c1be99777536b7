"""Photo work off the request path: the pipeline for each uploaded photo, the sweep for photos
whose task was lost, and the clean-up of abandoned uploads.

Task names are fixed (not derived from the module path); CELERY_TASK_ROUTES sends them to the
"images" queue.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from reports.intake.photos import photo_process, photo_stored, staged_photos_discard
from reports.models import Photo

logger = logging.getLogger(__name__)

STAGED_PHOTO_LIFETIME = timedelta(hours=24)

_RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="reports.intake.process_photo", **_RETRY)
def process_photo(self, photo_id: int) -> str:
    return photo_process(photo_id=photo_id)


@shared_task(name="reports.intake.make_photo_thumbnail", **_RETRY)
def make_photo_thumbnail(self, photo_id: int) -> str:
    """Messages queued by the release before the pipeline moved here: same work."""
    return photo_process(photo_id=photo_id)


@shared_task(name="reports.intake.discard_stale_staged_photos")
def discard_stale_staged_photos() -> int:
    discarded = staged_photos_discard(older_than=timezone.now() - STAGED_PHOTO_LIFETIME)
    if discarded:
        logger.info("Discarded %d photos uploaded but never attached to a report", discarded)
    return discarded


@shared_task(name="reports.intake.queue_unprocessed_photos")
def queue_unprocessed_photos(limit: int = 500) -> int:
    """Queues again the photos still waiting for the pipeline (and ready ones without a
    thumbnail), oldest first: after a broker outage every upload gets processed."""
    now = timezone.now()
    photo_ids = list(
        Photo.objects.filter(
            Q(state=Photo.State.PENDING)
            | Q(state=Photo.State.READY, thumbnail="")
            | Q(state=Photo.State.READY, thumbnail__isnull=True)
        )
        # Two days at most: a photo still waiting by then will not be helped by more tries.
        .filter(
            created_at__lt=now - timedelta(seconds=settings.PHOTO_SWEEP_GRACE_SECONDS),
            created_at__gte=now - timedelta(days=2),
        )
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )
    for photo_id in photo_ids:
        process_photo.delay(photo_id)
    return len(photo_ids)


@receiver(photo_stored, dispatch_uid="reports.intake.process_stored_photo")
def _process_stored_photo(sender, photo_id: int, **kwargs) -> None:
    try:
        # No retries: with the broker down the upload must not wait; the sweep catches up.
        process_photo.apply_async((photo_id,), retry=False)
    except Exception:  # broker unreachable: queue_unprocessed_photos queues it again later
        logger.warning("Could not queue photo %s for processing", photo_id, exc_info=True)
